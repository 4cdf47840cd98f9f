/**
 * Time helpers: IANA time zones without a dependency, via Intl.
 *
 * Offsets are cached per UTC hour: every zone in use today changes its offset on a whole
 * (UTC) hour or half-hour boundary that coincides with a local hour change, so looking up
 * the offset once per UTC hour is exact for modern data and keeps per-row SQL functions cheap.
 */
import {UsageError} from './errors.ts';

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, Map<number, number>>();
/** One hour in ms. */
export const HOUR_MS = 3_600_000;
/** One day in ms. */
export const DAY_MS = 86_400_000;

/** `a` modulo `n`, in [0, n) for negative `a` too. */
export const mod = (a: number, n: number) => ((a % n) + n) % n;

/** Throws a UsageError when `tz` is not an IANA zone name this Node knows. */
export function checkTimeZone(tz: string): string {
	try {
		formatterFor(tz);
	} catch {
		throw new UsageError(`unknown time zone "${tz}" (use an IANA name such as UTC or Europe/Berlin)`);
	}

	return tz;
}

function formatterFor(tz: string): Intl.DateTimeFormat {
	let f = formatters.get(tz);
	if (!f) {
		f = new Intl.DateTimeFormat('en-US', {
			timeZone: tz,
			hourCycle: 'h23',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit',
		});
		formatters.set(tz, f);
	}

	return f;
}

/** Offset of `tz` from UTC in ms at exactly epoch ms `ts`, asked of Intl. */
function exactOffset(ts: number, tz: string): number {
	const probe = ts - (((ts % 1000) + 1000) % 1000); // Intl formats whole seconds
	const parts = formatterFor(tz).formatToParts(new Date(probe));
	const get = (type: string) => Number(parts.find(p => p.type === type)?.value);
	return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - probe;
}

/**
 * Offset of `tz` from UTC in ms (local = utc + offset) at epoch ms `ts`. Cached per UTC hour when
 * the offset is the same at both ends of the hour; in an hour where it changes (at :30 in
 * St. John's, or at :00) every instant is asked exactly.
 */
export function offsetAt(ts: number, tz: string): number {
	if (tz === 'UTC' || tz === 'Etc/UTC') return 0;
	let cache = offsetCache.get(tz);
	if (!cache) {
		cache = new Map();
		offsetCache.set(tz, cache);
	}

	const bucket = Math.floor(ts / HOUR_MS);
	let offset = cache.get(bucket);
	if (offset === undefined) {
		const start = exactOffset(bucket * HOUR_MS, tz);
		offset = start === exactOffset((bucket + 1) * HOUR_MS - 1000, tz) ? start : Number.NaN;
		cache.set(bucket, offset);
	}

	return Number.isNaN(offset) ? exactOffset(ts, tz) : offset;
}

/**
 * The whole local hour every instant of the UTC hour starting at `start` (epoch ms, a whole hour)
 * falls in, as hours since 1970-01-01 00:00 local time, or undefined when they fall in two: in zones
 * off by half or quarter hours (Asia/Kolkata) and in an hour whose offset changes inside it.
 * Exact for what offsetAt gives: the offset at both ends is the offset of every instant between.
 */
export function localHourOf(start: number, tz: string): number | undefined {
	const offset = offsetAt(start, tz);
	if (offset % HOUR_MS !== 0 || offsetAt(start + HOUR_MS - 1, tz) !== offset) return undefined;
	return (start + offset) / HOUR_MS;
}

/**
 * A mask of the UTC hours of UTC day `day` (days since 1970-01-01; bit h: hour h) that fall whole
 * before local hour `before` in `tz`, or undefined when one of its hours does not map whole onto a
 * local hour (see localHourOf).
 */
export function utcHoursBefore(day: number, tz: string, before: number): number | undefined {
	let mask = 0;
	for (let h = 0; h < 24; h++) {
		const local = localHourOf(day * DAY_MS + h * HOUR_MS, tz);
		if (local === undefined) return undefined;
		if (mod(local, 24) < before) mask |= 1 << h;
	}

	return mask;
}

/** Local wall-clock fields of epoch ms `ts` in `tz`. */
export function localParts(ts: number, tz: string): {year: number; month: number; day: number; hour: number; minute: number; second: number; weekday: number} {
	const d = new Date(ts + offsetAt(ts, tz));
	return {
		year: d.getUTCFullYear(),
		month: d.getUTCMonth() + 1,
		day: d.getUTCDate(),
		hour: d.getUTCHours(),
		minute: d.getUTCMinutes(),
		second: d.getUTCSeconds(),
		weekday: d.getUTCDay(),
	};
}

