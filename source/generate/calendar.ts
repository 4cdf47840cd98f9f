/**
 * Days of the generated period in the site's time zone. Behaviour (office hours, the nightly
 * sweep, a 02:00 attack) is planned in local wall-clock time and turned into epoch ms here, so
 * a site in Europe/Berlin has its backups at 01:00 Berlin time, DST included.
 */
import {fromLocal} from '../util/time.ts';

/** Milliseconds in an hour and a day of wall-clock time. */
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** One local calendar day of the generated period. */
export interface Day {
	/** 0 for the first day. */
	index: number;
	/** Local date, `YYYY-MM-DD`. */
	date: string;
	/** 0 = Sunday .. 6 = Saturday. */
	weekday: number;
	/** True on Saturday and Sunday. */
	weekend: boolean;
	/** Epoch ms, UTC, of local midnight starting the day. */
	start: number;
	/** Epoch ms, UTC, of local midnight ending the day (exclusive). */
	end: number;
	/** Epoch ms of a local time of day given as ms after local midnight, kept inside the day. */
	at(localMs: number): number;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Parses `YYYY-MM-DD` into numbers, or throws with the text that was wrong. */
export function parseDate(text: string): {year: number; month: number; day: number} {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
	if (!m) throw new Error(`start must be an ISO date such as 2026-11-02 (got "${text}")`);
	const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
	const check = new Date(Date.UTC(year, month - 1, day));
	if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) throw new Error(`start is not a calendar date: "${text}"`);
	return {year, month, day};
}

/** The `count` consecutive local days from `start` (`YYYY-MM-DD`) in zone `tz`. */
export function makeCalendar(start: string, count: number, tz: string): Day[] {
	const first = parseDate(start);
	const days: Day[] = [];
	for (let i = 0; i < count; i++) {
		const civil = new Date(Date.UTC(first.year, first.month - 1, first.day + i));
		const next = new Date(Date.UTC(first.year, first.month - 1, first.day + i + 1));
		const [y, m, d] = [civil.getUTCFullYear(), civil.getUTCMonth() + 1, civil.getUTCDate()];
		const begin = fromLocal(y, m, d, 0, 0, 0, 0, tz);
		const end = fromLocal(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), 0, 0, 0, 0, tz);
		const weekday = civil.getUTCDay();
		days.push({
			index: i,
			date: `${y}-${pad(m)}-${pad(d)}`,
			weekday,
			weekend: weekday === 0 || weekday === 6,
			start: begin,
			end,
			at(localMs: number) {
				const ms = Math.max(0, Math.min(DAY - 1, Math.floor(localMs)));
				// fromLocal carries overflowing ms into hours, so one call covers any time of day.
				const ts = fromLocal(y, m, d, 0, 0, 0, ms, tz);
				return Math.max(begin, Math.min(end - 1, ts));
			},
		});
	}

	return days;
}

/** Local ms after midnight for an hour given as a real number (8.5 = 08:30). */
export function hours(h: number): number {
	return Math.round(h * HOUR);
}
