/**
 * Opening the database: pragmas, forward-only migrations, and the SQL functions profiles use.
 */
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import Database from 'better-sqlite3';
import {DAY_MS, formatLocal, HOUR_MS, mod, offsetAt, utcHoursBefore} from '../util/time.ts';
import {RuntimeError} from '../util/errors.ts';
import {registerMatchers} from './functions.ts';

export type Db = Database.Database;

// better-sqlite3 reads this when it first opens a database: URI file names let a read-only
// database be opened `immutable` (see openReadOnly). Plain paths are unaffected.
process.env['SQLITE_USE_URI'] ??= '1';

/**
 * The repository root: the nearest directory above this module holding package.json (source/db/
 * from the sources, dist/ from the bundles).
 */
export const repoRoot = (() => {
	const start = path.dirname(fileURLToPath(import.meta.url));
	for (let dir = start; ; dir = path.dirname(dir)) {
		if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
		if (path.dirname(dir) === dir) return path.resolve(start, '../..');
	}
})();
const migrationsDir = path.join(repoRoot, 'db', 'migrations');

/** `--db`, else `$LATERAL_DB`, else `db/lateral.sqlite` in the repository. */
export function resolveDbPath(flag?: string): string {
	return path.resolve(flag || process.env['LATERAL_DB'] || path.join(repoRoot, 'db', 'lateral.sqlite'));
}

/** The connection's page cache, in KiB (as cache_size takes it when negative). */
const CACHE_KIB = -65_536;
/** SQLite's own default page cache, in KiB: what the big sorts run with (withSmallSortRuns). */
const SORT_CACHE_KIB = -2000;

/**
 * Runs `work` (a hunt, the allowlist suggestions, a bulk load's index builds and its additions of
 * staged hour and day rows) with a 2 MiB page cache, then gives the connection its own back.
 * SQLite's sorter holds rows in memory up to the page cache's size before it writes them out as
 * one sorted run, and merges the runs at the end.
 * A hunt sorts up to every logon of its window (its GROUP BYs, ORDER BYs and window functions);
 * an index build sorts every row. In runs of 2 MiB that took less memory, and no more time, than
 * in runs of 64 MiB:
 * - on 10.4M logons, lateral peaked at 585 MB RSS instead of 992 MB, in 101-106 s instead of
 *   103-122 s (two alternating pairs of runs); qradar over 24 hours ending 1, 12 or 23 hours into
 *   a UTC day took 0.9-1.1 s of CPU instead of 1.1-1.4 s (alternating runs);
 * - building the four logons indexes of a 1.13M-logon load took 2.9-3.4 s instead of 4.8-5.1 s
 *   (alternating loads), and of a 10.4M-logon load 37 s instead of 51 s (one load each).
 * The runs written out go to temporary files, which the OS caches. The rest of a load keeps the
 * large cache: it adds to the totals tables' B-trees, and a 10.4M-logon load with 2 MiB throughout
 * took 521 s instead of 418-427 s.
 */
export function withSmallSortRuns<T>(db: Db, work: () => T): T {
	return withPragma(db, 'cache_size', SORT_CACHE_KIB, work);
}

/**
 * withSmallSortRuns, with each run sorted by a helper thread of SQLite's (PRAGMA threads) while
 * the connection's own thread reads on: for work that sorts millions of rows while the machine's
 * second core is free. Two indexes of 1.13M logons built in 2.4-3.2 s instead of 3.3-3.4 s (three
 * alternating builds each), for about 0.4 s more CPU; the lateral hunt of 10.4M logons took 68 and
 * 75 s instead of 86 and 77 s (alternating), for about the same CPU (10% more at 1.13M logons).
 */
export function withSortThread<T>(db: Db, work: () => T): T {
	return withPragma(db, 'threads', 1, () => withSmallSortRuns(db, work));
}

/** Runs `work` with the integer pragma `name` set to `value`, then gives the connection its own back. */
export function withPragma<T>(db: Db, name: 'cache_size' | 'busy_timeout' | 'threads', value: number, work: () => T): T {
	const own = db.pragma(name, {simple: true}) as number;
	db.pragma(`${name} = ${value}`);
	try {
		return work();
	} finally {
		db.pragma(`${name} = ${own}`);
	}
}

/**
 * Leaves WAL for a rollback journal, for a large load into an empty store: its pages then go into
 * the file once, rather than into the WAL and again into the file at the checkpoint after the
 * commit (10.4M logons: that checkpoint took 30-33 s of a 250-280 s load). A rollback journal
 * keeps no copy of pages past the end of the file, so of an empty store it keeps next to nothing,
 * and a crash still rolls the load back. SQLite leaves WAL only when no other connection has the
 * file open; this does not wait for them (busy timeout 0) and returns whether it switched. Until
 * enterWal, other connections wait for the writer (their busy timeout) instead of reading the
 * store as it was.
 */
