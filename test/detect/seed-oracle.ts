/**
 * A reference implementation of the two seed-faithful profiles (SPEC 4.1 `qradar`, 4.2 `logscale`)
 * over plain arrays of logons.
 *
 * It is the check that is not the code under test: written from the SPEC and the seed queries
 * alone, in the plainest TypeScript, sharing nothing with source/detect or source/util/time.ts
 * (local times come straight from Intl). Speed does not matter here; being obviously right does.
 *
 * Checked against SPEC 4.1 / 4.2 and the seed texts clause by clause. Readings where the SPEC
 * leaves a choice, kept here on purpose:
 * - "now" (no --now) is the newest `ts` of every loaded logon, including ones the filter drops.
 * - With no window (logscale's default, or `all`) there is no upper bound either, even with --now.
 * - An empty log source type counts as present and, not containing "Windows Security", is dropped.
 * - Targets and (source, user) groups compare as exact strings (SRV1 and srv1 are two hosts).
 * - `lower()` is JavaScript's toLowerCase (as Java's, which QRadar uses); the only ASCII-visible
 *   difference from SQLite's ASCII-only lower() is the Kelvin sign (U+212A) in "bac\u212Aup".
 */
import type {Logon} from '../../source/ingest/types.ts';

/** What a seed profile run takes. Mirrors HuntOptions where they overlap. */
export interface OracleOptions {
	/** End of the window, epoch ms; default the newest `ts` among ALL the given logons. */
	now?: number;
	/** Window length in ms; null = no window; undefined = the profile's default (qradar 24h, logscale none). */
	window?: number | null;
	/** IANA zone for the after-hours hour and the formatted times. */
	tz: string;
	/** Keep at most this many rows (after ordering). */
	limit?: number;
}

/** A `qradar` row, keys exactly as SPEC 4.1 names them. Flags are the integers 0/1. */
export interface QradarRow {
	/** `yyyy-MM-dd HH:mm:ss` in the zone. */
	first_seen: string;
	last_seen: string;
	source_ip: string;
	target_user: string;
	total_logons: number;
	failed_logons: number;
	success_logons: number;
	unique_target_hosts: number;
	is_privileged: number;
	any_after_hours: number;
	suspicion_score: number;
}

/** A `logscale` row, keys exactly as SPEC 4.2 names them. Flags are the integers 0/1. */
export interface LogscaleRow {
	/** Epoch ms, UTC. */
	FirstSeen: number;
	LastSeen: number;
	RemoteAddressIP4: string;
	TargetUserName: string;
	UniqueTargetHosts: number;
	/** Distinct non-null targets, ascending. */
	TargetHosts: string[];
	TotalLogons: number;
	FailedLogons: number;
	FailedRatio: number;
	AnyAfterHours: number;
	AnyPrivileged: number;
	SuspicionScore: number;
}

/** The JSON keys of each profile's rows, in the SPEC's order. */
export const QRADAR_KEYS = ['first_seen', 'last_seen', 'source_ip', 'target_user', 'total_logons', 'failed_logons',
	'success_logons', 'unique_target_hosts', 'is_privileged', 'any_after_hours', 'suspicion_score'] as const;
export const LOGSCALE_KEYS = ['FirstSeen', 'LastSeen', 'RemoteAddressIP4', 'TargetUserName', 'UniqueTargetHosts',
	'TargetHosts', 'TotalLogons', 'FailedLogons', 'FailedRatio', 'AnyAfterHours', 'AnyPrivileged', 'SuspicionScore'] as const;

const HOUR_MS = 3_600_000;

// ---------------------------------------------------------------------------------------------
// Local time, straight from Intl.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
	let f = formatters.get(tz);
	if (!f) {
		// h23: some ICU versions print midnight as "24" with hour12: false.
		f = new Intl.DateTimeFormat('en-US', {
			timeZone: tz, hourCycle: 'h23',
			year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
		});
		formatters.set(tz, f);
	}

	return f;
}

