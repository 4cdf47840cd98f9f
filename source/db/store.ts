/**
 * Named statements over the store: writing datasets and logons, reading what is loaded.
 * Every value is bound as a parameter.
 */
import type {Statement} from 'better-sqlite3';
import {withSmallSortRuns, withSortThread, type Db} from './open.ts';
import {repeatedLogons} from './repeats.ts';
import {notSuppressed} from '../detect/allowlist-sql.ts';
import type {FormatName, Logon} from '../ingest/types.ts';
import {DAY_MS, HOUR_MS} from '../util/time.ts';

/** A row of the datasets table. Times are epoch ms UTC. */
export interface DatasetRow {
	id: number;
	path: string;
	format: FormatName;
	sha256: string;
	records: number;
	rejected: number;
	skipped: number;
	first_ts: number | null;
	last_ts: number | null;
	time_field: string | null;
	loaded_at: number;
	/** The ids holding the dataset's logons, inclusive (rows of other datasets may sit between). */
	first_id: number;
	/** Null until finishDataset. */
	last_id: number | null;
	/** The file's size; null for a file loaded before it was recorded (migration 0011), or rows written otherwise. */
	bytes: number | null;
	/** Its logons an earlier dataset held too when it loaded (source/db/repeats.ts); null: not counted (before migration 0016, or rows written otherwise). */
	repeats: number | null;
}

export function findDatasetBySha(db: Db, sha256: string): DatasetRow | undefined {
	return db.prepare('SELECT * FROM datasets WHERE sha256 = ?').get(sha256) as DatasetRow | undefined;
}

export function listDatasets(db: Db): DatasetRow[] {
	return db.prepare('SELECT * FROM datasets ORDER BY id').all() as DatasetRow[];
}

/** How many loaded logons repeat a logon of an earlier file (the sum of datasets.repeats). */
export function repeatedTotal(db: Db): number {
	return (db.prepare('SELECT coalesce(sum(repeats), 0) AS n FROM datasets').get() as {n: number}).n;
}

/** Records how many of a loaded file's logons an earlier dataset held too. */
export function setDatasetRepeats(db: Db, id: number, repeats: number): void {
	db.prepare('UPDATE datasets SET repeats = ? WHERE id = ?').run(repeats, id);
}

/**
 * Inserts the dataset row for a file about to be loaded (inside the load's transaction). Its
 * logons get ids above every id in the table now: first_id.
 */
export function insertDataset(db: Db, row: {path: string; format: FormatName; sha256: string; bytes?: number}): number {
	const info = db.prepare(`INSERT INTO datasets (path, format, sha256, bytes, loaded_at, first_id)
		VALUES (@path, @format, @sha256, @bytes, @loaded_at, (SELECT coalesce(max(id), 0) + 1 FROM logons))`).run({bytes: null, ...row, loaded_at: Date.now()});
	return Number(info.lastInsertRowid);
}

/** Records the sha256 of a dataset's file once it is known (a load hashes the file alongside its parse). */
export function setDatasetSha(db: Db, id: number, sha256: string): void {
	db.prepare('UPDATE datasets SET sha256 = ? WHERE id = ?').run(sha256, id);
}

/**
 * True when a file of `bytes` bytes may hold a loaded file's bytes: a dataset has that size, or
 * one's size was never recorded.
 */
export function maybeLoaded(db: Db, bytes: number): boolean {
	return db.prepare('SELECT 1 FROM datasets WHERE bytes = ? OR bytes IS NULL LIMIT 1').get(bytes) !== undefined;
}

/**
 * Folding a dataset's logons inserted since it was last finished (all of them, the first time)
 * into the totals of migration 0006, reading only the dataset's id range: its (src_ip, user,
 * target) totals go to a scratch table, marked `new` where pair_totals has no such row yet; then
 * they are added to pair_totals (NULL as a value of its own, as its key has it) and, per name, to
 * entity_totals (a name's pairs grow by its new triples).
 */
const FOLD = {
	// The triples to fold, from one of two places: a GROUP BY over a dataset's new rows, or the
	// bulk writer's running totals (see RunningTotals).
	// Untyped columns: no affinity, so a name such as '10' or '0' stays text.
	stage: 'CREATE TEMP TABLE dataset_fold_rows (src_ip, user, target, logons, failed, first_ts, last_ts)',
	fromLogons: `INSERT INTO temp.dataset_fold_rows
		SELECT src_ip, user, target, count(*), sum(outcome = 'failure'), min(ts), max(ts)
		FROM logons WHERE id > @after AND id <= @last AND dataset_id = @id
		GROUP BY src_ip, user, target`,
	// In the order of pair_totals' key, which the lookups here and the upserts below then walk in
	// one pass instead of jumping about it: a fold of 230k triples into the totals of 10M logons
	// took 2.3 s of upserts sorted, 6.1-6.4 s in the order the running totals hand them over; the
	// lookups of 113k triples 0.48 s sorted first, 0.84 s sorted after. (Sorted in the subquery,
	// so the lookups see that order; SQLite reads it in order, and another order would only be slower.)
	// A triple staged more than once (in spills of a bulk load's running totals) is added up first.
	collect: `CREATE TEMP TABLE dataset_fold AS
		SELECT f.*, NOT EXISTS (SELECT 1 FROM pair_totals p WHERE ifnull(p.src_ip, 0) = ifnull(f.src_ip, 0)
			AND ifnull(p.user, 0) = ifnull(f.user, 0) AND ifnull(p.target, 0) = ifnull(f.target, 0)) AS new
		FROM (SELECT src_ip, user, target, sum(logons) AS logons, sum(failed) AS failed, min(first_ts) AS first_ts, max(last_ts) AS last_ts
			FROM temp.dataset_fold_rows
			GROUP BY ifnull(src_ip, 0), ifnull(user, 0), ifnull(target, 0)
			ORDER BY ifnull(src_ip, 0), ifnull(user, 0), ifnull(target, 0)) f`,
	apply: [`INSERT INTO pair_totals (src_ip, user, target, logons, failed, first_ts, last_ts)
		SELECT src_ip, user, target, logons, failed, first_ts, last_ts FROM temp.dataset_fold WHERE true ORDER BY rowid
		ON CONFLICT (ifnull(src_ip, 0), ifnull(user, 0), ifnull(target, 0)) DO UPDATE SET
			logons = logons + excluded.logons, failed = failed + excluded.failed,
			first_ts = min(first_ts, excluded.first_ts), last_ts = max(last_ts, excluded.last_ts)`,
	...(['src_ip', 'user', 'target'] as const).map(column => `INSERT INTO entity_totals (kind, value, logons, failed, first_ts, last_ts, pairs)
		SELECT '${column === 'src_ip' ? 'src' : column}', ${column}, sum(logons), sum(failed), min(first_ts), max(last_ts), sum(new)
		FROM temp.dataset_fold WHERE ${column} IS NOT NULL GROUP BY ${column}
		ON CONFLICT (kind, value) DO UPDATE SET
			logons = logons + excluded.logons, failed = failed + excluded.failed, pairs = pairs + excluded.pairs,
			first_ts = min(first_ts, excluded.first_ts), last_ts = max(last_ts, excluded.last_ts)`)],
};