export function leaveWal(db: Db): boolean {
	if (db.memory || db.inTransaction) return false;
	try {
		return withPragma(db, 'busy_timeout', 0, () => db.pragma('main.journal_mode = DELETE', {simple: true})) === 'delete';
	} catch (error) {
		if ((error as {code?: string}).code === 'SQLITE_BUSY') return false;
		throw error;
	}
}

/** Back to WAL after leaveWal (outside a transaction). Should that fail, the next openDb sets it. */
export function enterWal(db: Db): void {
	try {
		db.pragma('main.journal_mode = WAL');
	} catch (error) {
		if ((error as {code?: string}).code !== 'SQLITE_BUSY') throw error;
	}
}

export interface OpenOptions {
	/** Open without writing (hunt and browse a read-only file). */
	readOnly?: boolean;
}

/**
 * Opens (creating if needed) and migrates the database at `file`.
 * WAL and a busy timeout let a hunt read while a load writes.
 */
export function openDb(file: string, options: OpenOptions = {}): Db {
	let readOnly = options.readOnly ?? false;
	if (!readOnly && fs.existsSync(file)) {
		try {
			fs.accessSync(file, fs.constants.W_OK);
			fs.accessSync(path.dirname(file), fs.constants.W_OK);
		} catch {
			readOnly = true;
		}
	}

	let db: Db;
	try {
		if (!readOnly) fs.mkdirSync(path.dirname(file), {recursive: true});
		db = readOnly ? openReadOnly(file) : new Database(file);
	} catch (error) {
		throw new RuntimeError(`cannot open database ${file}: ${(error as Error).message}`);
	}

	db.pragma(`busy_timeout = ${busyTimeout()}`);
	// 64 MiB of page cache (the default is 2 MiB): bulk loads and index builds touch far more
	// pages than that; memory stays well under the 500 MB budget. Hunts run with less
	// (withSmallSortRuns).
	db.pragma(`cache_size = ${CACHE_KIB}`);
	if (!readOnly) {
		// Not waited for: a large first load writes without the WAL (leaveWal) and holds its lock
		// for minutes. This connection then reads and writes through the rollback journal, which
		// a lock waits for as usual (busy_timeout), and the load sets WAL again when it ends.
		enterWal(db);
		db.pragma('synchronous = NORMAL');
		db.pragma('foreign_keys = ON');
		migrate(db);
	} else if (pendingMigrations(db).length > 0) {
		throw new RuntimeError(`database ${file} is read-only and needs an upgrade; open it once with write access`);
	}

	registerFunctions(db);
	return db;
}

/** How long to wait for another process's lock, in ms: $LATERAL_BUSY_TIMEOUT, else 10 s. */
function busyTimeout(): number {
	const text = process.env['LATERAL_BUSY_TIMEOUT'];
	const ms = Number(text);
	return text && Number.isInteger(ms) && ms >= 0 ? ms : 10_000;
}

/**
 * Opens `file` without writing. A WAL database needs its `-shm` index, which SQLite creates next
 * to the file; in a read-only folder with no `-shm` left behind (so no other connection is open
 * on it) the file is opened `immutable`: read as it is on disk, without the index or locks.
 */
function openReadOnly(file: string): Db {
	const db = new Database(file, {readonly: true, fileMustExist: true});
	try {
		db.pragma('user_version', {simple: true});
		return db;
	} catch (error) {
		db.close();
		const code = (error as {code?: string}).code ?? '';
		if (!/^SQLITE_(READONLY|CANTOPEN)/.test(code) || fs.existsSync(`${file}-shm`)) throw error;
		return new Database(`${pathToFileURL(file).href}?immutable=1`, {readonly: true, fileMustExist: true});
	}
}

/** An in-memory database, migrated: for tests and scratch work. */
export function openMemoryDb(): Db {
	const db = new Database(':memory:');
	db.pragma('foreign_keys = ON');
	migrate(db);
	registerFunctions(db);
	return db;
}

function migrationFiles(): Array<{version: number; file: string}> {
	return fs.readdirSync(migrationsDir)
		.filter(name => /^\d{4}-.+\.sql$/.test(name))
		.sort()
		.map(name => ({version: Number(name.slice(0, 4)), file: path.join(migrationsDir, name)}));
}

