/**
 * Named statements behind the console's pivots: an entity's logons grouped by the other two
 * dimensions, a pair's events, timeline buckets, and the distinct names the search indexes.
 *
 * Every value is bound as a parameter; the only composed parts are column names picked from the
 * fixed table below. Each view asks for counts plus the window of rows on screen (LIMIT/OFFSET),
 * never a whole table. Sources compare exactly; users and targets case-insensitively, as
 * `lateral events` does. Times are epoch ms, UTC; windows are inclusive and optional.
 *
 * An entity's summary, groups and hourly timeline without a window (the console's entity view) and
 * the distinct names read the totals kept at load time (pair_totals, entity_totals: migration 0006;
 * hour_totals: 0008), a few rows however many logons an entity has; with a window, for a pair, and
 * for a timeline in a zone the hour totals cannot answer, they read the logons through their indexes.
 */
import type {Statement} from 'better-sqlite3';
import {HOUR_MS, localHourOf} from '../util/time.ts';
import type {Db} from './open.ts';
import {notSuppressed} from '../detect/allowlist-sql.ts';

/** The three dimensions a hunter pivots between. */
export type PivotKind = 'src' | 'user' | 'target';

/** An optional time window, epoch ms UTC, inclusive at both ends. */
export interface TimeWindow {
	since?: number | null;
	until?: number | null;
}

/** A page of rows: how many to return and how many to skip. */
export interface Page {
	limit: number;
	offset: number;
}

interface Dimension {
	column: 'src_ip' | 'user' | 'target';
	/** The equality test on this column for a bound @value (on logons and on pair_totals). */
	match: string;
	/**
	 * The rows of entity_totals holding this kind's names equal to @value. The NOCASE lookups name
	 * their index: left to itself the planner may walk every name of the kind (its primary key).
	 */
	names: string;
}

const DIMENSIONS: Record<PivotKind, Dimension> = {
	src: {column: 'src_ip', match: 'src_ip = @value', names: `entity_totals WHERE kind = 'src' AND value = @value`},
	user: {column: 'user', match: 'user = @value COLLATE NOCASE',
		names: `entity_totals INDEXED BY entity_totals_nocase WHERE kind = 'user' AND value = @value COLLATE NOCASE`},
	target: {column: 'target', match: 'target = @value COLLATE NOCASE',
		names: `entity_totals INDEXED BY entity_totals_nocase WHERE kind = 'target' AND value = @value COLLATE NOCASE`},
};

/** For each entity kind, the other two dimensions its logons are grouped by, in display order. */
export const OTHER_DIMENSIONS: Record<PivotKind, [PivotKind, PivotKind]> = {
	src: ['user', 'target'],
	user: ['src', 'target'],
	target: ['src', 'user'],
};

const WINDOW = '(@since IS NULL OR ts >= @since) AND (@until IS NULL OR ts <= @until)';

/** The SQL text of every named statement, per entity kind where it depends on one. */
function statements(kind: PivotKind) {
	const self = DIMENSIONS[kind];
	const [a, b] = OTHER_DIMENSIONS[kind].map(k => DIMENSIONS[k].column) as [string, string];
	return {
		summary: `SELECT count(*) AS total, coalesce(sum(outcome = 'failure'), 0) AS failed,
			min(ts) AS first_ts, max(ts) AS last_ts
			FROM logons WHERE ${self.match} AND ${WINDOW}`,
		groupCount: `SELECT count(*) AS n FROM (SELECT 1 FROM logons WHERE ${self.match} AND ${WINDOW} GROUP BY ${a}, ${b})`,
		groups: `SELECT ${a} AS a, ${b} AS b, count(*) AS total, sum(outcome = 'failure') AS failed,
			min(ts) AS first_ts, max(ts) AS last_ts
			FROM logons WHERE ${self.match} AND ${WINDOW}
			GROUP BY ${a}, ${b} ORDER BY last_ts DESC, a, b LIMIT @limit OFFSET @offset`,
		timeline: `SELECT local_day(ts, @tz) * 24 + local_hour(ts, @tz) AS hour, count(*) AS total,
			sum(outcome = 'failure') AS failed
			FROM logons WHERE ${self.match} AND ${WINDOW} GROUP BY hour ORDER BY hour`,
	};
}

