/**
 * Pure helpers every normalizer shares: reading loosely typed fields, addresses, accounts,
 * epoch times and the service a logon type stands for.
 */
import {parseTimestamp} from '../util/time.ts';

/** A field as text: strings as they are, numbers and booleans printed, anything else undefined. */
export function text(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	if (typeof value === 'boolean') return String(value);
	return undefined;
}

/** A field as text, or null when missing (`-` and '' are kept: profiles decide about them). */
export function textOrNull(value: unknown): string | null {
	return text(value) ?? null;
}

/**
 * An integer field (number or numeric string, decimal or 0x hex), else null. Only exact
 * (safe) integers: 1e308 or a 30-digit string is not an event id, and SQLite's INTEGER columns
 * would refuse it.
 */
export function integer(value: unknown): number | null {
	let n: number | null = null;
	if (typeof value === 'number') n = value;
	else if (typeof value === 'string') {
		const t = value.trim();
		if (/^-?\d+$/.test(t)) n = Number(t);
		else if (/^0x[\da-f]+$/i.test(t)) n = Number.parseInt(t.slice(2), 16);
	}

	return n !== null && Number.isSafeInteger(n) ? n : null;
}

/**
 * An address as the profiles compare it: IPv4-mapped IPv6 (`::ffff:10.0.0.1`) becomes the IPv4
 * form; surrounding space is dropped; '-' and '' are kept as they were; missing is null.
 */
export function address(value: unknown): string | null {
	const t = text(value);
	if (t === undefined) return null;
	const trimmed = t.trim();
	const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(trimmed);
	return mapped ? mapped[1]! : trimmed;
}

/** A port number (1..65535), else null (`-`, `0` and missing alike). */
export function port(value: unknown): number | null {
	const n = integer(value);
	return n !== null && n > 0 && n < 65_536 ? n : null;
}

/**
 * Splits an account name that carries its domain: `DOMAIN\user` and `user@domain` give `user`,
 * and the domain when no separate one was given. Other names are returned unchanged.
 */
export function account(name: string | null, domain: string | null): {user: string | null; domain: string | null} {
	if (name === null) return {user: null, domain};
	const slash = name.indexOf('\\');
	if (slash > 0 && slash < name.length - 1) {
		return {user: name.slice(slash + 1), domain: domain ?? name.slice(0, slash)};
	}

	const at = name.lastIndexOf('@');
	if (at > 0 && at < name.length - 1) {
		return {user: name.slice(0, at), domain: domain ?? name.slice(at + 1)};
	}

	return {user: name, domain};
}

/**
 * Epoch time from a number or numeric string: values below 1e11 are seconds (with fraction),
 * larger ones milliseconds. Returns epoch ms or undefined.
 */
export function epochMs(value: unknown): number | undefined {
	let n: number | undefined;
	if (typeof value === 'number') n = value;
	else if (typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value)) n = Number(value);
	if (n === undefined || !Number.isFinite(n) || n <= 0) return undefined;
	const ms = Math.round(n < 1e11 ? n * 1000 : n);
	return ms <= LAST_MS ? ms : undefined;
}

/** 9999-12-31T23:59:59.999Z: no later epoch value is a real time (and 1e308 fits no column). */
const LAST_MS = 253_402_300_799_999;

/**
 * A time field: epoch seconds/ms, or ISO 8601 text (zone-less text read in `tz`). `zoned` tells
 * whether the value fixed its own instant (epoch numbers and ISO text with a zone do).
 */
export function instant(value: unknown, tz: string): {ts: number; zoned: boolean} | undefined {
	const epoch = epochMs(value);
	if (epoch !== undefined) return {ts: epoch, zoned: true};
	const t = text(value);
	return t === undefined ? undefined : parseTimestamp(t, tz);
}

/** The remote service a Windows logon type stands for (SPEC 2 `service`). */
export function serviceForLogonType(type: number | null): string | null {
	switch (type) {
		case 2: return 'interactive';
		case 3: return 'network';
		case 4: return 'batch';
		case 5: return 'service';
		case 7: return 'unlock';
		case 8: return 'network-cleartext';
		case 9: return 'new-credentials';
		case 10: return 'rdp';
		case 11: return 'cached-interactive';
		default: return null;
	}
}
