/**
 * The DuckDB baseline: the two seed queries written in DuckDB's SQL (bench/duckdb/) over the same
 * raw rows, loaded from the CSV the sqlite3 `.import` baseline reads. DuckDB is not a dependency
 * of lateral (its package carries a 68 MB native library): the bench measures it when it is
 * installed, `npm install --no-save @duckdb/node-api`, and says so when it is not.
 */
import fs from 'node:fs';
import path from 'node:path';
import {repoRoot} from '../source/db/open.ts';

/** The part of @duckdb/node-api the bench uses. */
interface DuckConnection {
	run(sql: string, values?: Record<string, unknown>): Promise<unknown>;
	runAndReadAll(sql: string, values?: Record<string, unknown>): Promise<{getRowObjectsJson(): Array<Record<string, unknown>>}>;
	closeSync(): void;
}

interface DuckModule {
	DuckDBInstance: {create(file: string): Promise<{connect(): Promise<DuckConnection>; closeSync(): void}>};
}

/**
 * One seed row as both engines give it, for the comparison: pair, first and last time, counts,
 * score, and the list of targets where the seed has one (logscale's TargetHosts; null for qradar).
 */
export type SeedKey = string;

export const seedKey = (row: {src: unknown; user: unknown; first: unknown; last: unknown; total: unknown; failed: unknown; hosts: unknown; score: unknown; targets: string | null}): SeedKey =>
	[row.src, row.user, Number(row.first), Number(row.last), Number(row.total), Number(row.failed), Number(row.hosts), Number(row.score), row.targets ?? '-'].join('\t');

export interface DuckBaseline {
	version: string;
	threads: number;
	loadMs: number;
	/** The seed query in DuckDB over the raw rows: its rows as seed keys, in its order. */
	hunt(profile: 'qradar' | 'logscale', since: number | null, until: number | null): Promise<SeedKey[]>;
	close(): void;
}

/**
 * Opens a DuckDB database file at `file`, loads `csv` into its table logons, and returns the
 * baseline, or a one-line reason when DuckDB is not installed.
 */
export async function duckBaseline(file: string, csv: string, columns: Array<{name: string; integer: boolean}>): Promise<DuckBaseline | string> {
	let duck: DuckModule;
	try {
		// A name in a variable: TypeScript does not look for the package, which is not installed
		// with lateral.
		const name = '@duckdb/node-api';
		duck = await import(name) as DuckModule;
	} catch {
		return 'DuckDB not installed (`npm install --no-save @duckdb/node-api` to measure it)';
	}

	for (const f of [file, `${file}.wal`]) fs.rmSync(f, {force: true});
	const instance = await duck.DuckDBInstance.create(file);
	const db = await instance.connect();
	const start = performance.now();
	await db.run(`CREATE TABLE logons AS SELECT * FROM read_csv($csv, header = false, delim = ',', quote = '"', escape = '"', auto_detect = false, columns = ${structLiteral(columns)})`, {csv});
	await db.run('CHECKPOINT');
	const loadMs = performance.now() - start;
	const about = (await db.runAndReadAll('SELECT version() AS v, current_setting(\'threads\') AS t')).getRowObjectsJson()[0]!;
	const queries = {
		qradar: fs.readFileSync(path.join(repoRoot, 'bench', 'duckdb', 'qradar.sql'), 'utf8'),
		logscale: fs.readFileSync(path.join(repoRoot, 'bench', 'duckdb', 'logscale.sql'), 'utf8'),
	};
	return {
		version: String(about['v']),
		threads: Number(about['t']),
		loadMs,
		async hunt(profile, since, until) {
			const rows = (await db.runAndReadAll(queries[profile], {since, until})).getRowObjectsJson();
			return rows.map(r => seedKey({src: r['src_ip'], user: r['user'], first: r['first_ts'], last: r['last_ts'], total: r['total'], failed: r['failed'], hosts: r['hosts'], score: r['score'], targets: r['targets'] === null ? null : String(r['targets'])}));
		},
		close() {
			db.closeSync();
			instance.closeSync();
			for (const f of [file, `${file}.wal`]) fs.rmSync(f, {force: true});
		},
	};
}

/** {'name': 'TYPE', ...}: read_csv's columns argument (names and types are ours, not data). */
function structLiteral(columns: Array<{name: string; integer: boolean}>): string {
	return `{${columns.map(c => `'${c.name}': '${c.integer ? 'BIGINT' : 'VARCHAR'}'`).join(', ')}}`;
}

/** Where two seed results first differ, or null when they are the same rows in the same order. */
export function firstDifference(ours: SeedKey[], theirs: SeedKey[]): string | null {
	for (let i = 0; i < Math.max(ours.length, theirs.length); i++) {
		if (ours[i] !== theirs[i]) return `row ${i + 1}: lateral ${JSON.stringify(ours[i] ?? null)}, DuckDB ${JSON.stringify(theirs[i] ?? null)}`;
	}

	return null;
}
