/**
 * Test helpers for the totals kept at load time (pair_totals, entity_totals, hour_totals): names
 * spelled several ways, a deterministic spread of logons over them, the bulk writer fed both ways
 * a load feeds it, and a database left by older migrations.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {openDb, repoRoot, type Db} from '../../source/db/open.ts';
import {bulkLogonWriter, finishDataset, insertDataset} from '../../source/db/store.ts';
import {ROW_COLUMNS} from '../../source/ingest/parse.ts';
import type {Logon} from '../../source/ingest/types.ts';
import {logon} from './logons.ts';

/** 2026-11-05T02:00:00Z, epoch ms. */
export const T0 = Date.parse('2026-11-05T02:00:00Z');

// Names in several spellings, NULL, '' and the text '0' (which must not meet the NULL key).
export const SRCS = ['10.0.0.5', '10.0.0.6', '', null, '0', 'fe80::1'];
export const USERS = ['adm-jdoe', 'ADM-JDOE', 'Adm-JDoe', 'alice', '', null, '0', 'Ünïcode'];
export const TARGETS = ['DC01', 'dc01', 'Dc01', 'SRV-FS01', 'srv-fs01', '', null, '0'];

/** Every value a hunter could pivot to, in every spelling above, plus names nobody has. */
export const PROBES = {
	src: [...SRCS.filter(v => v !== null), '10.9.9.9'],
	user: [...USERS.filter(v => v !== null), 'ADM-jdoe', 'nobody'],
	target: [...TARGETS.filter(v => v !== null), 'dC01', 'none'],
};

/**
 * Sets the least logons of a name whose hours hour_totals keeps (migration 0014: 1000), on a store
 * with no logons yet: fixtures of a few hundred logons then have names on both sides of it.
 */
export function keepHoursFrom(db: Db, logons: number): void {
	db.prepare('UPDATE hour_totals_min SET logons = ?').run(logons);
}

/**
 * A deterministic spread of logons over the names above, `count` of them from `seed`, at
 * T0 + 0..499 minutes (or at the time `at(i, k)` gives, k being the logon's pseudo-random number).
 */
export function spread(count: number, seed: number, at: (i: number, k: number) => number = (_, k) => T0 + ((k * 37) % 500) * 60_000): Logon[] {
	return Array.from({length: count}, (_, i) => {
		const k = (i * 7919 + seed * 104_729) >>> 0;
		return logon({
			ts: at(i, k),
			src_ip: SRCS[k % SRCS.length]!,
			user: USERS[(k >> 3) % USERS.length]!,
			target: TARGETS[(k >> 6) % TARGETS.length]!,
			outcome: k % 5 === 0 ? 'failure' : 'success',
		});
	});
}

/**
 * Writes `rows` as one dataset through the bulk writer (as a load does, half of them as parsed
 * rows), holding at most `foldKeys` keys of running totals, inside one transaction.
 */
export function addBulk(db: Db, rows: Logon[], foldKeys: number, sha: string): number {
	return db.transaction(() => {
		const id = insertDataset(db, {path: `/fixtures/bulk-${sha}.json`, format: 'windows-json', sha256: sha.repeat(64).slice(0, 64)});
		const writer = bulkLogonWriter(db, id, foldKeys);
		rows.forEach((row, i) => {
			if (i % 2) writer.add(row);
			else writer.addRow(['pad', ...ROW_COLUMNS.map(c => row[c as keyof Logon])], 1);
		});
		writer.flush();
		finishDataset(db, id, {records: rows.length, rejected: 0, skipped: 0, first_ts: T0, last_ts: T0, time_field: null});
		return id;
	})();
}

/**
 * A database as migrations 0001-`version` left it (5 or later), holding `datasets` of logons:
 * inserted as schema 5 knew them, then migrated to `version` by the migrations' own SQL.
 */
export function oldDatabase(file: string, datasets: Logon[][], version = 5): void {
	const db = new Database(file);
	const dir = path.join(repoRoot, 'db', 'migrations');
	const migrations = fs.readdirSync(dir).filter(n => /^\d{4}-.+\.sql$/.test(n)).sort();
	const run = (from: number, to: number) => {
		for (const name of migrations.filter(n => Number(n.slice(0, 4)) >= from && Number(n.slice(0, 4)) <= to)) db.exec(fs.readFileSync(path.join(dir, name), 'utf8'));
	};

	run(1, 5);
	const columns = Object.keys(logon());
	const insert = db.prepare(`INSERT INTO logons (${columns.join(', ')}, dataset_id) VALUES (${columns.map(c => `@${c}`).join(', ')}, @dataset_id)`);
	db.transaction(() => datasets.forEach((rows, i) => {
		const id = Number(db.prepare(`INSERT INTO datasets (path, format, sha256, records, loaded_at) VALUES (?, 'windows-json', ?, ?, 0)`).run(`/old/${i}`, `old${i}`, rows.length).lastInsertRowid);
		for (const row of rows) insert.run({...row, dataset_id: id});
	}))();
	run(6, version);
	db.pragma(`user_version = ${version}`);
	db.close();
}

/** Opens (so migrates) the database at `file`, keeping what it says on stderr instead of printing it. */
export function openUpgraded(file: string): {db: Db; said: string[]} {
	const said: string[] = [];
	const write = process.stderr.write;
	process.stderr.write = ((text: string) => said.push(text) > 0) as typeof process.stderr.write;
	try {
		return {db: openDb(file), said};
	} finally {
		process.stderr.write = write;
	}
}
