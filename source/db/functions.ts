/**
 * SQL functions for matching values against patterns (allowlist entries): glob, CIDR, regex.
 */
import type Database from 'better-sqlite3';

const regexCache = new Map<string, RegExp | null>();

function compiled(pattern: string, flags: string): RegExp | null {
	const key = `${flags}/${pattern}`;
	if (!regexCache.has(key)) {
		try {
			regexCache.set(key, new RegExp(pattern, flags));
		} catch {
			regexCache.set(key, null);
		}
	}

	return regexCache.get(key)!;
}

/** Glob (`*`, `?`) to an anchored regex source. */
export function globToRegex(glob: string): string {
	let out = '';
	for (const ch of glob) {
		if (ch === '*') out += '.*';
		else if (ch === '?') out += '.';
		else out += ch.replace(/[.+^${}()|[\]\\/]/g, '\\$&');
	}

	return `^${out}$`;
}

/** IPv4 dotted quad to an unsigned 32-bit number, or undefined. */
export function ipv4ToNumber(ip: string): number | undefined {
	const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip.trim());
	if (!m) return undefined;
	const parts = m.slice(1).map(Number);
	if (parts.some(p => p > 255)) return undefined;
	return ((parts[0]! * 256 + parts[1]!) * 256 + parts[2]!) * 256 + parts[3]!;
}

/** True when `ip` lies inside `cidr` (`10.0.0.0/8`; a bare address is a /32). IPv4 only. */
export function inCidr(ip: string, cidr: string): boolean {
	const [base, bitsText] = cidr.split('/');
	const bits = bitsText === undefined ? 32 : Number(bitsText);
	const a = ipv4ToNumber(ip);
	const b = ipv4ToNumber(base ?? '');
	if (a === undefined || b === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
	if (bits === 0) return true;
	const size = 2 ** (32 - bits);
	return Math.floor(a / size) === Math.floor(b / size);
}

/**
 * `value_matches(value, pattern, match, nocase)`: 1 when value matches under match kind
 * exact|glob|cidr|regex, case-insensitively when nocase is 1; NULL value never matches.
 */
export function valueMatches(value: unknown, pattern: unknown, match: unknown, nocase: unknown): number {
	if (value === null || value === undefined || pattern === null) return 0;
	const v = String(value);
	const p = String(pattern);
	const ci = Number(nocase) === 1;
	switch (match) {
		case 'exact': return (ci ? v.toLowerCase() === p.toLowerCase() : v === p) ? 1 : 0;
		case 'glob': return compiled(globToRegex(p), ci ? 'is' : 's')?.test(v) ? 1 : 0;
		case 'regex': return compiled(p, ci ? 'i' : '')?.test(v) ? 1 : 0;
		case 'cidr': return inCidr(v, p) ? 1 : 0;
		default: return 0;
	}
}

export function registerMatchers(db: Database.Database): void {
	db.function('value_matches', {deterministic: true}, valueMatches);
}
