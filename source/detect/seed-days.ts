/**
 * Where a seed hunt reads its window from: the UTC days of the data whose logons all fall inside
 * the window (the whole days inside it, and the days at its ends when it holds all their logons)
 * from hunt_days (migration 0009, one row per pair, target and day), the rest of the window,
 * before the first of those days and after the last, from the logons. A day is read from hunt_days
 * only when each of its UTC hours maps whole onto one local hour of the hunt's zone (localHourOf),
 * so that its hour mask tells exactly whether a logon was after hours; in zones off by half an
 * hour (Asia/Kolkata) the whole window is read from the logons.
 */
import type {Db} from '../db/open.ts';
import {anyLogonBetween, newestTs, oldestTs} from '../db/store.ts';
import {DAY_MS, utcHoursBefore} from '../util/time.ts';

/** The seeds' after-hours: a logon before 06:00 local time. */
const AFTER_HOURS_BEFORE = 6;

/** The bound parameters of db/queries/hunt-qradar.sql and hunt-logscale.sql that say so. */
export interface DaySplit {
	/** UTC days (floor(ts / 1 day)) read from hunt_days, inclusive; none when days_from > days_to. */
	days_from: number;
	days_to: number;
	/** Epoch ms read from the logons, inclusive: before the days, and after them (empty when from > to). */
	head_from: number;
	head_to: number;
	tail_from: number;
	tail_to: number;
	/**
	 * The two longest runs of days with the same after-hours mask (utc_hours_before(day, tz, 6)),
	 * bound as values so that most rows, of hunt_days and of the logons, need no call into the zone;
	 * empty runs (from > to) when there are fewer.
	 */
	night_a_from: number;
	night_a_to: number;
	night_a: number;
	night_b_from: number;
	night_b_to: number;
	night_b: number;
	/**
	 * 1 when the window holds every day of the data, whole hours in the zone: hunt_targets (all days
	 * added up) is read instead (days and the rest of the window then hold nothing), with the
	 * after-hours masks ANDed (night_all) and ORed (night_any) over those days. 0 otherwise.
	 */
	every_day: number;
	night_all: number;
	night_any: number;
}

type Run = {from: number; to: number; mask: number};
const NO_RUN: Run = {from: 1, to: 0, mask: 0};
const NOT_EVERY_DAY = {every_day: 0, night_all: 0, night_any: 0};

/** Splits the inclusive window [since, until] (null: unbounded) of a hunt in zone `tz`. */
export function splitWindow(db: Db, since: number | null, until: number | null, tz: string): DaySplit {
	const lo = since ?? Number.MIN_SAFE_INTEGER;
	const hi = until ?? Number.MAX_SAFE_INTEGER;
	const oldest = oldestTs(db);
	const newest = newestTs(db);
	if (oldest === undefined || newest === undefined) return {...logonsOnly(lo, hi), ...nights([]), ...NOT_EVERY_DAY};
	// The first day starting at or after lo, the last ending at or before hi, within the data; and
	// the days lo and hi fall in when the window holds every logon of them (none earlier in lo's day,
	// none later in hi's: a window ending at the newest logon holds all of its day).
	const first = Math.floor(oldest / DAY_MS);
	const last = Math.floor(newest / DAY_MS);
	let from = Math.max(Math.ceil(lo / DAY_MS), first);
	let to = Math.min(Math.floor((hi + 1) / DAY_MS) - 1, last);
	const loDay = Math.floor(lo / DAY_MS);
	if (loDay >= first && loDay < from && !anyLogonBetween(db, loDay * DAY_MS, lo - 1)) from = loDay;
	const hiDay = Math.floor(hi / DAY_MS);
	if (hiDay <= last && hiDay > to && !anyLogonBetween(db, hi + 1, (hiDay + 1) * DAY_MS - 1)) to = hiDay;
	// Runs of consecutive days with the same after-hours mask, over every day the window and the
	// data share (whole or in part: the logons of a part read the mask too); a day whose hours do
	// not all map whole has no mask, and no whole day is read from hunt_days when one of them is such.
	const runs: Run[] = [];
	let whole = true;
	for (let day = Math.floor(Math.max(lo, oldest) / DAY_MS); day <= Math.floor(Math.min(hi, newest) / DAY_MS); day++) {
		const mask = utcHoursBefore(day, tz, AFTER_HOURS_BEFORE);
		if (mask === undefined) {
			if (day >= from && day <= to) whole = false;
			continue;
		}

		const prev = runs.at(-1);
		if (prev?.mask === mask && prev.to === day - 1) prev.to = day;
		else runs.push({from: day, to: day, mask});
	}

	if (from > to || !whole) return {...logonsOnly(lo, hi), ...nights(runs), ...NOT_EVERY_DAY};
	const rest = {head_from: lo, head_to: from * DAY_MS - 1, tail_from: (to + 1) * DAY_MS, tail_to: hi};
	if (from === first && to === last) {
		const every = {every_day: 1, night_all: runs.reduce((m, r) => m & r.mask, 0xFF_FFFF), night_any: runs.reduce((m, r) => m | r.mask, 0)};
		return {days_from: 1, days_to: 0, ...rest, ...nights(runs), ...every};
	}

	return {days_from: from, days_to: to, ...rest, ...nights(runs), ...NOT_EVERY_DAY};
}

/** The whole window from the logons. */
function logonsOnly(lo: number, hi: number): Pick<DaySplit, 'days_from' | 'days_to' | 'head_from' | 'head_to' | 'tail_from' | 'tail_to'> {
	return {days_from: 1, days_to: 0, head_from: lo, head_to: hi, tail_from: 1, tail_to: 0};
}

function nights(runs: Run[]): Pick<DaySplit, 'night_a_from' | 'night_a_to' | 'night_a' | 'night_b_from' | 'night_b_to' | 'night_b'> {
	const [a = NO_RUN, b = NO_RUN] = [...runs].sort((x, y) => (y.to - y.from) - (x.to - x.from));
	return {night_a_from: a.from, night_a_to: a.to, night_a: a.mask, night_b_from: b.from, night_b_to: b.to, night_b: b.mask};
}
