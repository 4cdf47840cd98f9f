/**
 * Allowlist entries (SPEC section 6): validation of what a hunter types or imports, and the
 * file shape teams keep in git (YAML or JSON, an array or `{allowlist: [...]}`).
 */
import YAML from 'yaml';
import {ipv4ToNumber} from '../db/functions.ts';
import {DAY_MS, datePrefixProblem} from '../util/time.ts';

export const KINDS = ['src_ip', 'user', 'target', 'pair'] as const;
export const MATCHES = ['exact', 'glob', 'cidr', 'regex'] as const;
export type Kind = (typeof KINDS)[number];
export type Match = (typeof MATCHES)[number];

/** An entry as it is stored and exported. Times are epoch ms UTC. */
export interface Entry {
	id?: number;
	kind: Kind;
	pattern?: string;
	src_ip?: string;
	user?: string;
	target?: string;
	match: Match;
	reason: string;
	author?: string;
	created?: number;
	expires?: number;
	profile?: string;
	enabled?: boolean;
}

/** A problem with one entry: which one (0-based index in the file), which field, why. */
export class EntryError extends Error {
	override name = 'EntryError';
	constructor(readonly index: number | undefined, readonly field: string, readonly reason: string) {
		super(`${index === undefined ? '' : `entry ${index}: `}${field}: ${reason}`);
	}
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A date or time field's text, trimmed; one whose date is none of the calendar's (2027-02-30) is an error. */
function calendarText(value: unknown, field: string, index?: number): string {
	const text = String(value).trim();
	const problem = datePrefixProblem(text);
	if (problem !== undefined) throw new EntryError(index, field, `"${text}" is not a calendar date: ${problem}`);
	return text;
}

/**
 * An expiry date or time to epoch ms. A bare date means the entry still applies on that day
 * and stops at the following midnight UTC (what is stored; formatExpiry gives the date back).
 * An impossible date (2027-02-30) is an error, never moved into the next month.
 */
export function parseExpiry(value: unknown, index?: number): number {
	if (value instanceof Date) return value.getTime();
	const text = calendarText(value, 'expires', index);
	if (DATE.test(text)) {
		const ts = Date.parse(`${text}T00:00:00Z`);
		if (!Number.isNaN(ts)) return ts + DAY_MS;
	}

	const ts = Date.parse(text);
	if (Number.isNaN(ts) || !/^\d{4}-\d{2}-\d{2}T/.test(text)) throw new EntryError(index, 'expires', `"${text}" is not a date (use 2027-01-31 or an ISO time)`);
	return ts;
}

/**
 * An expiry (epoch ms) as a file and the list show it. An expiry at midnight UTC is what a bare
 * date gives (parseExpiry), so it is shown as that date, the last day the entry applies: a file
 * saying `expires: 2027-01-31` exports as it was written. Any other instant is an ISO time.
 * (A time given as exactly midnight UTC comes back as the day before: the same instant.)
 */
export function formatExpiry(expires: number): string {
	return expires % DAY_MS === 0 ? new Date(expires - DAY_MS).toISOString().slice(0, 10) : new Date(expires).toISOString();
}

function optionalString(raw: Record<string, unknown>, field: string, index?: number): string | undefined {
	const v = raw[field];
	if (v === undefined || v === null) return undefined;
	if (typeof v !== 'string' && typeof v !== 'number') throw new EntryError(index, field, 'must be text');
	const text = String(v);
	if (text.trim() === '') throw new EntryError(index, field, 'must not be empty');
	return text;
}

function checkPattern(field: string, value: string, match: Match, index?: number): void {
	if (match === 'regex') {
		try {
			new RegExp(value);
		} catch (error) {
			throw new EntryError(index, field, `bad regex: ${(error as Error).message}`);
		}
	}

	if (match === 'cidr') {
		const [base, bits, extra] = value.split('/');
		const n = bits === undefined ? 32 : Number(bits);
		if (extra !== undefined || ipv4ToNumber(base ?? '') === undefined || !Number.isInteger(n) || n < 0 || n > 32) {
			throw new EntryError(index, field, `"${value}" is not an IPv4 CIDR block such as 10.20.0.0/24`);
		}
	}
}

const KNOWN_FIELDS = new Set(['id', 'kind', 'pattern', 'src_ip', 'user', 'target', 'match', 'reason', 'author', 'created', 'expires', 'profile', 'enabled', 'hits']);

/** Checks one raw entry (from a file or flags) and returns it normalized. */
export function validateEntry(raw: unknown, index?: number): Entry {
	if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new EntryError(index, 'entry', 'must be a mapping of fields');
	const r = raw as Record<string, unknown>;
	for (const key of Object.keys(r)) {
		if (!KNOWN_FIELDS.has(key)) throw new EntryError(index, key, `unknown field (fields: ${[...KNOWN_FIELDS].filter(f => f !== 'hits').join(', ')})`);
	}

	const kind = r['kind'];
	if (!KINDS.includes(kind as Kind)) throw new EntryError(index, 'kind', `must be one of ${KINDS.join(', ')}`);
	const match = (r['match'] ?? 'exact') as Match;
	if (!MATCHES.includes(match)) throw new EntryError(index, 'match', `must be one of ${MATCHES.join(', ')}`);
	const reason = optionalString(r, 'reason', index);
	if (!reason) throw new EntryError(index, 'reason', 'is required: say why this is known-good');
	const entry: Entry = {kind: kind as Kind, match, reason};

	if (kind === 'pair') {
		const src = optionalString(r, 'src_ip', index);
		const user = optionalString(r, 'user', index);
		const target = optionalString(r, 'target', index);
		if (!src) throw new EntryError(index, 'src_ip', 'a pair needs src_ip plus user or target');
		if ((user === undefined) === (target === undefined)) throw new EntryError(index, user ? 'target' : 'user', 'a pair needs exactly one of user or target');
		if (r['pattern'] !== undefined) throw new EntryError(index, 'pattern', 'a pair uses src_ip and user/target, not pattern');
		checkPattern('src_ip', src, match === 'cidr' ? 'cidr' : 'exact', index);
		if (match !== 'cidr') checkPattern(user ? 'user' : 'target', (user ?? target)!, match, index);
		Object.assign(entry, {src_ip: src, user, target});
	} else {
		const pattern = optionalString(r, 'pattern', index);
		if (!pattern) throw new EntryError(index, 'pattern', `a ${String(kind)} entry needs a pattern`);
		if (match === 'cidr' && kind !== 'src_ip') throw new EntryError(index, 'match', 'cidr applies to src_ip entries (and pairs) only');
		checkPattern('pattern', pattern, match, index);
		entry.pattern = pattern;
	}

	const author = optionalString(r, 'author', index);
	if (author) entry.author = author;
	const profile = optionalString(r, 'profile', index);
	if (profile) entry.profile = profile;
	if (r['expires'] !== undefined && r['expires'] !== null) entry.expires = parseExpiry(r['expires'], index);
	if (r['created'] !== undefined && r['created'] !== null) {
		const created = r['created'] instanceof Date ? r['created'].getTime() : Date.parse(calendarText(r['created'], 'created', index));
		if (Number.isNaN(created)) throw new EntryError(index, 'created', 'is not a date');
		entry.created = created;
	}

	if (r['enabled'] !== undefined) {
		if (typeof r['enabled'] !== 'boolean') throw new EntryError(index, 'enabled', 'must be true or false');
		entry.enabled = r['enabled'];
	}

	return entry;
}

/** Parses an allowlist file's text (YAML, of which JSON is a subset). All entries or an error. */
export function parseAllowlistFile(text: string): Entry[] {
	let doc: unknown;
	try {
		doc = YAML.parse(text);
	} catch (error) {
		throw new EntryError(undefined, 'file', `not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`);
	}

	const list = Array.isArray(doc) ? doc : (doc as {allowlist?: unknown} | null)?.allowlist;
	if (!Array.isArray(list)) throw new EntryError(undefined, 'file', 'expected a list of entries or {allowlist: [...]}');
	return list.map((raw, i) => validateEntry(raw, i));
}

/** An entry in the file shape (ISO times, an expiry as formatExpiry gives it, no empty fields), for export. */
export function entryForFile(e: Entry): Record<string, unknown> {
	const out: Record<string, unknown> = {kind: e.kind};
	if (e.kind === 'pair') {
		out['src_ip'] = e.src_ip;
		if (e.user !== undefined) out['user'] = e.user;
		if (e.target !== undefined) out['target'] = e.target;
	} else {
		out['pattern'] = e.pattern;
	}

	out['match'] = e.match;
	out['reason'] = e.reason;
	if (e.author) out['author'] = e.author;
	if (e.created !== undefined) out['created'] = new Date(e.created).toISOString();
	if (e.expires !== undefined) out['expires'] = formatExpiry(e.expires);
	if (e.profile) out['profile'] = e.profile;
	if (e.enabled === false) out['enabled'] = false;
	return out;
}

export function serializeAllowlist(entries: Entry[], format: 'yaml' | 'json'): string {
	const list = entries.map(e => entryForFile(e));
	return format === 'json' ? JSON.stringify(list, null, 2) : YAML.stringify(list);
}

/** A one-line description of what an entry matches, e.g. `src_ip 10.20.0.0/24 (cidr)`. */
export function describeEntry(e: Entry): string {
	if (e.kind === 'pair') return `pair ${e.src_ip} + ${e.user === undefined ? `target ${e.target}` : `user ${e.user}`}${e.match === 'exact' ? '' : ` (${e.match})`}`;
	return `${e.kind} ${e.pattern}${e.match === 'exact' ? '' : ` (${e.match})`}`;
}