/**
 * How a row of hunt_days, or of hunt_pairs, takes in another with its key: counts added up, the
 * time span widened, the UTC hour masks ORed.
 */
const ADD_TOTALS = `ON CONFLICT DO UPDATE SET logons = logons + excluded.logons, failed = failed + excluded.failed,
	first_ts = min(first_ts, excluded.first_ts), last_ts = max(last_ts, excluded.last_ts), hours = hours | excluded.hours`;

/** A row of hunt_day_pairs' targets: the names of its rows of hunt_days, sorted (migration 0017). */
const DAY_TARGETS = `SELECT json_group_array(t.target ORDER BY t.target) FILTER (WHERE typeof(t.target) = 'text')
	FROM hunt_days t
	WHERE t.day = hunt_day_pairs.day AND t.src_ip = hunt_day_pairs.src_ip AND t.user = hunt_day_pairs.user
		AND t.wsec = hunt_day_pairs.wsec`;

/**
 * The day totals of migration 0009 (hunt_days): logons of types 3 and 10 with a source and a user,
 * per (src_ip, user, target), UTC day and log source kind. Added to, like the other totals, from a
 * GROUP BY over a dataset's new rows or from the bulk writer's running totals, staged beside the
 * triples and folded with them.
 */
const DAYS = {
	// Integer division truncates toward zero in SQLite: one less before 1970 off a whole day or hour.
	fromLogons: `INSERT INTO hunt_days (src_ip, user, day, target, wsec, logons, failed, first_ts, last_ts, hours)
		SELECT src_ip, user, day, ifnull(target, X''), wsec, sum(n), sum(f), min(a), max(b), sum(1 << (h - day * 24))
		FROM (
			SELECT src_ip, user, target, ts / 86400000 - (ts % 86400000 < 0) AS day, ts / 3600000 - (ts % 3600000 < 0) AS h,
				(log_source_type IS NULL OR instr(lower(log_source_type), 'windows security') > 0) AS wsec,
				count(*) AS n, sum(outcome = 'failure') AS f, min(ts) AS a, max(ts) AS b
			FROM logons WHERE id > @after AND id <= @last AND dataset_id = @id
				AND logon_type IN (3, 10) AND src_ip IS NOT NULL AND user IS NOT NULL
			GROUP BY src_ip, user, day, target, wsec, h)
		GROUP BY src_ip, user, day, target, wsec
		${ADD_TOTALS}`,
	// Untyped columns: no affinity, so a name such as '10' stays text.
	stage: 'DROP TABLE IF EXISTS temp.days_fold_rows; CREATE TEMP TABLE days_fold_rows (src_ip, user, target, wsec, day, logons, failed, first_ts, last_ts, hours)',
	// In key order (one sorted pass over the table's pages); a key staged twice (a day spilled in
	// two pieces) is added twice.
	apply: `INSERT INTO hunt_days (src_ip, user, day, target, wsec, logons, failed, first_ts, last_ts, hours)
		SELECT src_ip, user, day, ifnull(target, X'') AS t, wsec, logons, failed, first_ts, last_ts, hours
		FROM temp.days_fold_rows WHERE true ORDER BY day, src_ip, user, t, wsec
		${ADD_TOTALS}`,
	// hunt_targets from hunt_days, added in hunt_targets' key order (hunt_days' rows sorted by
	// pair), as at the end of migration 0010.
	targets: `INSERT INTO hunt_targets (src_ip, user, target, wsec, logons, failed, first_ts, last_ts, hours)
		SELECT src_ip, user, target, wsec, logons, failed, first_ts, last_ts, hours
		FROM hunt_days WHERE true ORDER BY src_ip, user, target, wsec
		${ADD_TOTALS}`,
};

/**
 * Adds the day rows staged in temp.days_fold_rows to hunt_days (its triggers adding each to
 * hunt_targets), noting their pairs for hunt_pairs. Into an empty hunt_days (a first load), the
 * triggers are dropped for the addition and made again after it, inside the load's transaction,
 * and hunt_targets is filled from hunt_days in one pass: on the 3.1M day rows of 10.4M logons,
 * 6.3 s against 10.5 s through the triggers (sqlite3, rows of an earlier load).
 */
function addDays(db: Db): void {
	db.exec(`${PAIRS.touched}; ${PAIRS.touchStaged}`);
	const empty = (db.prepare('SELECT NOT EXISTS (SELECT 1 FROM hunt_days) AS empty').get() as {empty: number}).empty === 1;
	if (!empty) db.exec(`${DAY_PAIRS.touched}; ${DAY_PAIRS.touchStaged}`);
	const triggers = empty ? db.prepare(`SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'hunt_days'`).all() as Array<{name: string; sql: string}> : [];
	for (const trigger of triggers) db.exec(`DROP TRIGGER "${trigger.name.replace(/"/g, '""')}"`);
	withSmallSortRuns(db, () => {
		db.prepare(DAYS.apply).run();
		if (empty) db.prepare(DAYS.targets).run();
	});
	for (const trigger of triggers) db.exec(trigger.sql);
	// Every row of hunt_days is new: hunt_day_pairs is filled in one pass over it.
	if (empty) for (const sql of DAY_PAIRS.fill) db.prepare(sql).run();
}

/**
 * The pair totals of migration 0013 (hunt_pairs): a load notes the (src_ip, user) pairs whose rows
 * of hunt_days it adds to, and rebuilds their rows from hunt_targets before it commits.
 */