/** Wall-clock fields of epoch ms `ts` in `tz`, as the zero-padded strings Intl gives. */
export function wallClock(ts: number, tz: string): {year: string; month: string; day: string; hour: string; minute: string; second: string} {
	const parts: Record<string, string> = {};
	for (const p of formatter(tz).formatToParts(new Date(ts))) parts[p.type] = p.value;
	return {year: parts['year']!, month: parts['month']!, day: parts['day']!, hour: parts['hour']!, minute: parts['minute']!, second: parts['second']!};
}

/** Hour of day 0-23 in `tz`. */
export function hourIn(ts: number, tz: string): number {
	return Number(wallClock(ts, tz).hour);
}

/** QRadar's DATEFORMAT(ts, 'yyyy-MM-dd HH:mm:ss') in `tz`. */
export function dateformat(ts: number, tz: string): string {
	const w = wallClock(ts, tz);
	// Intl gives the year unpadded ("999"); DATEFORMAT's yyyy is at least four digits.
	return `${w.year.padStart(4, '0')}-${w.month}-${w.day} ${w.hour}:${w.minute}:${w.second}`;
}

// ---------------------------------------------------------------------------------------------
// Shared pieces of both seeds.

/** Both seeds: 4624/4625 (UserLogon/UserLogonFailed2), i.e. any normalized outcome, type 3 or 10. */
function isRemoteLogon(l: Logon): boolean {
	return (l.outcome === 'success' || l.outcome === 'failure') && (l.logon_type === 3 || l.logon_type === 10);
}

/** Both seeds exclude these exact, case-sensitive names. */
const BUILTIN_USERS = ['ANONYMOUS LOGON', 'LOCAL SERVICE', 'NETWORK SERVICE'];

/** The `[since, now]` bounds, or null for no window; `now` is undefined when there are no logons at all. */
function bounds(all: Logon[], options: OracleOptions, defaultWindow: number | null): {now: number | undefined; since: number | null} {
	let now = options.now;
	if (now === undefined) {
		for (const l of all) if (now === undefined || l.ts > now) now = l.ts;
	}

	const window = options.window === undefined ? defaultWindow : options.window;
	return {now, since: window === null || now === undefined ? null : now - window};
}

function inWindow(ts: number, b: {now: number | undefined; since: number | null}): boolean {
	if (b.since === null) return true;
	return b.since <= ts && ts <= b.now!;
}

/** Groups by the exact (src_ip, user) strings, keeping first-appearance order. */
function groupBy(rows: Logon[]): Array<{src: string; user: string; logons: Logon[]}> {
	const groups = new Map<string, {src: string; user: string; logons: Logon[]}>();
	for (const l of rows) {
		const key = JSON.stringify([l.src_ip, l.user]);
		let g = groups.get(key);
		if (!g) {
			g = {src: l.src_ip!, user: l.user!, logons: []};
			groups.set(key, g);
		}

		g.logons.push(l);
	}

	return [...groups.values()];
}