function pendingMigrations(db: Db): Array<{version: number; file: string}> {
	const current = db.pragma('user_version', {simple: true}) as number;
	return migrationFiles().filter(m => m.version > current);
}

/**
 * Runs each pending migration in its own transaction that also bumps user_version. Another
 * process may be running the same migrations (two commands started at once on a new store): each
 * is skipped when user_version, read again once the write lock is held, says it already ran.
 */
export function migrate(db: Db): void {
	const pending = pendingMigrations(db).map(m => ({...m, sql: fs.readFileSync(m.file, 'utf8')}));
	// A store made by an older version: say so, and how long the slowest step takes at 10 million
	// logons: minutes to read or index the logons; seconds to read the 3.1M day rows made from them
	// (0015 copies them in 7.4 s); none to add a column, 3 s to sum hunt_targets' 1.2M rows (0013).
	if (pending.length > 0 && (db.pragma('user_version', {simple: true}) as number) > 0) {
		const reads = (table: string) => pending.some(m => new RegExp(`\\b(?:FROM|JOIN|ON|INTO|UPDATE)\\s+${table}\\b`, 'i').test(m.sql.replace(/--.*$/gm, '')));
		const note = reads('logons') ? '; a few minutes for 10 million logons' : reads('hunt_days') ? '; under a minute for 10 million logons' : '';
		process.stderr.write(`lateral: upgrading ${db.name} to schema ${pending.at(-1)!.version} (once${note})\n`);
	}

	for (const m of pending) {
		db.transaction(() => {
			if ((db.pragma('user_version', {simple: true}) as number) >= m.version) return;
			db.exec(m.sql);
			db.pragma(`user_version = ${m.version}`);
		}).immediate();
	}
}

/** SQL functions: local time in an IANA zone, and allowlist matchers. All deterministic. */
function registerFunctions(db: Db): void {
	const opts = {deterministic: true} as const;
	// Hour and weekday by arithmetic on the local epoch ms (no Date per call): these run once per
	// row of a hunt over millions of logons. Same values as localParts(ts, tz).hour / .weekday.
	db.function('local_hour', opts, (ts: unknown, tz: unknown) => {
		if (ts === null) return null;
		const t = Number(ts);
		return Math.floor(mod(t + offsetAt(t, String(tz)), DAY_MS) / HOUR_MS);
	});
	db.function('local_dow', opts, (ts: unknown, tz: unknown) => {
		if (ts === null) return null;
		const t = Number(ts);
		// 1970-01-01 was a Thursday (4).
		return mod(Math.floor((t + offsetAt(t, String(tz))) / DAY_MS) + 4, 7);
	});
	db.function('local_time', opts, (ts: unknown, tz: unknown) =>
		ts === null ? null : formatLocal(Number(ts), String(tz)));
	// Days since 1970-01-01 in local time: groups logons by the calendar day they happened on there.
	db.function('local_day', opts, (ts: unknown, tz: unknown) =>
		ts === null ? null : Math.floor((Number(ts) + offsetAt(Number(ts), String(tz))) / DAY_MS));
	// A mask of the UTC hours of a UTC day (bit h: hour h) whose logons are all before local hour
	// `before` in the zone (hunt_days.hours & it: a logon of the day was); 0 for a day with an hour
	// that does not map whole onto a local hour (utcHoursBefore): source/detect/seed-days.ts reads
	// such days from the logons instead. Cached per day for the zone and hour last asked.
	let masksOf = {tz: '', before: 0, masks: new Map<number, number>()};
	db.function('utc_hours_before', opts, (day: unknown, tz: unknown, before: unknown) => {
		if (masksOf.tz !== tz || masksOf.before !== before) masksOf = {tz: String(tz), before: Number(before), masks: new Map()};
		const d = Number(day);
		let mask = masksOf.masks.get(d);
		if (mask === undefined) {
			mask = utcHoursBefore(d, masksOf.tz, masksOf.before) ?? 0;
			masksOf.masks.set(d, mask);
		}

		return mask;
	});
	// routine_hours(hours, min_days, share) OVER (PARTITION BY account ORDER BY day): one row per
	// day an account logged on successfully, with bit h of hours set for a local hour h it did. Its
	// value for a day is the mask of the hours h at which the account logged on successfully on at
	// least min_days of the earlier days, and on at least share of all the earlier days (the
	// routine of db/queries/hunt-lateral.sql). The frame runs up to the current row, so it is
	// taken back out: SQLite hands a window function its arguments only as rows enter the frame.
	// Rest parameters, hence varargs: @types/better-sqlite3 declares step and inverse with one
	// argument, and better-sqlite3 takes the number of arguments from step.length otherwise.
	db.aggregate<RoutineHours>('routine_hours', {
		deterministic: true,
		varargs: true,
		start: () => ({counts: new Array<number>(24).fill(0), days: 0, last: 0, minDays: 0, share: 0}),
		step(acc: RoutineHours, ...[hours, minDays, share]: unknown[]) {
			acc.last = Number(hours);
			acc.minDays = Number(minDays);
			acc.share = Number(share);
			return countDay(acc, acc.last, 1);
		},
		inverse: (acc: RoutineHours, ...[hours]: unknown[]) => countDay(acc, Number(hours), -1),
		result: routineMask,
	});
	// host_label(name): a host as the hop chains of db/queries/hunt-lateral.sql compare hosts, lower
	// case and without its domain, so that HOSTF.corp.local (a target) is HOSTF (the workstation name
	// of logons sent from it); an address (no letters, or an IPv6 one with colons) as it is.
	db.function('host_label', opts, (name: unknown) => {
		if (name === null) return null;
		const s = String(name).toLowerCase();
		if (s.includes(':') || !/[a-z]/.test(s)) return s;
		const dot = s.indexOf('.');
		return dot > 0 ? s.slice(0, dot) : s;
	});
	// hour_fanout(ts, target, routine, width) per group: the most distinct targets among its logons
	// within any `width` ms (both ends included), and the same without its routine logons, packed
	// as all * FANOUT_PACK + without (velocity in db/queries/hunt-lateral.sql). A logon without a
	// target counts for none. Rows may come in any order: they are put in time order at the end.
	db.aggregate<Fanout>('hour_fanout', {
		deterministic: true,
		varargs: true,
		start: () => ({ts: [], targets: [], routine: [], width: 0}),
		step(acc: Fanout, ...[ts, target, routine, width]: unknown[]) {
			if (target === null) return acc;
			acc.ts.push(Number(ts));
			acc.targets.push(String(target));
			acc.routine.push(Number(routine) !== 0);
			acc.width = Number(width);
			return acc;
		},
		result(acc: Fanout) {
			// The rows in time order once; the routine ones left out of the second count.
			const order = acc.ts.map((_, i) => i).sort((a, b) => acc.ts[a]! - acc.ts[b]!);
			return widestFanout(acc, order) * FANOUT_PACK + widestFanout(acc, order.filter(i => !acc.routine[i]));
		},
	});
	registerMatchers(db);
}