export const PAIRS = {
	// Untyped columns: no affinity, so a name such as '10' stays text.
	touched: 'CREATE TEMP TABLE IF NOT EXISTS touched_pairs (src_ip, user, PRIMARY KEY (src_ip, user)) WITHOUT ROWID',
	// The pairs of the day rows a bulk load has staged (before DAYS.apply adds them).
	touchStaged: 'INSERT OR IGNORE INTO temp.touched_pairs SELECT src_ip, user FROM temp.days_fold_rows',
	// The pairs of a dataset's new rows that DAYS.fromLogons counts.
	// The pairs of the (day, pair) keys DAY_PAIRS.touchLogons noted from a dataset's new rows (not
	// read from the logons a second time).
	touchDays: 'INSERT OR IGNORE INTO temp.touched_pairs SELECT src_ip, user FROM temp.touched_day_pairs',
	// As at the end of db/migrations/0013-hunt-pairs.sql, for the pairs touched: the counts, the
	// hours ORed a target at a time by the upsert, then the names. Each statement seeks the pairs
	// touched (CROSS JOIN: the touched pairs first), so a small load into a large store reads a
	// few rows (test/db/indexes.test.ts).
	rebuild: [`DELETE FROM hunt_pairs WHERE (src_ip, user) IN (SELECT src_ip, user FROM temp.touched_pairs)`,
		`INSERT INTO hunt_pairs (src_ip, user, wsec, logons, failed, first_ts, last_ts, hours, targets)
		SELECT t.src_ip, t.user, t.wsec, t.logons, t.failed, t.first_ts, t.last_ts, t.hours, '[]'
		FROM temp.touched_pairs p CROSS JOIN hunt_targets t ON t.src_ip = p.src_ip AND t.user = p.user
		WHERE true
		${ADD_TOTALS}`,
		`UPDATE hunt_pairs SET targets = (
			SELECT json_group_array(t.target ORDER BY t.target) FILTER (WHERE typeof(t.target) = 'text')
			FROM hunt_targets t
			WHERE t.src_ip = hunt_pairs.src_ip AND t.user = hunt_pairs.user AND t.wsec = hunt_pairs.wsec)
		WHERE (src_ip, user) IN (SELECT src_ip, user FROM temp.touched_pairs)`,
		'DROP TABLE temp.touched_pairs'],
};

/**
 * The day pair totals of migration 0017 (hunt_day_pairs): a load notes the (day, src_ip, user)
 * whose rows of hunt_days it adds to, and rebuilds their rows from hunt_days before it commits.
 * A first load into an empty hunt_days fills the table in one pass instead (addDays).
 */
export const DAY_PAIRS = {
	// Untyped columns: no affinity, so a name such as '10' stays text.
	touched: 'CREATE TEMP TABLE IF NOT EXISTS touched_day_pairs (day, src_ip, user, PRIMARY KEY (day, src_ip, user)) WITHOUT ROWID',
	touchStaged: 'INSERT OR IGNORE INTO temp.touched_day_pairs SELECT day, src_ip, user FROM temp.days_fold_rows',
	touchLogons: `INSERT OR IGNORE INTO temp.touched_day_pairs
		SELECT ts / 86400000 - (ts % 86400000 < 0), src_ip, user FROM logons WHERE id > @after AND id <= @last AND dataset_id = @id
			AND logon_type IN (3, 10) AND src_ip IS NOT NULL AND user IS NOT NULL`,
	// As db/migrations/0017-hunt-day-pairs.sql: the counts, the hours ORed a target at a time by
	// the upsert, then the names.
	fill: [`INSERT INTO hunt_day_pairs (day, src_ip, user, wsec, logons, failed, first_ts, last_ts, hours, targets)
		SELECT day, src_ip, user, wsec, logons, failed, first_ts, last_ts, hours, '[]'
		FROM hunt_days WHERE true
		${ADD_TOTALS}`,
	`UPDATE hunt_day_pairs SET targets = (${DAY_TARGETS})`],
	// The same for the keys touched. Each statement seeks them (CROSS JOIN: the touched keys first),
	// so a small load into a large store reads a few rows (test/db/indexes.test.ts).
	rebuild: [`DELETE FROM hunt_day_pairs WHERE (day, src_ip, user) IN (SELECT day, src_ip, user FROM temp.touched_day_pairs)`,
		`INSERT INTO hunt_day_pairs (day, src_ip, user, wsec, logons, failed, first_ts, last_ts, hours, targets)
		SELECT t.day, t.src_ip, t.user, t.wsec, t.logons, t.failed, t.first_ts, t.last_ts, t.hours, '[]'
		FROM temp.touched_day_pairs p CROSS JOIN hunt_days t ON t.day = p.day AND t.src_ip = p.src_ip AND t.user = p.user
		WHERE true
		${ADD_TOTALS}`,
		`UPDATE hunt_day_pairs SET targets = (${DAY_TARGETS})
		WHERE (day, src_ip, user) IN (SELECT day, src_ip, user FROM temp.touched_day_pairs)`,
		'DROP TABLE temp.touched_day_pairs'],
};

/** Rebuilds the rows of hunt_pairs and hunt_day_pairs of the keys touched since the last rebuild, if any. */
function rebuildPairs(db: Db): void {
	const touched = (table: string) => db.prepare('SELECT 1 FROM temp.sqlite_schema WHERE name = ?').get(table) !== undefined;
	if (touched('touched_pairs')) for (const sql of PAIRS.rebuild) db.prepare(sql).run();
	if (touched('touched_day_pairs')) for (const sql of DAY_PAIRS.rebuild) db.prepare(sql).run();
}

/** Folds the triples `fill` stages into pair_totals and entity_totals. */
function fold(db: Db, fill: () => void): void {
	startFold(db);
	fill();
	endFold(db);
}

function startFold(db: Db): void {
	db.exec('DROP TABLE IF EXISTS temp.dataset_fold; DROP TABLE IF EXISTS temp.dataset_fold_rows');
	db.exec(FOLD.stage);
}

/** Folds the triples staged since startFold (each once) into the totals, and drops the scratch tables. */
function endFold(db: Db): void {
	db.prepare(FOLD.collect).run();
	for (const sql of FOLD.apply) db.prepare(sql).run();
	db.exec('DROP TABLE temp.dataset_fold; DROP TABLE temp.dataset_fold_rows');
}

/**
 * The hour totals of migration 0008: logons and failures per name (source, user, target as
 * spelled; NULL names have none) and UTC hour, hour = floor(ts / 3600000), of the names with at
 * least hour_totals_min logons (migration 0014). A dataset's hours are staged, from a GROUP BY over
 * its new rows or from the bulk writer's running totals, then added, after its triples are folded
 * into entity_totals (which then counts the name's logons with the dataset's).
 */
const HOUR_KINDS_COLUMNS = [['src', 'src_ip'], ['user', 'user'], ['target', 'target']] as const;

/**
 * Stages, per kind of name, the hours of the logons `where` selects. SQLite's integer division
 * truncates toward zero: one less before 1970 off a whole hour (floor).
 */
const stageHoursOf = (where: (kind: string, column: string) => string) => HOUR_KINDS_COLUMNS.map(([kind, column]) => `INSERT INTO temp.hour_fold_rows (kind, value, hour, logons, failed)
	SELECT '${kind}', ${column}, ts / 3600000 - (ts % 3600000 < 0) AS h, count(*), sum(outcome = 'failure')
	FROM logons WHERE ${where(kind, column)} GROUP BY ${column}, h`);

