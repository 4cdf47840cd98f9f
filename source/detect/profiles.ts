/**
 * Profiles: the shipped ones live in db/profiles/*.json (data) with their SQL in db/queries/.
 * The two seed profiles are fixed SQL; a scored profile (ours, or a user's copy of it) binds its
 * weights, thresholds and patterns into hunt-lateral.sql.
 */
import fs from 'node:fs';
import path from 'node:path';
import {repoRoot} from '../db/open.ts';
import {UsageError} from '../util/errors.ts';
import {checkTimeZone, parseDuration} from '../util/time.ts';

interface ProfileBase {
	name: string;
	title: string;
	description?: string;
	level: string;
	confidence: string;
	/** File name under db/queries/. */
	query: string;
	/** Duration text (`24h`) or `all`. */
	defaultWindow: string;
	falsePositives: string[];
}

/** A seed-faithful profile: fixed SQL with metadata (a Sigma-like header). */
export interface SeedProfile extends ProfileBase {
	kind?: 'seed';
	source: string;
}

type Tiers = Array<[number, number]>;

/** The signals a routine pair's points are taken back from. */
export const ROUTINE_CANCELS = ['afterHours', 'weekend', 'spread', 'velocity'] as const;
export type RoutineCancel = (typeof ROUTINE_CANCELS)[number];

/** A scored profile: the data hunt-lateral.sql is run with. */
export interface ScoredProfile extends ProfileBase {
	kind: 'scored';
	/** Baseline length before the hunt window, e.g. `2d`. */
	baseline: string;
	/** Zone for business hours when --tz is not given; null = UTC. */
	timeZone: string | null;
	minScore: number;
	logonTypes: number[];
	signals: {
		spread: {tiers: Tiers};
		privileged: {points: number; patterns: string[]};
		afterHours: {
			points: number;
			/** Instead of `points` when a logon falls in the small hours. */
			nightPoints: number;
			/** [start, end) local hours of the night; start > end wraps past midnight ([22, 6]). */
			nightHours: [number, number];
			weekendPoints: number;
			businessHours: [number, number];
			businessDays: number[];
		};
		failureThenSuccess: {points: number; minFailures: number; withinMinutes: number};
		spray: {points: number; minUsers: number; withinMinutes: number};
		novelty: {
			tiers: Tiers;
			userTargetPoints: number;
			userTargetMin: number;
			/** A new source->user pair from an address never seen as a source in the baseline. */
			newSourcePoints: number;
			/** A new source->user pair from a source that fewer than `sharedSourceUsers` accounts used in the baseline. */
			newPairPoints: number;
			sharedSourceUsers: number;
		};
		velocity: {tiers: Tiers};
		hopChain: {points: number; withinHours: number};
		routine: {share: number; minDays: number; cancels: RoutineCancel[]};
	};
}

export type Profile = SeedProfile | ScoredProfile;

const profilesDir = path.join(repoRoot, 'db', 'profiles');
export const queriesDir = path.join(repoRoot, 'db', 'queries');

/** The profiles that ship with lateral, in display order. */
export function listProfiles(): Array<{name: string; title: string}> {
	return fs.readdirSync(profilesDir)
		.filter(name => name.endsWith('.json'))
		.map(name => loadProfileFile(path.join(profilesDir, name)))
		.sort((a, b) => order(a.name) - order(b.name) || a.name.localeCompare(b.name))
		.map(p => ({name: p.name, title: p.title}));
}

function order(name: string): number {
	const i = ['lateral', 'qradar', 'logscale'].indexOf(name);
	return i === -1 ? 99 : i;
}

