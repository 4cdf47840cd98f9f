/**
 * Hunts, the allowlist suggestions, a bulk load's index builds and its additions of staged hour and
 * day rows run with a 2 MiB page cache (withSmallSortRuns), so that SQLite sorts in small runs; the
 * connection gets its own 64 MiB back afterwards, whether the work returned or threw. Hunts and index
 * builds also sort those runs on a helper thread (withSortThread, PRAGMA threads = 1).
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {openDb, repoRoot, withSmallSortRuns, withSortThread, type Db} from '../../source/db/open.ts';
import {suggestEntries} from '../../source/allowlist/suggest.ts';
import {hunt} from '../../source/detect/hunt.ts';
import {loadFile} from '../../source/ingest/load.ts';
import {addDataset, logon, onPrepare} from '../helpers/logons.ts';
import {addBulk} from '../helpers/totals.ts';

const cacheSize = (db: Db) => db.pragma('cache_size', {simple: true}) as number;
const threads = (db: Db) => db.pragma('threads', {simple: true}) as number;

function fileDb(t: {after: (fn: () => void) => void}): Db {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lateral-sort-runs-'));
	const db = openDb(path.join(dir, 'db.sqlite'));
	t.after(() => {
		db.close();
		fs.rmSync(dir, {recursive: true, force: true});
	});
	return db;
}

test('withSmallSortRuns runs its work with 2 MiB of page cache and gives the connection its own back', t => {
	const db = fileDb(t);
	assert.equal(cacheSize(db), -65_536);
	assert.equal(withSmallSortRuns(db, () => cacheSize(db)), -2000);
	assert.equal(cacheSize(db), -65_536);
	assert.throws(() => withSmallSortRuns(db, () => {
		throw new Error('hunt failed');
	}), /hunt failed/);
	assert.equal(cacheSize(db), -65_536, 'restored after a throw');
});

test('withSortThread adds a helper thread for the sorts, and gives the connection none back', t => {
	const db = fileDb(t);
	assert.equal(threads(db), 0);
	assert.deepEqual(withSortThread(db, () => [cacheSize(db), threads(db)]), [-2000, 1]);
	assert.deepEqual([cacheSize(db), threads(db)], [-65_536, 0]);
	assert.throws(() => withSortThread(db, () => {
		throw new Error('hunt failed');
	}), /hunt failed/);
	assert.deepEqual([cacheSize(db), threads(db)], [-65_536, 0], 'restored after a throw');
});

test('every profile runs its statement with the small cache and a sort thread, cached or not', t => {
	const db = fileDb(t);
	addDataset(db, ['SRV1', 'SRV2', 'SRV3'].map((target, i) => logon({src_ip: '10.0.0.9', user: 'admin', target, ts: Date.parse('2026-11-05T02:00:00Z') + i * 60_000})));
	// The cache size at the moment the hunt's own statement (the one binding :limit) is prepared.
	const seen: Array<[number, number]> = [];
	onPrepare(db, sql => {
		if (sql.includes(':limit')) seen.push([cacheSize(db), threads(db)]);
	});
	for (const profile of ['qradar', 'logscale', 'lateral']) {
		for (const cache of [false, true]) {
			seen.length = 0;
			const result = hunt(db, {profile, tz: 'UTC', window: null, cache});
			assert.ok(result.findings.length > 0, `${profile} finds the fan-out`);
			assert.deepEqual(seen, [[-2000, 1]], `${profile}, cache ${cache}`);
			assert.deepEqual([cacheSize(db), threads(db)], [-65_536, 0], `${profile}: the connection's cache and threads are back`);
		}
	}
});

test('a bulk load builds its deferred indexes with the small cache and a sort thread, and keeps its own for the rest', async t => {
	const db = fileDb(t);
	const seen: Array<[string, number, number]> = [];
	const exec = db.exec.bind(db);
	db.exec = ((sql: string) => {
		if (/^CREATE INDEX/i.test(sql.trim())) seen.push([sql, cacheSize(db), threads(db)]);
		return exec(sql);
	}) as typeof db.exec;
	const result = await loadFile(db, path.join(repoRoot, 'test', 'fixtures', 'formats', 'lanl-auth.txt'), {tz: 'UTC'});
	assert.equal(result.status, 'loaded');
	const indexes = db.prepare(`SELECT count(*) AS n FROM sqlite_schema WHERE type = 'index' AND tbl_name IN ('logons', 'pair_totals')
		AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE INDEX%'`).get() as {n: number};
	assert.ok(indexes.n >= 7, 'the indexes of the logons and of pair_totals are back');
	assert.equal(seen.length, indexes.n, 'an empty table: every index was dropped and built again');
	for (const [sql, size, sorters] of seen) assert.deepEqual([size, sorters], [-2000, 1], sql);
	assert.deepEqual([cacheSize(db), threads(db)], [-65_536, 0]);
});

test('a bulk load adds its staged hour and day rows with the small cache', t => {
	const db = fileDb(t);
	const seen: Array<[string, number]> = [];
	onPrepare(db, sql => {
		const table = /^\s*INSERT INTO (hour_totals|hunt_days)\b[\s\S]*FROM temp\./.exec(sql)?.[1];
		if (table) seen.push([table, cacheSize(db)]);
	});
	// Spilled many times (two keys a spill), but added once, at the end, with the small cache.
	const rows = Array.from({length: 120}, (_, i) => logon({src_ip: `10.0.0.${i % 9}`, user: `user${i % 13}`, target: `SRV${i % 5}`, ts: Date.parse('2026-11-01T00:00:00Z') + i * 3_600_000}));
	addBulk(db, rows, 2, 'sha-staged');
	assert.equal(seen.filter(([table]) => table === 'hour_totals').length, 1, 'hour rows added once');
	assert.equal(seen.filter(([table]) => table === 'hunt_days').length, 1, 'day rows added once');
	for (const [table, size] of seen) assert.equal(size, -2000, table);
	assert.equal(cacheSize(db), -65_536);
});

test('the allowlist suggestions run with the small cache', t => {
	const db = fileDb(t);
	addDataset(db, [logon({src_ip: '10.0.0.9', user: 'admin', target: 'SRV1'})]);
	const seen: number[] = [];
	onPrepare(db, sql => {
		if (sql.includes(':jump_users')) seen.push(cacheSize(db));
	});
	suggestEntries(db, 'UTC');
	assert.deepEqual(seen, [-2000]);
	assert.equal(cacheSize(db), -65_536);
});