const HOURS = {
	// Untyped columns: no affinity, so a name such as '10' stays text.
	stage: 'DROP TABLE IF EXISTS temp.hour_fold_rows; CREATE TEMP TABLE hour_fold_rows (kind, value, hour, logons, failed)',
	// A dataset's new rows.
	fromLogons: stageHoursOf((_, column) => `id > @after AND id <= @last AND dataset_id = @id AND ${column} IS NOT NULL`),
	// Names with enough logons now and no hours yet (every name kept has some): they reach the
	// least with this dataset, and their hours of the logons before it (ids up to @after) are staged too.
	reached: `CREATE TEMP TABLE hour_fold_names AS
		SELECT kind, value FROM entity_totals e
		WHERE logons >= (SELECT logons FROM hour_totals_min)
			AND NOT EXISTS (SELECT 1 FROM hour_totals h WHERE h.kind = e.kind AND h.value = e.value)`,
	// Through the index of the column: users and targets are indexed case-insensitively, so their
	// names are looked up so (COLLATE NOCASE) and then matched exactly; a plain IN there read all
	// the logons before the dataset (10.4M: 1.1 s per kind, for every file loaded).
	before: stageHoursOf((kind, column) => {
		const names = `(SELECT value FROM temp.hour_fold_names WHERE kind = '${kind}')`;
		return `id <= @after AND ${column === 'src_ip' ? '' : `${column} COLLATE NOCASE IN ${names} AND `}${column} IN ${names}`;
	}),
	// The rows of the names kept, in key order (one sorted pass over the table's pages instead of a
	// random insert per row); a key staged more than once (logons out of time order) is summed.
	add: `INSERT INTO hour_totals (kind, value, hour, logons, failed)
		SELECT kind, value, hour, sum(logons), sum(failed) FROM temp.hour_fold_rows
		WHERE (kind, value) IN (SELECT kind, value FROM entity_totals WHERE logons >= (SELECT logons FROM hour_totals_min))
		GROUP BY kind, value, hour
		ON CONFLICT (kind, value, hour) DO UPDATE SET logons = logons + excluded.logons, failed = failed + excluded.failed`,
};

/**
 * Adds the hours staged in temp.hour_fold_rows (see HOURS) of a dataset whose logons are counted in
 * entity_totals, and the rows up to id `after` of which were counted before.
 */
function addHours(db: Db, after: number): void {
	withSmallSortRuns(db, () => {
		db.exec(HOURS.reached);
		for (const sql of HOURS.before) db.prepare(sql).run({after});
		db.exec('DROP TABLE temp.hour_fold_names');
		db.prepare(HOURS.add).run();
	});
}

/**
 * Folds dataset `id`'s logons with ids in (after, last] into every total (pair_totals,
 * entity_totals, hour_totals, hunt_days and through its triggers hunt_targets), noting the pairs
 * and day pairs touched for rebuildPairs; each is a GROUP BY over those rows.
 */
function foldLogons(db: Db, id: number, range: {after: number; last: number}): void {
	fold(db, () => db.prepare(FOLD.fromLogons).run({...range, id}));
	db.exec(HOURS.stage);
	for (const sql of HOURS.fromLogons) db.prepare(sql).run({...range, id});
	addHours(db, range.after);
	db.exec('DROP TABLE temp.hour_fold_rows');
	db.exec(`${PAIRS.touched}; ${DAY_PAIRS.touched}`);
	db.prepare(DAY_PAIRS.touchLogons).run({...range, id});
	db.exec(PAIRS.touchDays);
	db.prepare(DAYS.fromLogons).run({...range, id});
}

/** The tables made from the logons (and the hunts cached over them), emptied and made again by removeDatasets. */
const TOTALS_TABLES = ['pair_totals', 'entity_totals', 'hour_totals', 'hunt_days', 'hunt_targets', 'hunt_pairs', 'hunt_day_pairs', 'hunt_cache'] as const;

/**
 * Takes loaded files back out, inside the caller's transaction: their logons, rejects and dataset
 * rows are deleted, and every total is made again from the logons left, dataset by dataset in the
 * order they were loaded, as their loads made them (a GROUP BY each: minutes for 10M logons, as
 * counts can be taken back but a first or last time or an hour mask cannot). The later datasets'
 * repeats are counted again, against the datasets loaded before each. Returns the logons deleted.
 */
export function removeDatasets(db: Db, ids: number[]): number {
	let deleted = 0;
	for (const id of ids) {
		const d = db.prepare('SELECT first_id, last_id FROM datasets WHERE id = ?').get(id) as {first_id: number | null; last_id: number | null} | undefined;
		if (!d) continue;
		deleted += db.prepare('DELETE FROM logons WHERE id BETWEEN ? AND ? AND dataset_id = ?').run(d.first_id ?? 1, d.last_id ?? Number.MAX_SAFE_INTEGER, id).changes;
		db.prepare('DELETE FROM rejects WHERE dataset_id = ?').run(id);
		db.prepare('DELETE FROM datasets WHERE id = ?').run(id);
	}

	for (const table of TOTALS_TABLES) db.exec(`DELETE FROM ${table}`);
	const left = db.prepare('SELECT id, first_id, last_id, repeats FROM datasets ORDER BY id').all() as Array<{id: number; first_id: number | null; last_id: number | null; repeats: number | null}>;
	for (const d of left) if (d.first_id !== null && d.last_id !== null && d.last_id >= d.first_id) foldLogons(db, d.id, {after: d.first_id - 1, last: d.last_id});
	rebuildPairs(db);
	const first = Math.min(...ids);
	for (const d of left) if (d.id > first && d.repeats !== null && d.repeats > 0) setDatasetRepeats(db, d.id, repeatedLogons(db, d.id, true)?.logons ?? 0);
	return deleted;
}

/**
 * Records a dataset's totals once its rows are inserted, inside the same transaction: the counts,
 * the end of its id range, and its logons folded into pair_totals, entity_totals, hour_totals
 * and hunt_days, and the rows of hunt_pairs of the pairs it touched rebuilt (so a rolled-back load
 * leaves neither rows nor totals). Every writer of logons ends a dataset here. Rows up to the
 * dataset's last_id are folded already (the bulk writer folds as it writes).
 */
export function finishDataset(db: Db, id: number, totals: {records: number; rejected: number; skipped: number; first_ts: number | null; last_ts: number | null; time_field: string | null}): void {
	const range = db.prepare(`SELECT coalesce(d.last_id, d.first_id - 1) AS after, (SELECT coalesce(max(id), 0) FROM logons) AS last
		FROM datasets d WHERE d.id = ?`).get(id) as {after: number; last: number} | undefined;
	if (range && range.last > range.after) foldLogons(db, id, range);
	rebuildPairs(db);

	db.prepare(`UPDATE datasets SET records = @records, rejected = @rejected, skipped = @skipped,
		first_ts = @first_ts, last_ts = @last_ts, time_field = @time_field,
		last_id = @last WHERE id = @id`).run({...totals, id, last: range?.last ?? null});
}

