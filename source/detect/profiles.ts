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
import {fieldProblem, type Fields} from './profile-fields.ts';

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
	/** Zone for business hours when --tz is not given; null or absent = UTC. */
	timeZone?: string | null;
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

const req = 'required';
const opt = 'optional';

/** The header every profile has: what it is and what it runs (title, level, false positives document it). */
const HEADER_FIELDS: Fields<ProfileBase> = {
	name: req, title: req, description: opt, level: req, confidence: req, query: req, defaultWindow: req, falsePositives: req,
};

/** Every field a seed profile's file may hold. */
const SEED_FIELDS: Fields<SeedProfile> = {...HEADER_FIELDS, kind: opt, source: req};

/** Every field a scored profile's file may hold, down to each signal's settings. */
const SCORED_FIELDS: Fields<ScoredProfile> = {
	...HEADER_FIELDS,
	kind: req,
	baseline: req,
	timeZone: opt,
	minScore: req,
	logonTypes: req,
	signals: {
		spread: {tiers: req},
		privileged: {points: req, patterns: req},
		afterHours: {points: req, nightPoints: req, nightHours: req, weekendPoints: req, businessHours: req, businessDays: req},
		failureThenSuccess: {points: req, minFailures: req, withinMinutes: req},
		spray: {points: req, minUsers: req, withinMinutes: req},
		novelty: {tiers: req, userTargetPoints: req, userTargetMin: req, newSourcePoints: req, newPairPoints: req, sharedSourceUsers: req},
		velocity: {tiers: req},
		hopChain: {points: req, withinHours: req},
		routine: {share: req, minDays: req, cancels: req},
	},
};

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

/** Whether `text` is duration text (`24h`) or `all`. */
function isDuration(text: unknown): boolean {
	if (typeof text !== 'string') return false;
	try {
		parseDuration(text);
		return true;
	} catch {
		return false;
	}
}

function isTimeZone(name: string): boolean {
	try {
		checkTimeZone(name);
		return true;
	} catch {
		return false;
	}
}

/** The one-line usage error every wrong profile file is refused with. */
function refuse(file: string, message: string): never {
	throw new UsageError(`profile ${file}: ${message}`);
}

/**
 * Checks the fields of a profile file, naming the first wrong one: any key the profile's kind does
 * not know (with the nearest known one when there is a near one), a missing one, the header's values.
 */
function checkFields(raw: Record<string, unknown>, file: string): void {
	const kind = raw['kind'];
	if (kind !== undefined && kind !== 'scored' && kind !== 'seed') refuse(file, 'kind must be "scored" or "seed"');
	const [fields, other, otherKind] = kind === 'scored'
		? [SCORED_FIELDS, SEED_FIELDS, 'seed profiles have it'] as const
		: [SEED_FIELDS, SCORED_FIELDS, 'profiles with "kind": "scored" have it'] as const;
	// A field of the other kind: its own hint, since no spelling is near it.
	const misplaced = Object.keys(raw).find(key => !Object.hasOwn(fields, key) && Object.hasOwn(other, key));
	if (misplaced !== undefined) refuse(file, `unknown field ${misplaced} (only ${otherKind})`);
	const problem = fieldProblem(raw, fields);
	if (problem !== undefined) refuse(file, problem);

	const p = raw as unknown as Profile;
	if (typeof p.name !== 'string' || !/^[a-z0-9][a-z0-9-]*$/i.test(p.name)) refuse(file, 'name must be letters, digits and dashes');
	if (typeof p.query !== 'string' || !/^[a-z0-9-]+\.sql$/.test(p.query) || !fs.existsSync(path.join(queriesDir, p.query))) {
		refuse(file, `query must name a file in db/queries (got "${String(p.query)}")`);
	}

	const texts: Array<[string, unknown]> = [['title', p.title], ['description', p.description], ['level', p.level], ['confidence', p.confidence]];
	if (p.kind !== 'scored') texts.push(['source', p.source]);
	for (const [field, v] of texts) if (v !== undefined && typeof v !== 'string') refuse(file, `${field} must be text`);
	if (!Array.isArray(p.falsePositives) || p.falsePositives.some(x => typeof x !== 'string')) refuse(file, 'falsePositives must be a list of text');
	if (!isDuration(p.defaultWindow)) refuse(file, `defaultWindow "${String(p.defaultWindow)}" is not a duration such as 24h, or all`);
	if (p.kind === 'scored') checkScored(p, file);
}

/** Checks the values of a hand-edited scored profile (its fields are known to be there), naming the first wrong one. */
function checkScored(p: ScoredProfile, file: string): void {
	const fail = (field: string, why: string): never => refuse(file, `${field} ${why}`);

	const isNum = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
	const tiers = (field: string, v: unknown) => {
		if (!Array.isArray(v) || v.some(t => !Array.isArray(t) || t.length !== 2 || !isNum(t[0]) || !isNum(t[1]))) {
			fail(field, 'must be a list of [at least, points] pairs');
		}
	};

	// A baseline has a length: `all` would mean none at all, silently.
	if (!isDuration(p.baseline) || parseDuration(String(p.baseline)) === undefined) fail('baseline', `"${String(p.baseline)}" is not a length such as 2d`);

	const zone: unknown = p.timeZone ?? null;
	if (zone !== null && (typeof zone !== 'string' || !isTimeZone(zone))) fail('timeZone', `"${String(zone)}" is not an IANA zone such as Europe/Berlin (or null for UTC)`);
	if (!isNum(p.minScore)) fail('minScore', 'must be a number');
	if (!Array.isArray(p.logonTypes) || p.logonTypes.some(t => !Number.isInteger(t))) fail('logonTypes', 'must be a list of integers');
	const s = p.signals;
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
	let raw: unknown;
	try {
		raw = JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch (error) {
		throw new UsageError(`cannot read profile ${file}: ${(error as Error).message}`);
	}

	if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) refuse(file, 'the file must hold one JSON object, as db/profiles/lateral.json does');
	checkFields(raw as Record<string, unknown>, file);
	return raw as Profile;
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
