/**
 * The hunt cache (db/migrations/0007-hunt-cache.sql): the rows of recent hunts, keyed by a hash of
 * everything they depend on, so that the same hunt over unchanged data (the console opened again,
 * the same `lateral hunt` twice) answers at once instead of re-reading millions of logons.
 *
 * Nothing here can serve a stale answer: the key covers the query text, every bound parameter but
 * the clock, the newest logon id and the dataset count (logons are only appended, a whole file per
 * transaction, never changed or deleted), the allowlist's rows and which of them are active at the
 * hunt's clock. The key is read in the same read transaction as the rows it describes.
 */
import {createHash} from 'node:crypto';
import {withPragma, type Db} from './open.ts';

type Row = Record<string, unknown>;

/** Entries kept; older ones are dropped whenever one is added. */
const KEEP = 12;
/** Results larger than this (as JSON) are not kept: a cache should not double a database. */
const MAX_JSON = 64 * 1024 * 1024;
/**
 * Reading a kept hunt back, per row, in ms: the JSON out of the table and parsed (qradar over all
 * of 10.4M logons: 101k rows, 45 MB, 530-580 ms).
 */
const READ_BACK_MS_PER_ROW = 0.0055;

/**
 * Whether a hunt that took `ms` to run and gave `rows` rows is worth keeping: when running it took
 * at least three times what reading it back would. Keeping costs more than reading back (qradar
 * over all of 10.4M logons: 0.2 s to write the JSON, 0.7-1.0 s to store it, on a hunt of 0.7-1.1 s),
 * so a quick hunt with many rows is run again instead. Over that data lateral (about 60 s, 36k
 * rows) and qradar's 24 hours (0.5 s, 19k rows) are kept, the seeds over all of it are not.
 */
export function worthKeeping(ms: number, rows: number): boolean {
	return ms >= 3 * READ_BACK_MS_PER_ROW * rows;
}

const REVISION_SQL = `SELECT
	(SELECT max(id) FROM logons) AS logon,
	(SELECT count(*) FROM datasets) AS datasets,
	(SELECT json_group_array(json_array(id, kind, pattern, src_ip, user, target, match, expires, profile, enabled))
		FROM (SELECT * FROM allowlist ORDER BY id)) AS allowlist,
	(SELECT json_group_array(id) FROM (SELECT id FROM allowlist
		WHERE enabled = 1 AND (expires IS NULL OR expires > @today) ORDER BY id)) AS active`;

/**
 * Runs a hunt's statement, handing `visit` each row as an object keyed by column name, as
 * better-sqlite3's `all()` gives them, but built here from raw arrays a row at a time.
 * better-sqlite3 sets each property of each row through V8's API; an object filled in JavaScript
 * is cheaper. Over all of 10.4M logons, alternating runs of the statement, CPU medians: qradar
 * (101k rows of 16 columns, 6 runs) 2.23 s against 2.44 s, logscale (93k rows, 4 runs) 2.02 s
 * against 2.17 s. And iterated rather than taken with `all()`: each raw array is garbage before
 * the next is made, where `all()` keeps them all until it returns and the young-generation
 * collector copies every one, twice (140k rows of 16 columns: 507 against 665 ms, medians of 7
 * alternating runs). A caller that keeps only what it makes of the rows lets each one go at once
 * (hunt(): 100k rows of 16 columns, 42 MB, no longer held to the end).
 */
export function eachHuntRow(db: Db, sql: string, params: Row, visit: (row: Row) => void): void {
	const statement = db.prepare(sql).raw(true);
	const names = statement.columns().map(c => c.name);
	for (const values of statement.iterate(params) as IterableIterator<unknown[]>) {
		const row: Row = {};
		for (let i = 0; i < names.length; i++) row[names[i]!] = values[i];
		visit(row);
	}
}

/** What a hunt's rows depend on besides its query and parameters: the data and the allowlist at `today`. */
export function dataRevision(db: Db, today: number): Row {
	return db.prepare(REVISION_SQL).get({today}) as Row;
}