/** A prepared inserter for logons of one dataset. */
export function logonInserter(db: Db, datasetId: number): (logon: Logon) => void {
	const stmt = db.prepare(`INSERT INTO logons (ts, outcome, event_id, logon_type, src_ip, src_port, src_host,
		user, domain, target, dst_host, dst_ip, service, auth_package, log_source_type, dataset_id, raw_ref)
		VALUES (@ts, @outcome, @event_id, @logon_type, @src_ip, @src_port, @src_host, @user, @domain, @target,
		@dst_host, @dst_ip, @service, @auth_package, @log_source_type, @dataset_id, @raw_ref)`);
	return logon => {
		stmt.run({...logon, dataset_id: datasetId});
	};
}

/** The logons table's columns but its id, in table order (what the bulk writer inserts, and `lateral events` prints). */
export const LOGON_COLUMNS = ['ts', 'outcome', 'event_id', 'logon_type', 'src_ip', 'src_port', 'src_host', 'user', 'domain',
	'target', 'dst_host', 'dst_ip', 'service', 'auth_package', 'log_source_type', 'dataset_id', 'raw_ref'] as const;
/** Rows per multi-row INSERT of the bulk writer (17 columns each, well under SQLite's 32,766 parameters). */
const BULK_ROWS = 128;

/** A buffered writer of many logons: rows go to SQLite in multi-row INSERTs with positional parameters. */
export interface LogonWriter {
	add(logon: Logon): void;
	/**
	 * Adds the row at `offset` of `values`: the logons columns without dataset_id, in the order
	 * of ROW_COLUMNS (source/ingest/parse.ts) - ts .. log_source_type, then raw_ref.
	 */
	addRow(values: unknown[], offset: number): void;
	/** Adds totals kept elsewhere for rows this writer writes (bulkLogonWriter's `hoursElsewhere`). */
	addTotals(spill: TotalsSpill): void;
	/** Hands the running totals held to the tables' staging now, to free the memory they take. */
	spillTotals(): void;
	/** Writes the rows still buffered, and the totals still held; call before committing. */
	flush(): void;
}

/**
 * Distinct triples a bulk load holds in memory before it spills them to be staged; also the names
 * it holds a running hour of. The more it holds, the fewer rows it stages (a triple or a day is
 * staged again at each spill it is held across): on 10.4M logons 250k staged 2.7M triples where
 * 100k staged 5.4M, and the load took 141-144 s instead of 162-177 s. The parser thread, which
 * keeps the names of a large load, also spills them when its heap passes PARSER_SPILL_MB
 * (source/ingest/load.ts), for logs of all-new names.
 */
export const FOLD_KEYS = 250_000;

/** Values per triple of a TotalsSpill's pairs: src_ip, user, target, logons, failed, first_ts, last_ts. */
const PAIR_WIDTH = 7;
/** Values per row of a TotalsSpill's hours: kind, name, hour, logons, failed. */
const HOUR_WIDTH = 5;
/** Values per row of a TotalsSpill's days: src_ip, user, target, wsec, day, logons, failed, first_ts, last_ts, hours. */
const DAY_WIDTH = 10;

/**
 * Running totals a bulk load hands to be added to the tables, as flat arrays of plain values (so
 * they cross from the parser thread by structured clone cheaply).
 */
export interface TotalsSpill {
	/**
	 * PAIR_WIDTH values per (src_ip, user, target); a spill of the triples held may come in several
	 * pieces, each triple once among them.
	 */
	pairs: unknown[];
	/** HOUR_WIDTH values per (kind, name, UTC hour); a key may come more than once, and is summed. */
	hours: unknown[];
	/** DAY_WIDTH values per row of hunt_days to add (a key may come more than once, and is added up); added at the end of the load, with the triples. */
	days?: unknown[];
}

/**
 * Most rows (triples or hours) in one TotalsSpill: the messages from the parser thread stay small,
 * and so do their arrays (DAY_WIDTH values a row: 80 KiB), which V8 would otherwise put in its
 * large-object space, mapped from the OS and faulted in afresh each time (1.13M-logon loads,
 * alternating: 16.2 / 18.2 / 17.2 s with pieces of 16,384 rows, 16.1 / 15.0 / 15.5 s with 1024).
 */
const SPILL_ROWS = 1024;

const HOUR_KINDS = ['src', 'user', 'target'] as const;

/**
 * A triple's running totals: logons, failures, first and last time, and the hunt_days row it is
 * counting: [day, wsec, logons, failed, first_ts, last_ts, hours].
 */
type TripleTotals = [number, number, number, number, number[] | undefined];

const wsecOf = new Map<string, number>();

/**
 * hunt_days.wsec of a log source type: 1 when it is missing or contains 'windows security' with
 * ASCII letters case-folded (as the SQL's lower() folds them, and no other letters).
 */
export function windowsSecurity(logSourceType: unknown): number {
	if (logSourceType === null || logSourceType === undefined) return 1;
	const text = String(logSourceType);
	let flag = wsecOf.get(text);
	if (flag === undefined) {
		flag = text.replace(/[A-Z]+/g, c => c.toLowerCase()).includes('windows security') ? 1 : 0;
		if (wsecOf.size < 1024) wsecOf.set(text, flag);
	}

	return flag;
}

/**
 * A bulk load's running totals, kept in plain memory (no database: the parser thread of a large
 * load keeps them beside its parsing, the loading thread otherwise) and handed to `spill` for
 * the writer to add to the tables (TotalsTables), in pieces of at most SPILL_ROWS rows and a
 * quarter of `limit`, so the parser thread's messages stay small; `end` hands over the rest.
 * Memory is bounded by `limit`.
 *
 * Per (src_ip, user, target): counts, failures, first and last time, in nested maps, so NULL
 * and 'null' and names holding any character stay apart; one pass over the rows as they come
 * instead of a GROUP BY (a sort of every row) after the load. Spilled every `limit` triples.
 * Beside each triple, the row of hunt_days (UTC day and wsec, for logons of types 3 and 10 with a
 * source and a user) of its latest such logon, counted in place; a logon of another day stages
 * the finished row and starts the next, as the hours below do.
 *
 * Per name and UTC hour: a log comes in time order (or nearly), so each name holds only the
 * hour of its latest logon, counted in place; a logon in another hour stages the finished hour
 * as a row and starts the new one. Logons out of order only stage more rows for the same hour,
 * which are summed: the totals stay exact, the cost grows. Staged rows are handed over a piece
 * at a time (the writer adds them to the table at the end of the load), and at most `limit` names are
 * held. (A map of every hour of every name, as kept per triple, costs several times the CPU on a
 * time-ordered file, for a map entry allocated per hour.)
 */
export class RunningTotals {
	private readonly bySrc = new Map<unknown, Map<unknown, Map<unknown, TripleTotals>>>();
	private triples = 0;
	/** Finished rows of hunt_days, DAY_WIDTH values each. */
	private stagedDays: unknown[] = [];
	/** Per kind, in the order of HOUR_KINDS: name -> its slot in the arrays below. */
	private readonly slots: [Map<unknown, number>, Map<unknown, number>, Map<unknown, number>] = [new Map(), new Map(), new Map()];
	private readonly hour: number[] = [];
	private readonly logons: number[] = [];
	private readonly failed: number[] = [];
	/** Finished hours, HOUR_WIDTH values each. */
	private staged: unknown[] = [];
	/** Rows per piece of a spill. */
	private readonly piece: number;