/** Checks what a hand-edited scored profile must hold, naming the first wrong field. */
function checkScored(p: ScoredProfile, file: string): void {
	const fail = (field: string, why: string): never => {
		throw new UsageError(`profile ${file}: ${field} ${why}`);
	};

	const isNum = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
	const tiers = (field: string, v: unknown) => {
		if (!Array.isArray(v) || v.some(t => !Array.isArray(t) || t.length !== 2 || !isNum(t[0]) || !isNum(t[1]))) {
			fail(field, 'must be a list of [at least, points] pairs');
		}
	};

	try {
		parseDuration(p.baseline);
	} catch {
		fail('baseline', `"${String(p.baseline)}" is not a duration such as 2d`);
	}

	if (p.timeZone !== null && p.timeZone !== undefined) checkTimeZone(p.timeZone);
	if (!isNum(p.minScore)) fail('minScore', 'must be a number');
	if (!Array.isArray(p.logonTypes) || p.logonTypes.some(t => !Number.isInteger(t))) fail('logonTypes', 'must be a list of integers');
	const s = p.signals;
	if (typeof s !== 'object' || s === null) fail('signals', 'is missing');
	tiers('signals.spread.tiers', s.spread?.tiers);
	tiers('signals.novelty.tiers', s.novelty?.tiers);
	tiers('signals.velocity.tiers', s.velocity?.tiers);
	const numbers: Array<[string, unknown]> = [
		['signals.privileged.points', s.privileged?.points],
		['signals.afterHours.points', s.afterHours?.points],
		['signals.afterHours.nightPoints', s.afterHours?.nightPoints],
		['signals.afterHours.weekendPoints', s.afterHours?.weekendPoints],
		['signals.failureThenSuccess.points', s.failureThenSuccess?.points],
		['signals.failureThenSuccess.minFailures', s.failureThenSuccess?.minFailures],
		['signals.failureThenSuccess.withinMinutes', s.failureThenSuccess?.withinMinutes],
		['signals.spray.points', s.spray?.points],
		['signals.spray.minUsers', s.spray?.minUsers],
		['signals.spray.withinMinutes', s.spray?.withinMinutes],
		['signals.novelty.userTargetPoints', s.novelty?.userTargetPoints],
		['signals.novelty.userTargetMin', s.novelty?.userTargetMin],
		['signals.novelty.newSourcePoints', s.novelty?.newSourcePoints],
		['signals.novelty.newPairPoints', s.novelty?.newPairPoints],
		['signals.novelty.sharedSourceUsers', s.novelty?.sharedSourceUsers],
		['signals.hopChain.points', s.hopChain?.points],
		['signals.hopChain.withinHours', s.hopChain?.withinHours],
		['signals.routine.share', s.routine?.share],
		['signals.routine.minDays', s.routine?.minDays],
	];
	for (const [field, v] of numbers) if (!isNum(v)) fail(field, 'must be a number');
	const cancels = s.routine.cancels;
	if (!Array.isArray(cancels) || cancels.some(c => !(ROUTINE_CANCELS as readonly string[]).includes(c))) {
		fail('signals.routine.cancels', `must be a list of signals from ${ROUTINE_CANCELS.join(', ')}`);
	}

	if (!Array.isArray(s.privileged.patterns) || s.privileged.patterns.some(x => typeof x !== 'string' || x === '')) fail('signals.privileged.patterns', 'must be a list of non-empty strings');
	const hours = s.afterHours.businessHours;
	if (!Array.isArray(hours) || hours.length !== 2 || !hours.every(h => Number.isInteger(h) && h >= 0 && h <= 24) || hours[0] > hours[1]) {
		fail('signals.afterHours.businessHours', 'must be [start, end] hours with 0 <= start <= end <= 24');
	}

	const night = s.afterHours.nightHours;
	if (!Array.isArray(night) || night.length !== 2 || !night.every(h => Number.isInteger(h) && h >= 0 && h <= 24)) {
		fail('signals.afterHours.nightHours', 'must be [start, end] hours from 0 to 24 (start > end wraps past midnight)');
	}

	if (!Array.isArray(s.afterHours.businessDays) || s.afterHours.businessDays.some(d => !Number.isInteger(d) || d < 0 || d > 6)) {
		fail('signals.afterHours.businessDays', 'must be a list of weekdays 0 (Sunday) to 6');
	}
}

function loadProfileFile(file: string): Profile {
	let profile: Profile;
	try {
		profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
	} catch (error) {
		throw new UsageError(`cannot read profile ${file}: ${(error as Error).message}`);
	}

	if (typeof profile.name !== 'string' || !/^[a-z0-9][a-z0-9-]*$/i.test(profile.name)) throw new UsageError(`profile ${file}: name must be letters, digits and dashes`);
	if (typeof profile.query !== 'string' || !/^[a-z0-9-]+\.sql$/.test(profile.query) || !fs.existsSync(path.join(queriesDir, profile.query))) {
		throw new UsageError(`profile ${file}: query must name a file in db/queries (got "${String(profile.query)}")`);
	}

	if (profile.kind === 'scored') checkScored(profile, file);
	return profile;
}

/** A profile by name (`qradar`) or by file path. */
export function loadProfile(nameOrFile: string): Profile {
	const shipped = path.join(profilesDir, `${nameOrFile}.json`);
	if (/^[a-z0-9-]+$/i.test(nameOrFile) && fs.existsSync(shipped)) return loadProfileFile(shipped);
	if (fs.existsSync(nameOrFile) && fs.statSync(nameOrFile).isFile()) return loadProfileFile(nameOrFile);
	const names = listProfiles().map(p => p.name).join(', ');
	throw new UsageError(`unknown profile "${nameOrFile}" (choose ${names}, or give a profile file)`);
}

const sqlCache = new Map<string, string>();

/** Text of a query file in db/queries/. */
export function querySql(file: string): string {
	let sql = sqlCache.get(file);
	if (sql === undefined) {
		sql = fs.readFileSync(path.join(queriesDir, file), 'utf8');
		sqlCache.set(file, sql);
	}

	return sql;
}