/** Distinct non-null targets, ascending by code unit. */
function distinctTargets(rows: Logon[]): string[] {
	const set = new Set<string>();
	for (const l of rows) if (l.target !== null) set.add(l.target);
	return [...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

const contains = (text: string, needles: string[]) => needles.some(n => text.includes(n));

// ---------------------------------------------------------------------------------------------
// SPEC 4.1: qradar.

/** Records QRadar's WHERE clause keeps (the window aside). */
export function qradarKeeps(l: Logon): boolean {
	if (!isRemoteLogon(l)) return false;
	if (l.src_ip === null || ['127.0.0.1', '0.0.0.0', '-', ''].includes(l.src_ip)) return false;
	if (l.user === null || l.user.toLowerCase().endsWith('$')) return false;
	if ([...BUILTIN_USERS, ''].includes(l.user)) return false;
	// Only records that carry a log source type are held to it (other formats have none).
	if (l.log_source_type !== null && !l.log_source_type.toLowerCase().includes('windows security')) return false;
	return true;
}

/** The `qradar` profile over `all` logons (the whole store). */
export function qradarOracle(all: Logon[], options: OracleOptions): QradarRow[] {
	const b = bounds(all, options, 24 * HOUR_MS);
	const kept = all.filter(l => qradarKeeps(l) && inWindow(l.ts, b));
	const rows: QradarRow[] = [];
	for (const g of groupBy(kept)) {
		const total = g.logons.length;
		const failed = g.logons.filter(l => l.outcome === 'failure').length;
		const success = g.logons.filter(l => l.outcome === 'success').length;
		const hosts = distinctTargets(g.logons).length;
		const lower = g.user.toLowerCase();
		// The seed's quirk: four patterns make is_privileged, only two of them count in the score and HAVING.
		const isPrivileged = contains(lower, ['admin', 'svc-', 'service', 'backup']) ? 1 : 0;
		const adminOrSvc = contains(lower, ['admin', 'svc-']) ? 1 : 0;
		const afterHours = g.logons.some(l => hourIn(l.ts, options.tz) < 6) ? 1 : 0;
		// failed/total > 0.5 unrounded, in integers: 2 * failed > total.
		const failurePoints = 2 * failed > total && success > 0 ? 2 : 0;
		const score = hosts + adminOrSvc + afterHours + failurePoints;
		if (!(hosts > 1 || (adminOrSvc === 1 && afterHours === 1))) continue;
		const first = g.logons.reduce((m, l) => Math.min(m, l.ts), Infinity);
		const last = g.logons.reduce((m, l) => Math.max(m, l.ts), -Infinity);
		rows.push({
			first_seen: dateformat(first, options.tz),
			last_seen: dateformat(last, options.tz),
			source_ip: g.src,
			target_user: g.user,
			total_logons: total,
			failed_logons: failed,
			success_logons: success,
			unique_target_hosts: hosts,
			is_privileged: isPrivileged,
			any_after_hours: afterHours,
			suspicion_score: score,
		});
	}

	rows.sort((x, y) => y.unique_target_hosts - x.unique_target_hosts || y.suspicion_score - x.suspicion_score);
	return options.limit === undefined ? rows : rows.slice(0, options.limit);
}

// ---------------------------------------------------------------------------------------------
// SPEC 4.2: logscale.

/** Records LogScale's filter keeps (the window aside). */
export function logscaleKeeps(l: Logon): boolean {
	if (!isRemoteLogon(l)) return false;
	// A missing field fails LogScale's comparisons; '-' and 0.0.0.0 pass them.
	if (l.src_ip === null || l.src_ip === '' || l.src_ip === '127.0.0.1') return false;
	if (l.user === null || l.user.endsWith('$')) return false;
	if (BUILTIN_USERS.includes(l.user)) return false;
	return true;
}

/**
 * round(failed / total, 2), half away from zero, exactly: in hundredths, floor(100f/t + 1/2)
 * computed with integers as floor((200f + t) / 2t). Returns hundredths (an integer).
 */
export function ratioHundredths(failed: number, total: number): number {
	return Math.floor((200 * failed + total) / (2 * total));
}

/** The `logscale` profile over `all` logons (the whole store). */
export function logscaleOracle(all: Logon[], options: OracleOptions): LogscaleRow[] {
	const b = bounds(all, options, null);
	const kept = all.filter(l => logscaleKeeps(l) && inWindow(l.ts, b));
	const rows: LogscaleRow[] = [];
	for (const g of groupBy(kept)) {
		const total = g.logons.length;
		const failed = g.logons.filter(l => l.outcome === 'failure').length;
		const targets = distinctTargets(g.logons);
		const hosts = targets.length;
		const ratio = ratioHundredths(failed, total);
		const afterHours = g.logons.some(l => hourIn(l.ts, options.tz) < 6) ? 1 : 0;
		const privileged = /(admin|administrator|svc-|service|backup)/i.test(g.user) ? 1 : 0;
		const spread = hosts > 3 ? 2 : hosts > 1 ? 1 : 0;
		// The seed compares the ROUNDED ratio: 0.504 rounds to 0.50, which is not > 0.5.
		const failurePoints = ratio > 50 && total - failed > 0 ? 2 : 0;
		const score = afterHours + privileged + spread + failurePoints;
		if (!(score >= 2 || hosts > 3)) continue;
		rows.push({
			FirstSeen: g.logons.reduce((m, l) => Math.min(m, l.ts), Infinity),
			LastSeen: g.logons.reduce((m, l) => Math.max(m, l.ts), -Infinity),
			RemoteAddressIP4: g.src,
			TargetUserName: g.user,
			UniqueTargetHosts: hosts,
			TargetHosts: targets,
			TotalLogons: total,
			FailedLogons: failed,
			FailedRatio: ratio / 100,
			AnyAfterHours: afterHours,
			AnyPrivileged: privileged,
			SuspicionScore: score,
		});
	}

	rows.sort((x, y) => y.SuspicionScore - x.SuspicionScore);
	return options.limit === undefined ? rows : rows.slice(0, options.limit);
}

// ---------------------------------------------------------------------------------------------
// Comparing results whose ties may come in any order.

/** Row key of either profile: the exact (source, user) pair. */
export function rowKey(row: Record<string, unknown>): string {
	return 'source_ip' in row
		? JSON.stringify([row['source_ip'], row['target_user']])
		: JSON.stringify([row['RemoteAddressIP4'], row['TargetUserName']]);
}

/** The order key of a row as a tuple compared lexicographically, larger first. */
export function orderKey(row: Record<string, unknown>): number[] {
	return 'source_ip' in row
		? [row['unique_target_hosts'] as number, row['suspicion_score'] as number]
		: [row['SuspicionScore'] as number];
}

/** -1, 0, 1 comparing two order keys lexicographically. */
export function compareOrder(a: number[], b: number[]): number {
	for (let i = 0; i < Math.max(a.length, b.length); i++) {
		const d = (a[i] ?? 0) - (b[i] ?? 0);
		if (d !== 0) return Math.sign(d);
	}

	return 0;
}

/** Index of the first row whose order key is larger than its predecessor's, or -1 when sorted. */
export function firstOrderViolation(rows: Array<Record<string, unknown>>): number {
	for (let i = 1; i < rows.length; i++) {
		if (compareOrder(orderKey(rows[i - 1]!), orderKey(rows[i]!)) < 0) return i;
	}

	return -1;
}

/** Rows keyed by (source, user); throws on a duplicate key (a group split in two). */
export function byKey(rows: Array<Record<string, unknown>>): Map<string, Record<string, unknown>> {
	const map = new Map<string, Record<string, unknown>>();
	for (const row of rows) {
		const key = rowKey(row);
		if (map.has(key)) throw new Error(`duplicate row for ${key}`);
		map.set(key, row);
	}

	return map;
}

/**
 * Why `actual` (what hunt() printed, possibly cut by --limit) is not a valid answer when the
 * full ordered answer is `full`, or undefined when it is. Ties in the order key may come in any
 * order, and under a limit any rows of the boundary tie may be the ones kept; every other row,
 * every column and the count must be exactly the oracle's.
 */
export function resultMismatch(actual: Array<Record<string, unknown>>, full: Array<Record<string, unknown>>, limit?: number): string | undefined {
	const expectedLength = limit === undefined ? full.length : Math.min(limit, full.length);
	if (actual.length !== expectedLength) return `expected ${expectedLength} rows, got ${actual.length}`;
	let actualByKey: Map<string, Record<string, unknown>>;
	try {
		actualByKey = byKey(actual);
	} catch (error) {
		return (error as Error).message;
	}

	const fullByKey = byKey(full);
	for (const [key, row] of actualByKey) {
		const want = fullByKey.get(key);
		if (!want) return `unexpected row ${key}: ${JSON.stringify(row)}`;
		const a = JSON.stringify(row, Object.keys(row).sort());
		const b = JSON.stringify(want, Object.keys(want).sort());
		if (a !== b) return `row ${key} differs:\n  actual   ${JSON.stringify(row)}\n  expected ${JSON.stringify(want)}`;
		if (Object.keys(row).join(',') !== Object.keys(want).join(',')) return `row ${key} keys ${Object.keys(row).join(',')}`;
	}

	// Same multiset of order keys, in the same (descending) sequence as the oracle's prefix:
	// every row above the boundary tie is present, and the order holds.
	const got = actual.map(r => JSON.stringify(orderKey(r)));
	const want = full.slice(0, expectedLength).map(r => JSON.stringify(orderKey(r)));
	for (let i = 0; i < got.length; i++) {
		if (got[i] !== want[i]) return `order key at row ${i} is ${got[i]}, expected ${want[i]} (row ${rowKey(actual[i]!)})`;
	}

	return undefined;
}