	/** `keep`: all the totals, or only those per triple (with their days), or only those per name and hour. */
	constructor(private readonly limit: number, private readonly spill: (totals: TotalsSpill) => void, private readonly keep: 'all' | 'triples' | 'hours' = 'all') {
		this.piece = Math.max(1, Math.min(SPILL_ROWS, Math.floor(limit / 4)));
	}

	add(src: unknown, user: unknown, target: unknown, outcome: unknown, ts: number, logonType?: unknown, logSourceType?: unknown): void {
		const failed = outcome === 'failure' ? 1 : 0;
		if (this.keep !== 'hours') this.addTriple(src, user, target, failed, ts, logonType, logSourceType);
		if (this.keep === 'triples') return;
		const hour = Math.floor(ts / HOUR_MS);
		if (src !== null && src !== undefined) this.count(0, src, hour, failed);
		if (user !== null && user !== undefined) this.count(1, user, hour, failed);
		if (target !== null && target !== undefined) this.count(2, target, hour, failed);
	}

	private addTriple(src: unknown, user: unknown, target: unknown, failed: number, ts: number, logonType: unknown, logSourceType: unknown): void {
		let byUser = this.bySrc.get(src);
		if (!byUser) this.bySrc.set(src, byUser = new Map());
		let byTarget = byUser.get(user);
		if (!byTarget) byUser.set(user, byTarget = new Map());
		let t = byTarget.get(target);
		if (t) {
			t[0]++;
			t[1] += failed;
			if (ts < t[2]) t[2] = ts;
			if (ts > t[3]) t[3] = ts;
		} else {
			byTarget.set(target, t = [1, failed, ts, ts, undefined]);
			this.triples++;
		}

		if ((logonType === 3 || logonType === 10) && src !== null && src !== undefined && user !== null && user !== undefined) {
			this.countDay(src, user, target, t, failed, ts, windowsSecurity(logSourceType));
		}

		if (this.triples >= this.limit) this.spillPairs();
	}

	/**
	 * add() for the row at `offset` of a parsed batch, laid out as ROW_COLUMNS
	 * (source/ingest/parse.ts): ts 0, outcome 1, logon_type 3, src_ip 4, user 7, target 9,
	 * log_source_type 14.
	 */
	addRow(row: unknown[], offset: number): void {
		this.add(row[offset + 4], row[offset + 7], row[offset + 9], row[offset + 1], row[offset] as number, row[offset + 3], row[offset + 14]);
	}

	/** Spills everything held and starts over. */
	end(): void {
		this.spillPairs();
		this.releaseNames();
		this.spillHours();
	}

	/** Counts a logon of the triple `t` into its row of hunt_days for the logon's UTC day. */
	private countDay(src: unknown, user: unknown, target: unknown, t: TripleTotals, failed: number, ts: number, wsec: number): void {
		const day = Math.floor(ts / DAY_MS);
		const bit = 1 << (Math.floor(ts / HOUR_MS) - day * 24);
		const d = t[4];
		if (d && d[0] === day && d[1] === wsec) {
			d[2]!++;
			d[3]! += failed;
			if (ts < d[4]!) d[4] = ts;
			if (ts > d[5]!) d[5] = ts;
			d[6]! |= bit;
			return;
		}

		if (d) this.stageDay(src, user, target, d);
		t[4] = [day, wsec, 1, failed, ts, ts, bit];
	}

	private stageDay(src: unknown, user: unknown, target: unknown, d: number[]): void {
		this.stagedDays.push(src, user, target, d[1], d[0], d[2], d[3], d[4], d[5], d[6]);
		if (this.stagedDays.length >= this.piece * DAY_WIDTH) {
			this.spill({pairs: [], hours: [], days: this.stagedDays});
			this.stagedDays = [];
		}
	}

	private spillPairs(): void {
		if (this.triples === 0) return;
		const full = this.piece * PAIR_WIDTH;
		let pairs: unknown[] = [];
		for (const [src, byUser] of this.bySrc) {
			for (const [user, byTarget] of byUser) {
				for (const [target, t] of byTarget) {
					pairs.push(src, user, target, t[0], t[1], t[2], t[3]);
					if (t[4]) this.stageDay(src, user, target, t[4]);
					if (pairs.length === full) {
						this.spill({pairs, hours: []});
						pairs = [];
					}
				}
			}
		}

		this.bySrc.clear();
		this.triples = 0;
		const days = this.stagedDays;
		this.stagedDays = [];
		this.spill({pairs, hours: [], days});
	}

	private count(kind: 0 | 1 | 2, name: unknown, hour: number, failed: number): void {
		const slots = this.slots[kind];
		const s = slots.get(name);
		if (s === undefined) {
			if (this.hour.length >= this.limit) this.releaseNames();
			slots.set(name, this.hour.length);
			this.hour.push(hour);
			this.logons.push(1);
			this.failed.push(failed);
		} else if (this.hour[s] === hour) {
			this.logons[s]! += 1;
			this.failed[s]! += failed;
		} else {
			this.stage(HOUR_KINDS[kind], name, this.hour[s]!, this.logons[s]!, this.failed[s]!);
			this.hour[s] = hour;
			this.logons[s] = 1;
			this.failed[s] = failed;
		}
	}

	private stage(kind: string, name: unknown, hour: number, logons: number, failed: number): void {
		this.staged.push(kind, name, hour, logons, failed);
		if (this.staged.length >= this.piece * HOUR_WIDTH) this.spillHours();
	}

	/** Stages the hour every name holds, and forgets the names. */
	private releaseNames(): void {
		this.slots.forEach((slots, kind) => {
			for (const [name, s] of slots) this.stage(HOUR_KINDS[kind]!, name, this.hour[s]!, this.logons[s]!, this.failed[s]!);
			slots.clear();
		});
		this.hour.length = 0;
		this.logons.length = 0;
		this.failed.length = 0;
	}

	private spillHours(): void {
		if (this.staged.length === 0) return;
		const hours = this.staged;
		this.staged = [];
		this.spill({pairs: [], hours});
	}
}

/** A multi-row INSERT into `into` (a table, with its column list or not) of `rows` rows of `width` positional parameters. */
function valuesInsert(into: string, width: number, rows: number): string {
	const row = `(${Array.from({length: width}, () => '?').join(', ')})`;
	return `INSERT INTO ${into} VALUES ${Array.from({length: rows}, () => row).join(', ')}`;
}