/**
 * Without a time window (the console's entity view) the same answers come from the totals kept at
 * load time (migration 0006), with the same columns, values and order as `statements` gives:
 *
 * - `names`: the entity's spellings in entity_totals (one for a source; a user or target may have
 *   several, matched case-insensitively) with their summed totals. For one spelling `pairs` is
 *   the number of groups: pair_totals holds one row per (src_ip, user, target) as spelled.
 * - `page`: for one spelling every pair_totals row of the entity is a group of its own, so a page
 *   is read in index order (most recent first) and stops at the page's end.
 * - `groupCount` and `groups`: for several spellings, rows of different spellings may fall in one
 *   group (10.0.0.5 adm-jdoe on DC01 and on dc01), so the entity's rows are summed per group.
 * - `hours`: the entity's logons per UTC hour (hours since 1970-01-01 00:00 UTC), every spelling's
 *   rows of hour_totals summed; localBuckets turns them into the timeline's local hours. Only when
 *   `hoursKept`: hour_totals holds the hours of names with many logons only (migration 0014).
 */
function totalsStatements(kind: PivotKind) {
	const self = DIMENSIONS[kind];
	const [a, b] = OTHER_DIMENSIONS[kind].map(k => DIMENSIONS[k].column) as [string, string];
	return {
		names: `SELECT count(*) AS spellings, coalesce(sum(logons), 0) AS total, coalesce(sum(failed), 0) AS failed,
			min(first_ts) AS first_ts, max(last_ts) AS last_ts, coalesce(sum(pairs), 0) AS pairs
			FROM ${self.names}`,
		page: `SELECT ${a} AS a, ${b} AS b, logons AS total, failed, first_ts, last_ts
			FROM pair_totals WHERE ${self.match} ORDER BY last_ts DESC, a, b LIMIT @limit OFFSET @offset`,
		groupCount: `SELECT count(*) AS n FROM (SELECT 1 FROM pair_totals WHERE ${self.match} GROUP BY ${a}, ${b})`,
		groups: `SELECT ${a} AS a, ${b} AS b, sum(logons) AS total, sum(failed) AS failed,
			min(first_ts) AS first_ts, max(last_ts) AS last_ts
			FROM pair_totals WHERE ${self.match}
			GROUP BY ${a}, ${b} ORDER BY last_ts DESC, a, b LIMIT @limit OFFSET @offset`,
		// Whether hour_totals holds the hours of every spelling (migration 0014).
		hoursKept: `SELECT coalesce(min(logons), 0) >= (SELECT logons FROM hour_totals_min) AS kept FROM ${self.names}`,
		hours: `SELECT hour, sum(logons) AS total, sum(failed) AS failed FROM hour_totals
			WHERE kind = '${kind}' AND value IN (SELECT value FROM ${self.names}) GROUP BY hour ORDER BY hour`,
	};
}

const unwindowed = (w: TimeWindow = {}) => (w.since ?? null) === null && (w.until ?? null) === null;

const PAIR = "src_ip = @src AND user = @user COLLATE NOCASE";
// A live finding's events leave out the logons the allowlist suppresses, as its counts do: those
// of the entries that apply to @profile at @today (NULL @profile: every logon).
const UNSUPPRESSED = `(@profile IS NULL OR ${notSuppressed('l')})`;
const PAIR_SQL = {
	count: `SELECT count(*) AS n FROM logons l WHERE ${PAIR} AND ${WINDOW} AND ${UNSUPPRESSED}`,
	events: `SELECT l.id, l.ts, l.outcome, l.event_id, l.logon_type, l.src_ip, l.src_host, l.user, l.domain, l.target,
		l.service, l.dataset_id, l.raw_ref, d.path
		FROM logons l JOIN datasets d ON d.id = l.dataset_id
		WHERE l.src_ip = @src AND l.user = @user COLLATE NOCASE
			AND (@since IS NULL OR l.ts >= @since) AND (@until IS NULL OR l.ts <= @until)
			AND ${UNSUPPRESSED}
		ORDER BY l.ts, l.id LIMIT @limit OFFSET @offset`,
	timeline: `SELECT local_day(ts, @tz) * 24 + local_hour(ts, @tz) AS hour, count(*) AS total,
		sum(outcome = 'failure') AS failed
		FROM logons WHERE ${PAIR} AND ${WINDOW} GROUP BY hour ORDER BY hour`,
};