/** hour_fanout's packing: the count with the routine logons times this, plus the count without. */
const FANOUT_PACK = 67_108_864;

/** hour_fanout's rows of one group. */
interface Fanout {
	ts: number[];
	targets: string[];
	routine: boolean[];
	width: number;
}

/**
 * The most distinct targets within any `width` ms of the group's logons `order` (indexes, in time
 * order): a window slid over them, the targets in it counted.
 */
function widestFanout({ts, targets, width}: Fanout, order: number[]): number {
	const inWindow = new Map<string, number>();
	let widest = 0;
	let left = 0;
	for (const i of order) {
		inWindow.set(targets[i]!, (inWindow.get(targets[i]!) ?? 0) + 1);
		for (; ts[i]! - ts[order[left]!]! > width; left++) {
			const out = targets[order[left]!]!;
			const n = inWindow.get(out)! - 1;
			if (n === 0) inWindow.delete(out);
			else inWindow.set(out, n);
		}

		widest = Math.max(widest, inWindow.size);
	}

	return Math.min(widest, FANOUT_PACK - 1);
}

/** routine_hours' running state: days with a success per local hour, over the frame's rows. */
interface RoutineHours {
	counts: number[];
	/** Rows (days) in the frame, the current one included. */
	days: number;
	/** The current (last added) row's hours. */
	last: number;
	minDays: number;
	share: number;
}

/** Adds a day with the hours `hours` to routine_hours' counts (by 1), or takes one out (by -1). */
function countDay(acc: RoutineHours, hours: number, by: 1 | -1): RoutineHours {
	for (let i = 0; i < 24; i++) acc.counts[i]! += by * ((hours >> i) & 1);
	acc.days += by;
	return acc;
}

/** The routine hours of the current day, judged on the days before it (the frame less its last row). */
function routineMask({counts, days, last, minDays, share}: RoutineHours): number {
	if (days === 0) return 0;
	const earlier = days - 1;
	let mask = 0;
	for (let i = 0; i < 24; i++) {
		const atHour = counts[i]! - ((last >> i) & 1);
		if (atHour >= minDays && atHour >= share * earlier) mask |= 1 << i;
	}

	return mask;
}