/** Hour of day 0-23 of epoch ms `ts` in `tz`. */
export function localHour(ts: number, tz: string): number {
	return localParts(ts, tz).hour;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `00` to `59`. */
const TWO_DIGITS = Array.from({length: 60}, (_, n) => pad(n));
/** `yyyy-MM-dd ` of local days (days since 1970-01-01 in local time), the last few thousand asked. */
const datePrefixes = new Map<number, string>();

/**
 * `yyyy-MM-dd HH:mm:ss` of epoch ms `ts` in `tz` (the QRadar DATEFORMAT the seed uses). A seed
 * hunt formats two per finding, 200k at 10M logons: the date is made once per local day, the
 * clock by arithmetic (what localParts gives, without a Date per call).
 */
export function formatLocal(ts: number, tz: string): string {
	const local = ts + offsetAt(ts, tz);
	if (!Number.isFinite(local)) {
		const p = localParts(ts, tz);
		return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
	}

	const day = Math.floor(local / DAY_MS);
	let date = datePrefixes.get(day);
	if (date === undefined) {
		const d = new Date(day * DAY_MS);
		date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} `;
		if (datePrefixes.size >= 4096) datePrefixes.clear();
		datePrefixes.set(day, date);
	}

	const second = Math.floor((local - day * DAY_MS) / 1000);
	// The clock time is put together apart, then joined to the date: V8 copies a string shorter
	// than 13 characters out whole but links longer ones piece by piece, so that the whole text
	// written in one go would be a chain of five links (about 160 bytes, where this is about 60).
	// A hunt keeps two of these per finding (a hundred thousand findings over 10M logons).
	const time = TWO_DIGITS[Math.floor(second / 3600)]! + ':' + TWO_DIGITS[Math.floor(second / 60) % 60]! + ':' + TWO_DIGITS[second % 60]!;
	return date + time;
}

/** A length of time as said: `42 s`, `3 min 5 s`. */
export function formatDuration(seconds: number): string {
	const s = Math.max(0, Math.round(seconds));
	return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** ISO 8601 with the zone's offset, e.g. `2024-03-10T03:15:00-04:00`; `Z` in UTC. */
export function formatIso(ts: number, tz: string): string {
	const off = offsetAt(ts, tz);
	const p = localParts(ts, tz);
	const ms = ((ts % 1000) + 1000) % 1000;
	const frac = ms ? `.${pad(ms, 3)}` : '';
	const sign = off < 0 ? '-' : '+';
	const abs = Math.abs(off) / 60_000;
	const zone = off === 0 ? 'Z' : `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
	return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${frac}${zone}`;
}

/**
 * Epoch ms of a local wall-clock time in `tz` (fields as in Date.UTC, month 1-12).
 * In a DST gap the time is read with the offset before the change; in a DST overlap the
 * earlier of the two instants is chosen.
 */
export function fromLocal(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number, tz: string): number {
	const wall = Date.UTC(year, month - 1, day, hour, minute, second, ms);
	// Try the offsets in force a little before and after; pick the first that maps back to wall.
	const candidates = [offsetAt(wall - 2 * DAY_MS, tz), offsetAt(wall, tz), offsetAt(wall + 2 * DAY_MS, tz)];
	const sorted = [...new Set(candidates)].sort((a, b) => b - a);
	for (const off of sorted) {
		const ts = wall - off;
		if (offsetAt(ts, tz) === off) return ts;
	}

	return wall - (candidates[0] ?? 0);
}

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Days in `month` (1-12) of `year`, Gregorian calendar (2028 is a leap year, 2100 is not). */
export function daysInMonth(year: number, month: number): number {
	if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
	return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Why `year`-`month`-`day` (month 1-12) names no day of the calendar, e.g. `February 2027 has
 * 28 days`, or undefined when it names one. Date.UTC would quietly roll 2027-02-30 over to
 * March 2: every parser here checks with this first.
 */
export function calendarProblem(year: number, month: number, day: number): string | undefined {
	if (month < 1 || month > 12) return `there is no month ${month}`;
	if (day < 1) return `there is no day ${day}`;
	const days = daysInMonth(year, month);
	return day > days ? `${MONTH_NAMES[month - 1]} ${year} has ${days} days` : undefined;
}

/**
 * Why the `YYYY-MM-DD` a text starts with (alone or before `T` or a space) is not a calendar date,
 * or undefined when it is one or the text does not start with such a date.
 */
export function datePrefixProblem(text: string): string | undefined {
	const m = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])/i.exec(text.trim());
	return m ? calendarProblem(Number(m[1]), Number(m[2]), Number(m[3])) : undefined;
}

const ZONED_ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Parses an ISO 8601-like timestamp. With a zone (Z or +hh:mm) it is exact; without one it is
 * read as wall-clock time in `tz`. Returns epoch ms, or undefined when the text is not a time
 * (2027-02-30 is none: it is not moved to March). `zoned` reports whether the text carried its own zone.
 */
export function parseTimestamp(text: string, tz = 'UTC'): {ts: number; zoned: boolean} | undefined {
	const utc = utcIso(text);
	return utc === undefined ? readTimestamp(text, tz) : {ts: utc, zoned: true};
}

/** parseTimestamp by the pattern alone, for every shape it takes (exported for a test of utcIso). */
export function readTimestamp(text: string, tz = 'UTC'): {ts: number; zoned: boolean} | undefined {
	const m = ZONED_ISO.exec(text.trim());
	if (!m) return undefined;
	const [, y, mo, d, h, mi, s = '0', frac = '0', zone] = m;
	const ms = Math.floor(Number(`0.${frac}`) * 1000 + 1e-6);
	const fields = [Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s)] as const;
	if (calendarProblem(fields[0], fields[1], fields[2]) !== undefined || fields[3] > 23 || fields[4] > 59 || fields[5] > 60) return undefined;
	if (zone) {
		let off = 0;
		if (zone.toUpperCase() !== 'Z') {
			const z = zone.replace(':', '');
			off = (Number(z.slice(1, 3)) * 60 + Number(z.slice(3, 5))) * 60_000 * (z.startsWith('-') ? -1 : 1);
		}

		return {ts: Date.UTC(fields[0], fields[1] - 1, fields[2], fields[3], fields[4], fields[5], ms) - off, zoned: true};
	}

	return {ts: fromLocal(...fields, ms, tz), zoned: false};
}

/** Value of the ASCII digit at `i` of `text`, or NaN. */
function digit(text: string, i: number): number {
	const d = text.charCodeAt(i) - 48;
	return d >= 0 && d <= 9 ? d : Number.NaN;
}

/** The number written by the two digits at `i` of `text`, or NaN. */
function two(text: string, i: number): number {
	return digit(text, i) * 10 + digit(text, i + 1);
}

/**
 * Epoch ms of the shape nearly every log writes, `YYYY-MM-DDTHH:MM:SS[.f]Z` with up to 7 digits
 * of fraction, read without the regex (a load reads one per logon: at 1.36M records about 0.9 s
 * of the parser thread went to parseTimestamp). Any other text, or an out-of-range field, gives
 * undefined and is left to the regex, which reads this shape to the same value (a test compares
 * them): up to 7 digits, the fraction cut to whole ms is what flooring it gives.
 */
function utcIso(text: string): number | undefined {
	const n = text.length;
	if (n < 20 || n > 28 || n === 21 || text.charCodeAt(n - 1) !== 90 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45
		|| text.charCodeAt(10) !== 84 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return undefined;
	let ms = 0;
	if (n > 20) {
		if (text.charCodeAt(19) !== 46) return undefined;
		for (let i = 20, scale = 100; i < n - 1; i++, scale /= 10) {
			const d = digit(text, i);
			if (Number.isNaN(d)) return undefined;
			if (scale >= 1) ms += d * scale;
		}
	}

	const year = two(text, 0) * 100 + two(text, 2);
	const month = two(text, 5);
	const day = two(text, 8);
	const hour = two(text, 11);
	const minute = two(text, 14);
	const second = two(text, 17);
	// NaN fails every comparison: a non-digit anywhere falls through to the regex. Days past the
	// 28th are checked against their month, so that no impossible date rolls over into the next.
	if (!(year >= 0 && month >= 1 && month <= 12 && day >= 1 && (day <= 28 || day <= daysInMonth(year, month)) && hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 60)) return undefined;
	return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/i;
const UNIT_MS: Record<string, number> = {ms: 1, s: 1000, m: 60_000, h: HOUR_MS, d: DAY_MS, w: 7 * DAY_MS};

/** Parses `24h`, `7d`, `90m`, `2w` to ms; `all` to undefined (no window). */
export function parseDuration(text: string): number | undefined {
	if (text.trim().toLowerCase() === 'all') return undefined;
	const m = DURATION.exec(text.trim());
	if (!m) throw new UsageError(`bad duration "${text}" (use e.g. 24h, 7d, 30m or all)`);
	return Number(m[1]) * UNIT_MS[m[2]!.toLowerCase()]!;
}

/** Parses a `--now`/`--since`-style ISO time; zone-less text is read in `tz`. */
export function parseInstant(text: string, flag: string, tz = 'UTC'): number {
	const trimmed = text.trim();
	const problem = datePrefixProblem(trimmed);
	if (problem !== undefined) throw new UsageError(`${flag}: "${text}" is not a calendar date: ${problem}`);
	if (/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) return parseInstant(`${trimmed}T00:00:00`, flag, tz);
	if (/^\d{10,13}$/.test(trimmed)) return trimmed.length <= 11 ? Number(trimmed) * 1000 : Number(trimmed);
	const parsed = parseTimestamp(trimmed, tz);
	if (!parsed) throw new UsageError(`${flag}: "${text}" is not an ISO 8601 time (e.g. 2024-03-10T03:00:00Z)`);
	return parsed.ts;
}