// From the names' totals kept at load time (not three scans of every logon); each kind in
// entity_totals' key order, which is the names' BINARY order.
const DISTINCT_SQL = ['src', 'user', 'target'].map(kind => `SELECT kind, value, logons AS n FROM entity_totals WHERE kind = '${kind}' AND value <> ''`).join(' UNION ALL ');

// Prepared statements per database, so a keystroke costs a bind and a step, not a compile.
const cache = new WeakMap<Db, Map<string, Statement<unknown[]>>>();
function prepared(db: Db, sql: string): Statement<unknown[]> {
	let map = cache.get(db);
	if (!map) {
		map = new Map();
		cache.set(db, map);
	}

	let stmt = map.get(sql);
	if (!stmt) {
		stmt = db.prepare(sql);
		map.set(sql, stmt);
	}

	return stmt;
}

const windowParams = (w: TimeWindow = {}) => ({since: w.since ?? null, until: w.until ?? null});

/** Totals of an entity's logons. Times epoch ms UTC; null when it has none. */
export interface EntitySummary {
	total: number;
	failed: number;
	first_ts: number | null;
	last_ts: number | null;
	/** How many distinct (other, other) groups there are: the row count of the entity view. */
	groups: number;
}

interface Names {
	spellings: number;
	total: number;
	failed: number;
	first_ts: number | null;
	last_ts: number | null;
	pairs: number;
}

/** An entity's totals: kept at load time without a window, else from its logons in the window. */
export function entitySummary(db: Db, kind: PivotKind, value: string, w?: TimeWindow): EntitySummary {
	if (unwindowed(w)) {
		const sql = totalsStatements(kind);
		const {spellings, pairs, ...row} = prepared(db, sql.names).get({value}) as Names;
		const groups = spellings > 1 ? (prepared(db, sql.groupCount).get({value}) as {n: number}).n : pairs;
		return {...row, groups};
	}

	const sql = statements(kind);
	const params = {value, ...windowParams(w)};
	const row = prepared(db, sql.summary).get(params) as Omit<EntitySummary, 'groups'>;
	const groups = (prepared(db, sql.groupCount).get(params) as {n: number}).n;
	return {...row, groups};
}

/**
 * One row of an entity view: logons of the entity with one value of each other dimension.
 * For a source, `a` is the user and `b` the target; for a user, source and target; for a target,
 * source and user (see OTHER_DIMENSIONS).
 */
export interface GroupRow {
	a: string | null;
	b: string | null;
	total: number;
	failed: number;
	first_ts: number;
	last_ts: number;
}

/** A page of an entity's groups, most recently active first (from pair_totals without a window). */
export function entityGroups(db: Db, kind: PivotKind, value: string, page: Page, w?: TimeWindow): GroupRow[] {
	if (unwindowed(w)) {
		const sql = totalsStatements(kind);
		const {spellings} = prepared(db, sql.names).get({value}) as Names;
		return prepared(db, spellings > 1 ? sql.groups : sql.page).all({value, ...page}) as GroupRow[];
	}

	return prepared(db, statements(kind).groups).all({value, ...windowParams(w), ...page}) as GroupRow[];
}

/** One logon of a (source, user) pair with the file it came from. */
export interface PairEvent {
	id: number;
	ts: number;
	outcome: 'success' | 'failure';
	event_id: number | null;
	logon_type: number | null;
	src_ip: string | null;
	src_host: string | null;
	user: string | null;
	domain: string | null;
	target: string | null;
	service: string | null;
	dataset_id: number;
	raw_ref: number;
	path: string;
}

export function pairEventCount(db: Db, src: string, user: string, w?: TimeWindow, allowlist?: AllowlistScope): number {
	return (prepared(db, PAIR_SQL.count).get({src, user, ...windowParams(w), ...allowlistParams(allowlist)}) as {n: number}).n;
}