/**
 * Rows a bulk load stages for one of the totals keyed by name first (hour_totals: kind, name,
 * hour; hunt_days: source, user, day, ...), added in key order once, at the end of the load. The
 * rows of a stretch of time are spread over the whole table, one or a few per name, so each
 * addition walks most of its pages: the more rows it adds at once, the fewer pages per row (into
 * the hour totals of 10M logons, 271k rows took 12.8 us each, 2.9M rows 4.2 us each; all 7.6M rows
 * of a 10.4M-logon load at once, 1.6 us each, before hour_totals kept only the names with many).
 * The staging tables are temporary ones, which SQLite keeps in files the OS caches, not in the
 * process's memory.
 */
class StagedRows {
	private staged = 0;
	private created = false;

	/** `spec.apply` adds the rows staged in `spec.table`. */
	constructor(private readonly db: Db, private readonly spec: {table: string; stage: string; apply: () => void; width: number}) {}

	add(values: unknown[]): void {
		if (values.length === 0) return;
		if (!this.created) this.db.exec(this.spec.stage);
		this.created = true;
		insertRows(this.db, this.spec.table, values, this.spec.width);
		this.staged += values.length / this.spec.width;
	}

	/** Adds what is staged, and drops the staging table. */
	finish(): void {
		if (this.staged > 0) this.spec.apply();
		if (this.created) this.db.exec(`DROP TABLE ${this.spec.table}`);
		this.created = false;
		this.staged = 0;
	}
}

/** Rows per multi-row insert of spilled totals into a staging table. */
const STAGE_ROWS = 100;

/** Statements of insertRows by connection and SQL: spilled totals come in thousands of small pieces. */
const staging = new WeakMap<Db, Map<string, Statement>>();

function stagingInsert(db: Db, table: string, width: number, rows: number): Statement {
	let statements = staging.get(db);
	if (!statements) staging.set(db, statements = new Map());
	const sql = valuesInsert(table, width, rows);
	let statement = statements.get(sql);
	if (!statement) statements.set(sql, statement = db.prepare(sql));
	return statement;
}

/** Inserts `values`, `width` a row, into the staging table `table`. */
function insertRows(db: Db, table: string, values: unknown[], width: number): void {
	const rows = values.length / width;
	const whole = Math.floor(rows / STAGE_ROWS);
	if (whole > 0) {
		const many = stagingInsert(db, table, width, STAGE_ROWS);
		const chunk = STAGE_ROWS * width;
		for (let r = 0; r < whole; r++) many.run(values.slice(r * chunk, (r + 1) * chunk));
	}

	const rest = rows - whole * STAGE_ROWS;
	if (rest > 0) stagingInsert(db, table, width, rest).run(values.slice(whole * STAGE_ROWS * width));
}

/**
 * Adds a bulk load's spilled running totals to pair_totals, entity_totals, hour_totals and
 * hunt_days, on the loading thread inside the load's transaction. Every kind is staged as it comes
 * and added once, at the end (flush): a triple, day or hour spilled several times is then added up
 * first and looked up and written once, in key order. Adding them every million staged rows
 * instead, a 10.4M-logon load spent 20 s more CPU (one load each: 239.7 against 259.7 s).
 */
class TotalsTables {
	/** Whether triples are staged (startFold made the staging table). */
	private folding = false;
	private readonly hours: StagedRows;
	private readonly days: StagedRows;

	constructor(private readonly db: Db, datasetId: number) {
		// Added after the fold, so that entity_totals counts each name's logons of this dataset.
		this.hours = new StagedRows(db, {table: 'temp.hour_fold_rows', stage: HOURS.stage, width: HOUR_WIDTH, apply() {
			const {after} = db.prepare('SELECT coalesce(last_id, first_id - 1) AS after FROM datasets WHERE id = ?').get(datasetId) as {after: number};
			addHours(db, after);
		}});
		this.days = new StagedRows(db, {table: 'temp.days_fold_rows', stage: DAYS.stage, width: DAY_WIDTH, apply: () => addDays(db)});
	}

	add(spill: TotalsSpill): void {
		if (spill.pairs.length > 0) {
			if (!this.folding) startFold(this.db);
			this.folding = true;
			insertRows(this.db, 'temp.dataset_fold_rows', spill.pairs, PAIR_WIDTH);
		}

		this.days.add(spill.days ?? []);
		this.hours.add(spill.hours);
	}

	/** Adds what is staged, and drops the staging tables. */
	finish(): void {
		if (this.folding) endFold(this.db);
		this.folding = false;
		this.days.finish();
		this.hours.finish();
	}
}

/**
 * A buffered writer of one dataset's logons, folding their totals as it goes (see RunningTotals).
 * With `hoursElsewhere`, the names' hours are kept by whoever hands over the rows (the parser
 * thread of a large load) and come through addTotals; the writer keeps the triples'. Split so,
 * both threads of a load are busy: with the parser thread keeping all of them, the loading
 * thread sat idle about half of the parse (CPU profiles of a 10.4M-logon load). 10.4M logons, one
 * load each, back to back: 180.7 s (115 s of it parsing, 260 s of CPU) with the parser thread
 * keeping them all, 154.4 s split (93 s parsing, 232 s of CPU; the parser thread's heap, capped,
 * no longer collects the triples over and over).
 */
export function bulkLogonWriter(db: Db, datasetId: number, foldKeys = FOLD_KEYS, hoursElsewhere = false): LogonWriter {
	const tables = new TotalsTables(db, datasetId);
	const totals = new RunningTotals(foldKeys, spill => tables.add(spill), hoursElsewhere ? 'triples' : 'all');
	const insert = (rows: number) => db.prepare(valuesInsert(`logons (${LOGON_COLUMNS.join(', ')})`, LOGON_COLUMNS.length, rows));
	const many = insert(BULK_ROWS);
	const one = insert(1);
	const width = LOGON_COLUMNS.length;
	const values: unknown[] = new Array(BULK_ROWS * width);
	let n = 0;
	return {
		add(l) {
			let i = n * width;
			values[i++] = l.ts;
			values[i++] = l.outcome;
			values[i++] = l.event_id;
			values[i++] = l.logon_type;
			values[i++] = l.src_ip;
			values[i++] = l.src_port;
			values[i++] = l.src_host;
			values[i++] = l.user;
			values[i++] = l.domain;
			values[i++] = l.target;
			values[i++] = l.dst_host;
			values[i++] = l.dst_ip;
			values[i++] = l.service;
			values[i++] = l.auth_package;
			values[i++] = l.log_source_type;
			values[i++] = datasetId;
			values[i] = l.raw_ref;
			totals.add(l.src_ip, l.user, l.target, l.outcome, l.ts, l.logon_type, l.log_source_type);
			if (++n === BULK_ROWS) {
				many.run(values);
				n = 0;
			}
		},
		addRow(row, offset) {
			const i = n * width;
			for (let c = 0; c < 15; c++) values[i + c] = row[offset + c];
			values[i + 15] = datasetId;
			values[i + 16] = row[offset + 15];
			totals.addRow(row, offset);
			if (++n === BULK_ROWS) {
				many.run(values);
				n = 0;
			}
		},
		addTotals(spill) {
			tables.add(spill);
		},
		spillTotals() {
			totals.end();
		},
		flush() {
			for (let r = 0; r < n; r++) one.run(values.slice(r * width, (r + 1) * width));
			n = 0;
			totals.end();
			tables.finish();
			// Every row written so far is folded: finishDataset folds only rows after last_id.
			db.prepare('UPDATE datasets SET last_id = (SELECT coalesce(max(id), 0) FROM logons) WHERE id = ?').run(datasetId);
		},
	};
}

