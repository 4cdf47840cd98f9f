/**
 * What a scored profile (db/profiles/lateral.json and copies of it) means in a SIEM language:
 * the pieces every emitter builds from (tiers, off-hours, non-business days) and the comment
 * that opens each emitted query, naming the signals the language expressed, approximated, or
 * could not express. A signal that cannot be expressed scores 0 in the emitted query; the
 * comment says so rather than pretending the translation is complete.
 */
import type {ScoredProfile} from '../detect/profiles.ts';

/** The signals of a scored profile, named as in its file and in findings' reasons. */
export const SIGNALS = ['spread', 'privileged', 'afterHours', 'weekend', 'failureThenSuccess', 'spray', 'novelty', 'velocity', 'hopChain', 'routine'] as const;
export type Signal = (typeof SIGNALS)[number];

/** How one language carries one signal: fully, approximately (with how), or not (with why). */
export type Support = {status: 'expressed'} | {status: 'approximated'; how: string} | {status: 'missing'; why: string};

/** Tiers `[at least, points]` ordered so that the first one reached gives the most points, as the SQL's max() does. */
export function tiersByPoints(tiers: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
	return [...tiers].map(([at, points]): [number, number] => [at, points]).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
}

/** The hours (0-23) outside the profile's business hours [start, end). */
export function offHours(p: ScoredProfile): number[] {
	const [start, end] = p.signals.afterHours.businessHours;
	return Array.from({length: 24}, (_, h) => h).filter(h => h < start || h >= end);
}

/** Weekdays (0 = Sunday .. 6) that are not business days. */
export function nonBusinessDays(p: ScoredProfile): number[] {
	return [0, 1, 2, 3, 4, 5, 6].filter(d => !p.signals.afterHours.businessDays.includes(d));
}

/** The zone business hours are judged in: --tz, else the profile's, else UTC. */
export function zoneOf(p: ScoredProfile, tz: string | undefined): string {
	return tz ?? p.timeZone ?? 'UTC';
}

/** The usual reasons a one-pass SIEM query cannot carry a signal. */
export const WHY = {
	novelty: 'needs a baseline period compared with the hunt window (a second search or a lookup of known source->target pairs)',
	hopChain: 'needs a join of the logons into a source with the logons from it (A -> B -> C)',
	routine: 'needs per-day activity at the same hours over the baseline period',
	spray: 'needs a second grouping by source alone',
	velocity: 'needs distinct targets within a sliding hour before the grouping by source and user',
	failureThenSuccess: 'needs failures ordered before a success within a time window',
} as const;

/**
 * What a query language with one grouping by (source, user) and no second pass carries (AQL,
 * CQL): the per-row signals, failure-then-success as counts only, nothing that needs a baseline.
 */
export function oneGroupingSupport(p: ScoredProfile): Record<Signal, Support> {
	const fts = p.signals.failureThenSuccess;
	return {
		spread: {status: 'expressed'},
		privileged: {status: 'expressed'},
		afterHours: {status: 'expressed'},
		weekend: {status: 'expressed'},
		failureThenSuccess: {status: 'approximated', how: `at least ${fts.minFailures} failures and one success in the group; their order and the ${fts.withinMinutes}-minute window are not checked`},
		spray: {status: 'missing', why: WHY.spray},
		novelty: {status: 'missing', why: WHY.novelty},
		velocity: {status: 'missing', why: WHY.velocity},
		hopChain: {status: 'missing', why: WHY.hopChain},
		routine: {status: 'missing', why: WHY.routine},
	};
}

/**
 * The opening comment of a scored profile's query, as plain lines (the emitter wraps them in its
 * comment syntax): what the query is, each signal's fate, and the consequence for the score.
 */
export function headerLines(p: ScoredProfile, language: string, support: Record<Signal, Support>, notes: readonly string[] = []): string[] {
	const expressed = SIGNALS.filter(s => support[s].status === 'expressed');
	const approximated = SIGNALS.flatMap(s => {
		const x = support[s];
		return x.status === 'approximated' ? [`${s} (${x.how})`] : [];
	});
	const missing = SIGNALS.flatMap(s => {
		const x = support[s];
		return x.status === 'missing' ? [`${s} (${x.why})`] : [];
	});
	const lines = [
		`lateral: the ${p.name} profile (scored; weights and thresholds from the profile file) translated to ${language}.`,
		`Signals expressed: ${expressed.join(', ') || 'none'}.`,
	];
	if (approximated.length > 0) lines.push(`Signals approximated: ${approximated.join('; ')}.`);
	if (missing.length > 0) {
		lines.push(`Signals NOT expressed (they score 0 here, so scores can be lower than lateral's and findings that need them are missed): ${missing.join('; ')}.`);
	}

	return [...lines, ...simplifications(p, support), ...notes];
}

/**
 * What every one-pass translation simplifies in the signals it does carry, compared with lateral's
 * own SQL (db/queries/hunt-lateral.sql): said once in the header rather than left to be found.
 */
export function simplifications(p: ScoredProfile, support: Record<Signal, Support>): string[] {
	const s = p.signals;
	const carried = (x: Signal) => support[x].status !== 'missing';
	const lines: string[] = [];
	if (carried('spread')) lines.push('target spread here counts distinct targets over the whole search; lateral counts them within one local day.');
	if (carried('afterHours') && s.afterHours.nightPoints !== s.afterHours.points) {
		const [from, to] = s.afterHours.nightHours;
		lines.push(`after-hours here gives ${s.afterHours.points} point(s) to any logon outside business hours; lateral gives ${s.afterHours.nightPoints} to one in the night hours ${String(from).padStart(2, '0')}:00-${String(to).padStart(2, '0')}:00.`);
	}

	if (carried('spray')) lines.push(`spray here counts every failing user name; lateral counts only accounts that log on successfully somewhere (not the names internet scanners guess), within ${s.spray.withinMinutes} min of the pair's own failure.`);
	return lines;
}
