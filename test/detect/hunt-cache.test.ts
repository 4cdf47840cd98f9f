/**
 * The hunt cache: a repeated hunt over unchanged data answers from the cache, and every input a
 * hunt depends on (new logons, the allowlist, the clock's view of expiries, the zone, the window,
 * the profile) gives a different key, so an answer is never stale. The cache's rows are poisoned
 * in some tests to prove which path answered.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {insertEntries, setEntryEnabled} from '../../source/db/allowlist.ts';
import {cachedHuntRows, clearHuntCache, dataRevision, eachHuntRow, LAST_HUNT_SQL, lastHuntMs, worthKeeping} from '../../source/db/hunt-cache.ts';
import {openDb, openMemoryDb, type Db} from '../../source/db/open.ts';
import {hunt, huntQuery} from '../../source/detect/hunt.ts';
import {addDataset, logon, logons} from '../helpers/logons.ts';

const NIGHT = Date.parse('2026-11-05T02:00:00Z');
/** admin fanning out to three hosts at night: a finding in every profile. */
const attack = () => ['SRV1', 'SRV2', 'SRV3'].map((target, i) => logon({src_ip: '10.0.0.9', user: 'admin', target, ts: NIGHT + i * 60_000}));

function store(): Db {
	const db = openMemoryDb();
	addDataset(db, attack());
	return db;
}

const entries = (db: Db) => (db.prepare('SELECT count(*) AS n FROM hunt_cache').get() as {n: number}).n;
const poison = (db: Db) => db.prepare(`UPDATE hunt_cache SET rows = '[]'`).run();

function huntRows(db: Db, sql: string, params: Record<string, unknown>): Array<Record<string, unknown>> {
	const rows: Array<Record<string, unknown>> = [];
	eachHuntRow(db, sql, params, row => rows.push(row));
	return rows;
}

test('eachHuntRow gives the rows better-sqlite3 gives, from its raw arrays', () => {
	const db = openMemoryDb();
	// Every storage class, a repeated column name (the last one wins in both), bound parameters, no rows.
	const sql = `SELECT 1 AS a, 2.5 AS b, 'x' || char(0) || 'y' AS c, NULL AS d, X'00ff' AS e, 9007199254740991 AS f, 'first' AS a, @p AS p
		UNION ALL SELECT -3, 0.0, '', 'd', X'', -9007199254740991, 'second', @p`;
	const rows = huntRows(db, sql, {p: 'bound'});
	assert.deepEqual(rows, db.prepare(sql).all({p: 'bound'}));
	assert.deepEqual(Object.keys(rows[0]!), ['a', 'b', 'c', 'd', 'e', 'f', 'p']);
	assert.equal(rows[1]!['a'], 'second');
	assert.deepEqual(huntRows(db, 'SELECT 1 AS a WHERE 0', {}), []);
	// Every profile's statement gives all()'s rows, and its hunt the same findings with and without the cache.
	addDataset(db, attack());
	for (const profile of ['qradar', 'logscale', 'lateral']) {
		const q = huntQuery(db, {profile, tz: 'UTC', window: null});
		const rows = huntRows(db, q.sql, q.params);
		assert.ok(rows.length > 0, profile);
		assert.deepEqual(rows, db.prepare(q.sql).all(q.params), profile);
		const plain = hunt(db, {profile, tz: 'UTC', window: null, cache: false});
		assert.deepEqual(hunt(db, {profile, tz: 'UTC', window: null}), plain, profile);
	}
});

test('a repeated hunt answers from the cache with the same findings', () => {
	const db = store();
	for (const profile of ['qradar', 'logscale', 'lateral']) {
		clearHuntCache(db);
		const first = hunt(db, {profile, tz: 'UTC', window: null});
		assert.equal(entries(db), 1, profile);
		assert.ok(first.findings.length > 0, `${profile} finds the fan-out`);
		const second = hunt(db, {profile, tz: 'UTC', window: null});
		assert.deepEqual(second, first, profile);
		// Proof the second answer came from the cache: a poisoned entry is what the next hunt returns.
		poison(db);
		assert.equal(hunt(db, {profile, tz: 'UTC', window: null}).findings.length, 0, profile);
		// ... and cache: false reads the logons.
		assert.deepEqual(hunt(db, {profile, tz: 'UTC', window: null, cache: false}).findings, first.findings, profile);
	}
});

