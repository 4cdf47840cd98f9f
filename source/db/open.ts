/**
 * Opening the database: pragmas, forward-only migrations, and the SQL functions profiles use.
 */
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import Database from 'better-sqlite3';
import {formatLocal, localParts, offsetAt} from '../util/time.ts';
import {RuntimeError} from '../util/errors.ts';
import {registerMatchers} from './functions.ts';

export type Db = Database.Database;

/** The repository root (where package.json lives). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const migrationsDir = path.join(repoRoot, 'db', 'migrations');

/** `--db`, else `$LATERAL_DB`, else `db/lateral.sqlite` in the repository. */
export function resolveDbPath(flag?: string): string {
	return path.resolve(flag || process.env['LATERAL_DB'] || path.join(repoRoot, 'db', 'lateral.sqlite'));
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
		db = new Database(file, {readonly: readOnly, fileMustExist: readOnly});
	} catch (error) {
		throw new RuntimeError(`cannot open database ${file}: ${(error as Error).message}`);
	}

	db.pragma('busy_timeout = 10000');
	// 64 MiB of page cache (the default is 2 MiB): bulk loads, index builds and hunts over
	// millions of rows touch far more pages than that; memory stays well under the 500 MB budget.
	db.pragma('cache_size = -65536');
	if (!readOnly) {
		db.pragma('journal_mode = WAL');
		db.pragma('synchronous = NORMAL');
		db.pragma('foreign_keys = ON');
		migrate(db);
	} else if (pendingMigrations(db).length > 0) {
		throw new RuntimeError(`database ${file} is read-only and needs an upgrade; open it once with write access`);
	}

	registerFunctions(db);
	return db;
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

/** Runs each pending migration in its own transaction that also bumps user_version. */
export function migrate(db: Db): void {
	for (const m of pendingMigrations(db)) {
		const sql = fs.readFileSync(m.file, 'utf8');
		db.transaction(() => {
			db.exec(sql);
			db.pragma(`user_version = ${m.version}`);
		}).immediate();
	}
}

/** SQL functions: local time in an IANA zone, and allowlist matchers. All deterministic. */
function registerFunctions(db: Db): void {
	const opts = {deterministic: true} as const;
	db.function('local_hour', opts, (ts: unknown, tz: unknown) =>
		ts === null ? null : localParts(Number(ts), String(tz)).hour);
	db.function('local_dow', opts, (ts: unknown, tz: unknown) =>
		ts === null ? null : localParts(Number(ts), String(tz)).weekday);
	db.function('local_time', opts, (ts: unknown, tz: unknown) =>
		ts === null ? null : formatLocal(Number(ts), String(tz)));
	// Days since 1970-01-01 in local time: groups logons by the calendar day they happened on there.
	db.function('local_day', opts, (ts: unknown, tz: unknown) =>
		ts === null ? null : Math.floor((Number(ts) + offsetAt(Number(ts), String(tz))) / 86_400_000));
	registerMatchers(db);
}