/** A page of a pair's logons, oldest first. */
export function pairEvents(db: Db, src: string, user: string, page: Page, w?: TimeWindow, allowlist?: AllowlistScope): PairEvent[] {
	return prepared(db, PAIR_SQL.events).all({src, user, ...windowParams(w), ...page, ...allowlistParams(allowlist)}) as PairEvent[];
}

/** Leave out the logons the allowlist entries applying to `profile` at `today` suppress. */
export interface AllowlistScope {
	profile: string;
	today: number;
}

function allowlistParams(scope: AllowlistScope | undefined): {profile: string | null; today: number} {
	return {profile: scope?.profile ?? null, today: scope?.today ?? 0};
}

/**
 * Logons per local hour in `tz`. `hour` counts hours since 1970-01-01 00:00 local time
 * (local day * 24 + local hour), so a bucket is one wall-clock hour in the zone; only hours
 * with logons are returned, oldest first.
 */
export interface HourBucket {
	hour: number;
	total: number;
	failed: number;
}

export type TimelineSubject = {kind: PivotKind; value: string} | {kind: 'pair'; src: string; user: string};

/**
 * Without a window an entity's timeline is read from hour_totals (migration 0008) when it holds the
 * entity's hours (names with many logons: migration 0014) and every one of its UTC hours maps whole
 * onto a local hour (see localBuckets), else, like a pair's and any windowed timeline, from its
 * logons (through the index of its column: a few milliseconds for a name with few).
 */
export function timelineBuckets(db: Db, subject: TimelineSubject, tz: string, w?: TimeWindow): HourBucket[] {
	if (subject.kind === 'pair') {
		return prepared(db, PAIR_SQL.timeline).all({src: subject.src, user: subject.user, tz, ...windowParams(w)}) as HourBucket[];
	}

	const totals = totalsStatements(subject.kind);
	if (unwindowed(w) && (prepared(db, totals.hoursKept).get({value: subject.value}) as {kept: number}).kept === 1) {
		const hours = prepared(db, totals.hours).all({value: subject.value}) as HourBucket[];
		const buckets = localBuckets(hours, tz);
		if (buckets) return buckets;
	}

	return prepared(db, statements(subject.kind).timeline).all({value: subject.value, tz, ...windowParams(w)}) as HourBucket[];
}

/**
 * Logons per UTC hour (`hour`: hours since 1970-01-01 00:00 UTC) as the timeline statement buckets
 * them in `tz`, or undefined when an hour does not map whole. That statement's bucket,
 * local_day * 24 + local_hour (source/db/open.ts), is floor((ts + offset) / 1 h) with the offset
 * offsetAt gives; when the offset is a whole number of hours and the same at the first and the last
 * millisecond of UTC hour h (offsetAt then gives it to every instant between), every logon of h
 * falls in h + offset / 1 h. Not so in zones off by half or quarter hours (Asia/Kolkata,
 * Asia/Kathmandu, Australia/Lord_Howe) or in an hour whose offset changes inside it. Two UTC hours
 * may fall in one local hour (the hour repeated when clocks go back): their counts add up.
 */
function localBuckets(hours: HourBucket[], tz: string): HourBucket[] | undefined {
	const buckets = new Map<number, HourBucket>();
	for (const row of hours) {
		const hour = localHourOf(row.hour * HOUR_MS, tz);
		if (hour === undefined) return undefined;
		const bucket = buckets.get(hour);
		if (bucket) {
			bucket.total += row.total;
			bucket.failed += row.failed;
		} else {
			buckets.set(hour, {hour, total: row.total, failed: row.failed});
		}
	}

	return [...buckets.values()].sort((a, b) => a.hour - b.hour);
}

/** A distinct name of one dimension and how many logons carry it. */
export interface EntityName {
	kind: PivotKind;
	value: string;
	n: number;
}

/** Every distinct source, user and target (empty strings left out): what the search indexes. */
export function distinctEntities(db: Db): EntityName[] {
	return prepared(db, DISTINCT_SQL).all() as EntityName[];
}