test('new logons, the allowlist, the zone, the window and the profile each miss the cache', () => {
	const db = store();
	const options = {profile: 'qradar', tz: 'UTC', window: null};
	hunt(db, options);
	poison(db);
	assert.equal(hunt(db, options).findings.length, 0, 'poisoned: answered from the cache');

	assert.ok(hunt(db, {...options, tz: 'Europe/Berlin'}).findings.length > 0, 'another zone');
	assert.ok(hunt(db, {...options, window: 86_400_000}).findings.length > 0, 'another window');
	assert.ok(hunt(db, {...options, limit: 5}).findings.length > 0, 'another limit');
	assert.ok(hunt(db, {...options, profile: 'logscale'}).findings.length > 0, 'another profile');

	poison(db);
	const [id] = insertEntries(db, [{kind: 'user', pattern: 'nobody', match: 'exact', reason: 'test'}], 'tester');
	assert.ok(hunt(db, options).findings.length > 0, 'an allowlist entry added');
	poison(db);
	setEntryEnabled(db, id!, false);
	assert.ok(hunt(db, options).findings.length > 0, 'an allowlist entry disabled');

	poison(db);
	addDataset(db, [logon({src_ip: '10.0.0.9', user: 'admin', target: 'SRV4', ts: NIGHT + 3_600_000})], {path: '/more.json'});
	const grown = hunt(db, options);
	assert.deepEqual(grown.findings[0]?.targets, ['SRV1', 'SRV2', 'SRV3', 'SRV4'], 'a new dataset');
});

test('an allowlist entry expiring changes the revision at the moment it expires', () => {
	const db = store();
	const expires = Date.parse('2026-12-01T00:00:00Z');
	insertEntries(db, [{kind: 'user', pattern: 'admin', match: 'exact', reason: 'until December', expires}], 'tester');
	const before = dataRevision(db, expires - 1);
	assert.notDeepEqual(dataRevision(db, expires), before);
	assert.deepEqual(dataRevision(db, expires - 1000), before);
});

test('the cache keeps only the most recent hunts', () => {
	const db = store();
	for (let limit = 1; limit <= 20; limit++) hunt(db, {profile: 'qradar', tz: 'UTC', window: null, limit});
	assert.equal(entries(db), 12);
});

test('a hunt is kept only when running it took three times what reading it back would', () => {
	// Reading back costs 0.0055 ms a row: 100k rows are kept after 1650 ms, 10 rows after 0.165 ms.
	assert.equal(worthKeeping(1700, 100_000), true);
	assert.equal(worthKeeping(1600, 100_000), false);
	assert.equal(worthKeeping(60_000, 36_000), true);
	assert.equal(worthKeeping(0.2, 10), true);
	assert.equal(worthKeeping(0.1, 10), false);
	assert.equal(worthKeeping(0, 0), true);
	// A quick statement with many rows: answered, not kept (it would have to run for 3.3 s).
	const db = openMemoryDb();
	const count = (sql: string) => {
		let n = 0;
		cachedHuntRows(db, sql, {}, () => n++);
		return n;
	};

	const many = 'WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 200000) SELECT x FROM n';
	assert.equal(count(many), 200_000);
	assert.equal(entries(db), 0);
	// Counting them is kept: one row, after tens of ms; and answered from the cache the next time.
	const counted = `SELECT count(*) AS n FROM (${many})`;
	assert.equal(count(counted), 1);
	assert.equal(entries(db), 1);
	poison(db);
	assert.equal(count(counted), 0);
});