/**
 * The definitions of the indexes a bulk load into an empty (or much smaller) table drops and
 * builds once at the end: one sorted pass instead of millions of random B-tree inserts. Run
 * inside the load's transaction, so a rollback restores them. Those of the logons, and the
 * pivots' indexes of pair_totals (by source, user and target, each with last_ts): a fold that
 * moves a triple's last_ts moves its entry in all three, so with them a fold of 230k triples into
 * the totals of 10M logons took 2.3 s, without them 0.45 s, and building them at the end 4.3-4.7 s.
 * Unique indexes stay (pair_totals_key: every fold looks triples up in it).
 */
export function deferredIndexes(db: Db): Array<{name: string; sql: string}> {
	return db.prepare(`SELECT name, sql FROM sqlite_schema
		WHERE type = 'index' AND sql IS NOT NULL
			AND tbl_name IN ('logons', 'pair_totals') AND sql NOT LIKE 'CREATE UNIQUE INDEX%'
		ORDER BY tbl_name, name`).all() as Array<{name: string; sql: string}>;
}

export function dropIndexes(db: Db, indexes: Array<{name: string}>): void {
	for (const index of indexes) db.exec(`DROP INDEX "${index.name.replace(/"/g, '""')}"`);
}

/**
 * Builds the indexes, each one sort of the table's rows, in small runs sorted by a helper thread
 * (withSortThread): the parse is over by then, so the machine's second core is free.
 */
export function createIndexes(db: Db, indexes: Array<{sql: string}>): void {
	withSortThread(db, () => {
		for (const index of indexes) db.exec(index.sql);
	});
}

/** True when the store holds no dataset and no logon. */
export function storeEmpty(db: Db): boolean {
	return (db.prepare('SELECT NOT EXISTS (SELECT 1 FROM datasets) AND NOT EXISTS (SELECT 1 FROM logons) AS empty').get() as {empty: number}).empty === 1;
}

/**
 * Logon rows in the store, cheaply bounded above (max rowid - min rowid + 1; exact without
 * deletions). Two subqueries: SQLite answers min() or max() from the end of the rowid only when it
 * is the query's one aggregate, and scanned all 10M rows for both in one SELECT (0.75 s per file).
 */
export function logonSpan(db: Db): number {
	const row = db.prepare('SELECT (SELECT max(id) FROM logons) - (SELECT min(id) FROM logons) + 1 AS n').get() as {n: number | null};
	return row.n ?? 0;
}

export function rejectInserter(db: Db, datasetId: number): (line: number, reason: string) => void {
	const stmt = db.prepare('INSERT INTO rejects (dataset_id, line, reason) VALUES (?, ?, ?)');
	return (line, reason) => {
		stmt.run(datasetId, line, reason);
	};
}

export function rejectsOf(db: Db, datasetId: number, limit = 20): Array<{line: number; reason: string}> {
	return db.prepare('SELECT line, reason FROM rejects WHERE dataset_id = ? ORDER BY line LIMIT ?').all(datasetId, limit) as Array<{line: number; reason: string}>;
}

/** Newest logon time in the store (epoch ms), the default `now` of a hunt. */
export function newestTs(db: Db): number | undefined {
	const row = db.prepare('SELECT max(ts) AS ts FROM logons').get() as {ts: number | null};
	return row.ts ?? undefined;
}

/** Oldest logon time in the store (epoch ms). */
export function oldestTs(db: Db): number | undefined {
	const row = db.prepare('SELECT min(ts) AS ts FROM logons').get() as {ts: number | null};
	return row.ts ?? undefined;
}

/** Whether any logon has a time in [from, to] (epoch ms, inclusive). */
export function anyLogonBetween(db: Db, from: number, to: number): boolean {
	return db.prepare('SELECT 1 FROM logons WHERE ts BETWEEN ? AND ? LIMIT 1').get(from, to) !== undefined;
}

export function countLogons(db: Db): number {
	// Each dataset records how many logons it inserted, in the same transaction as the rows, so
	// the sum is the row count without scanning millions of rows (a full count takes seconds).
	return (db.prepare('SELECT coalesce(sum(records), 0) AS n FROM datasets').get() as {n: number}).n;
}

/** Filters of `lateral events`; every one optional. Times epoch ms, inclusive. */
export interface EventFilter {
	src?: string;
	user?: string;
	target?: string;
	since?: number;
	until?: number;
	dataset?: number;
	limit?: number;
	/** Leave out the logons the allowlist entries applying to this profile at `today` suppress. */
	allowlist?: {profile: string; today: number};
}

/** Logon rows with their dataset path, oldest first. User matches case-insensitively. */
export function queryEvents(db: Db, filter: EventFilter): Array<Logon & {id: number; dataset_id: number; path: string}> {
	const where: string[] = [];
	const params: Record<string, unknown> = {};
	if (filter.src !== undefined) { where.push('l.src_ip = @src'); params['src'] = filter.src; }
	if (filter.user !== undefined) { where.push('l.user = @user COLLATE NOCASE'); params['user'] = filter.user; }
	if (filter.target !== undefined) { where.push('l.target = @target COLLATE NOCASE'); params['target'] = filter.target; }
	if (filter.since !== undefined) { where.push('l.ts >= @since'); params['since'] = filter.since; }
	if (filter.until !== undefined) { where.push('l.ts <= @until'); params['until'] = filter.until; }
	if (filter.dataset !== undefined) {
		// The dataset's id range (a rowid range, no index on dataset_id), then its own rows in it.
		where.push(`l.id >= (SELECT first_id FROM datasets WHERE id = @dataset)
			AND l.id <= (SELECT coalesce(last_id, 9223372036854775807) FROM datasets WHERE id = @dataset)
			AND l.dataset_id = @dataset`);
		params['dataset'] = filter.dataset;
	}
	if (filter.allowlist !== undefined) {
		where.push(notSuppressed('l'));
		params['profile'] = filter.allowlist.profile;
		params['today'] = filter.allowlist.today;
	}

	params['limit'] = filter.limit ?? -1;
	const sql = `SELECT l.*, d.path FROM logons l JOIN datasets d ON d.id = l.dataset_id
		${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY l.ts, l.id LIMIT @limit`;
	return db.prepare(sql).all(params) as Array<Logon & {id: number; dataset_id: number; path: string}>;
}