/** The cache key of `sql` run with `params` (whose `today` is the clock) over the store as it is now. */
export function huntKey(db: Db, sql: string, params: Row): string {
	const {today, ...rest} = params;
	const revision = dataRevision(db, Number(today ?? Date.now()));
	return createHash('sha256').update(JSON.stringify([sql, rest, revision])).digest('hex');
}

/**
 * The rows of `sql` with `params`, each handed to `visit` as it comes: from the cache when this
 * exact hunt ran over the same data, else run, and remembered when worth keeping. A run's rows are
 * held for remembering only while the hunt can still be worth keeping: once it has taken less than
 * worthKeeping asks for the rows read so far, they are let go and the rest are only visited (a
 * further row adds more to what it asks, 0.0165 ms, than reading it takes, about 0.005 ms; a
 * statement that works out its rows as it hands them out might have earned its place later, and
 * is not kept). A read-only database, or one another process is writing to, still answers; it
 * only does not remember.
 */
export function cachedHuntRows(db: Db, sql: string, params: Row, visit: (row: Row) => void): void {
	let key = '';
	let kept: Row[] | undefined;
	let ms = 0;
	// One read transaction: the key describes exactly the snapshot the rows were read from.
	db.transaction(() => {
		key = huntKey(db, sql, params);
		const cached = db.prepare('SELECT rows FROM hunt_cache WHERE key = ?').get(key) as {rows: string} | undefined;
		if (cached) {
			for (const row of JSON.parse(cached.rows) as Row[]) visit(row);
			return;
		}

		const start = performance.now();
		let rows: Row[] | undefined = db.readonly ? undefined : [];
		eachHuntRow(db, sql, params, row => {
			visit(row);
			if (rows === undefined) return;
			rows.push(row);
			if (!worthKeeping(performance.now() - start, rows.length)) rows = undefined;
		});
		ms = performance.now() - start;
		if (rows !== undefined && worthKeeping(ms, rows.length)) kept = rows;
	})();
	if (kept) remember(db, key, kept, ms, typeof params['profile'] === 'string' ? params['profile'] : null);
}

/** lastHuntMs's statement: answered from the index hunt_cache_profile alone (migration 0012). */
export const LAST_HUNT_SQL = 'SELECT ms FROM hunt_cache WHERE profile = ? ORDER BY created_at DESC, rowid DESC LIMIT 1';

/**
 * How long the latest kept hunt of the profile named `profile` took to run, in ms (not counting
 * answers from the cache), or undefined when none is kept.
 */
export function lastHuntMs(db: Db, profile: string): number | undefined {
	const row = db.prepare(LAST_HUNT_SQL).get(profile) as {ms: number} | undefined;
	return row?.ms;
}

/** Stores an entry without waiting for a lock: a busy database (a load under way) just skips it. */
function remember(db: Db, key: string, rows: Row[], ms: number, profile: string | null): void {
	const json = JSON.stringify(rows);
	if (json.length > MAX_JSON) return;
	try {
		withPragma(db, 'busy_timeout', 0, () => db.transaction(() => {
			db.prepare('INSERT OR REPLACE INTO hunt_cache (key, rows, ms, created_at, profile) VALUES (?, ?, ?, ?, ?)').run(key, json, ms, Date.now(), profile);
			db.prepare('DELETE FROM hunt_cache WHERE key NOT IN (SELECT key FROM hunt_cache ORDER BY created_at DESC, rowid DESC LIMIT ?)').run(KEEP);
		})());
	} catch {
		// Locked by another writer, or out of space: the answer stands, it is just not kept.
	}
}

/** Forgets every cached hunt (the bench measures cold hunts; `lateral hunt --no-cache` is cold too). */
export function clearHuntCache(db: Db): void {
	db.prepare('DELETE FROM hunt_cache').run();
}