test('a read-only database still hunts, and does not remember', () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lateral-cache-'));
	try {
		const file = path.join(dir, 'store.sqlite');
		const writable = openDb(file);
		addDataset(writable, [...attack(), ...logons(3, i => ({ts: NIGHT - (i + 1) * 3_600_000}))]);
		writable.close();
		const db = openDb(file, {readOnly: true});
		try {
			assert.equal(db.readonly, true);
			assert.ok(hunt(db, {profile: 'qradar', tz: 'UTC', window: null}).findings.length > 0);
			assert.equal(entries(db), 0);
		} finally {
			db.close();
		}
	} finally {
		fs.rmSync(dir, {recursive: true, force: true});
	}
});

test('a hunt while another process writes answers without waiting for the lock, and keeps its busy timeout', () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lateral-cache-'));
	try {
		const file = path.join(dir, 'store.sqlite');
		const loader = openDb(file);
		addDataset(loader, attack());
		const db = openDb(file);
		const timeout = db.pragma('busy_timeout', {simple: true});
		db.pragma('busy_timeout = 60000');
		loader.exec('BEGIN IMMEDIATE'); // a load under way holds the write lock
		try {
			const start = Date.now();
			assert.ok(hunt(db, {profile: 'qradar', tz: 'UTC', window: null}).findings.length > 0);
			assert.ok(Date.now() - start < 30_000, 'did not wait out the 60 s busy timeout');
			assert.equal(db.pragma('busy_timeout', {simple: true}), 60000);
		} finally {
			loader.exec('ROLLBACK');
		}

		assert.equal(entries(db), 0, 'nothing remembered while locked');
		db.pragma(`busy_timeout = ${String(timeout)}`);
		hunt(db, {profile: 'qradar', tz: 'UTC', window: null});
		assert.equal(entries(db), 1, 'remembered once the lock is free');
		db.close();
		loader.close();
	} finally {
		fs.rmSync(dir, {recursive: true, force: true});
	}
});

test('lastHuntMs: how long the latest hunt of a profile ran, kept with its entry; answers from the cache do not count', () => {
	const db = store();
	assert.equal(lastHuntMs(db, 'qradar'), undefined);
	hunt(db, {profile: 'qradar', tz: 'UTC', window: null});
	const ran = db.prepare(`SELECT ms FROM hunt_cache WHERE profile = 'qradar'`).pluck().all() as number[];
	assert.equal(ran.length, 1);
	assert.equal(lastHuntMs(db, 'qradar'), ran[0]);
	assert.equal(lastHuntMs(db, 'lateral'), undefined);
	// Known durations: the latest entry of the profile is the one, whatever the others took.
	db.prepare(`UPDATE hunt_cache SET ms = 1500, created_at = 10`).run();
	db.prepare(`INSERT INTO hunt_cache (key, rows, ms, created_at, profile) VALUES ('a', '[]', 2500, 20, 'qradar'), ('b', '[]', 9000, 30, 'lateral'), ('c', '[]', 7000, 5, 'qradar')`).run();
	assert.equal(lastHuntMs(db, 'qradar'), 2500);
	assert.equal(lastHuntMs(db, 'lateral'), 9000);
	// A hit adds no entry and changes no duration.
	db.prepare(`DELETE FROM hunt_cache WHERE key IN ('a', 'b', 'c')`).run();
	hunt(db, {profile: 'qradar', tz: 'UTC', window: null});
	assert.equal(entries(db), 1);
	assert.equal(lastHuntMs(db, 'qradar'), 1500);
});

test('lastHuntMs reads its index alone, not the kept rows (tens of MB per entry at 10M logons)', () => {
	const plan = (store().prepare(`EXPLAIN QUERY PLAN ${LAST_HUNT_SQL}`).all('qradar') as Array<{detail: string}>).map(r => r.detail).join('\n');
	assert.match(plan, /USING COVERING INDEX hunt_cache_profile/);
});
