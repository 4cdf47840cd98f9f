/**
 * The totals kept at load time (migration 0006, finishDataset): the console's unwindowed pivots and
 * the search index's names read them, and must answer exactly what plain SQL over the logons does,
 * with mixed-case names, NULL and '' fields, several datasets, a failed load and a cancelled one.
 * Also: migrating an old database fills the totals, and `lateral events --dataset` reads a
 * dataset's id range now that logons_dataset is gone.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {openDb, openMemoryDb, type Db} from '../../source/db/open.ts';
import {distinctEntities, entityGroups, entitySummary, OTHER_DIMENSIONS, type PivotKind} from '../../source/db/pivots.ts';
import {finishDataset, insertDataset, logonInserter, queryEvents} from '../../source/db/store.ts';
import {loadFile} from '../../source/ingest/load.ts';
import {addDataset, logon} from '../helpers/logons.ts';
import {addBulk, oldDatabase, openUpgraded, PROBES, spread, T0} from '../helpers/totals.ts';

const COLUMN: Record<PivotKind, string> = {src: 'src_ip', user: 'user', target: 'target'};
const MATCH: Record<PivotKind, string> = {src: 'src_ip = @value', user: 'user = @value COLLATE NOCASE', target: 'target = @value COLLATE NOCASE'};

/** The reference answers: plain SQL over every logon, as pivots.ts read them before the totals. */
function rawSummary(db: Db, kind: PivotKind, value: string) {
	const [a, b] = OTHER_DIMENSIONS[kind].map(k => COLUMN[k]);
	const row = db.prepare(`SELECT count(*) AS total, coalesce(sum(outcome = 'failure'), 0) AS failed, min(ts) AS first_ts, max(ts) AS last_ts
		FROM logons WHERE ${MATCH[kind]}`).get({value}) as object;
	const groups = (db.prepare(`SELECT count(*) AS n FROM (SELECT 1 FROM logons WHERE ${MATCH[kind]} GROUP BY ${a}, ${b})`).get({value}) as {n: number}).n;
	return {...row, groups};
}

function rawGroups(db: Db, kind: PivotKind, value: string, limit: number, offset: number) {
	const [a, b] = OTHER_DIMENSIONS[kind].map(k => COLUMN[k]);
	return db.prepare(`SELECT ${a} AS a, ${b} AS b, count(*) AS total, sum(outcome = 'failure') AS failed, min(ts) AS first_ts, max(ts) AS last_ts
		FROM logons WHERE ${MATCH[kind]} GROUP BY ${a}, ${b} ORDER BY last_ts DESC, a, b LIMIT @limit OFFSET @offset`).all({value, limit, offset});
}

const RAW_DISTINCT = `SELECT 'src' AS kind, src_ip AS value, count(*) AS n FROM logons WHERE src_ip IS NOT NULL AND src_ip <> '' GROUP BY src_ip
	UNION ALL SELECT 'user', user, count(*) FROM logons WHERE user IS NOT NULL AND user <> '' GROUP BY user
	UNION ALL SELECT 'target', target, count(*) FROM logons WHERE target IS NOT NULL AND target <> '' GROUP BY target`;

const RAW_TOTALS = `SELECT src_ip, user, target, count(*) AS logons, sum(outcome = 'failure') AS failed, min(ts) AS first_ts, max(ts) AS last_ts
	FROM logons GROUP BY src_ip, user, target ORDER BY src_ip, user, target`;
const TOTALS = 'SELECT src_ip, user, target, logons, failed, first_ts, last_ts FROM pair_totals ORDER BY src_ip, user, target';

function assertSameAsRaw(db: Db): void {
	assert.deepEqual(db.prepare(TOTALS).all(), db.prepare(RAW_TOTALS).all(), 'pair_totals is the GROUP BY of the logons');
	assert.deepEqual(distinctEntities(db), db.prepare(RAW_DISTINCT).all(), 'distinct names, same order');
	for (const kind of ['src', 'user', 'target'] as const) {
		for (const value of PROBES[kind]) {
			const label = `${kind} ${JSON.stringify(value)}`;
			const summary = entitySummary(db, kind, value);
			assert.deepEqual(summary, rawSummary(db, kind, value), label);
			// The windowed path (over the logons) agrees with an all-inclusive window.
			assert.deepEqual(entitySummary(db, kind, value, {since: 0}), summary, label);
			for (const [limit, offset] of [[1000, 0], [3, 0], [3, 3], [5, 7], [2, summary.groups - 1]] as const) {
				const page = entityGroups(db, kind, value, {limit, offset});
				assert.deepEqual(page, rawGroups(db, kind, value, limit, offset), `${label} page ${limit}+${offset}`);
				assert.deepEqual(entityGroups(db, kind, value, {limit, offset}, {until: T0 + 1e9}), page, `${label} windowed page ${limit}+${offset}`);
			}
		}
	}
}

test('the totals answer every pivot as plain SQL over the logons does, across datasets, failed and cancelled loads', async () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lateral-totals-'));
	const db = openDb(path.join(dir, 'x.sqlite'));
	try {
		// A file through the bulk loader (deferred index builds into an empty table).
		const lines = Array.from({length: 120}, (_, i) => JSON.stringify({EventID: i % 4 === 0 ? 4625 : 4624,
			TimeCreated: new Date(T0 + i * 1000).toISOString(), Computer: ['DC01', 'dc01', 'SRV-FS01'][i % 3],
			TargetUserName: ['adm-jdoe', 'ADM-JDOE', 'alice', ''][i % 4], TargetDomainName: 'CORP', LogonType: '3', IpAddress: ['10.0.0.5', '-', ''][i % 3], IpPort: '50000'}));
		const file = path.join(dir, 'a.ndjson');
		fs.writeFileSync(file, `${lines.join('\n')}\n`);
		assert.equal((await loadFile(db, file, {tz: 'UTC'})).status, 'loaded');
		addDataset(db, spread(400, 1));
		addDataset(db, spread(250, 2));
		assertSameAsRaw(db);
		const before = db.prepare(TOTALS).all();

		// A load that fails after finishing its dataset leaves neither logons nor totals.
		assert.throws(() => db.transaction(() => {
			const id = insertDataset(db, {path: '/fixtures/failed.json', format: 'windows-json', sha256: 'f'.repeat(64)});
			const insert = logonInserter(db, id);
			for (const row of spread(50, 3)) insert(row);
			finishDataset(db, id, {records: 50, rejected: 0, skipped: 0, first_ts: T0, last_ts: T0, time_field: null});
			throw new Error('disk full');
		})(), /disk full/);
		// A cancelled bulk load (its rows written, then rolled back).
		const other = path.join(dir, 'b.ndjson');
		fs.writeFileSync(other, `${lines.map(l => l.replace('CORP', 'CORP2')).join('\n')}\n`);
		assert.match(JSON.stringify(await loadFile(db, other, {tz: 'UTC', cancelled: () => true})), /cancelled/);
		assert.deepEqual(db.prepare(TOTALS).all(), before);

		addDataset(db, spread(300, 4));
		addDataset(db, []);
		assertSameAsRaw(db);
		// Both ways the totals answer were taken: names spelled once, and names spelled several ways
		// whose groups merge (the same source and user on DC01 and on dc01).
		const pairs = (kind: string, value: string) => db.prepare(`SELECT count(*) AS spellings, sum(pairs) AS pairs
			FROM entity_totals WHERE kind = ? AND value = ? COLLATE NOCASE`).get(kind, value) as {spellings: number; pairs: number};
		assert.equal(pairs('target', 'dc01').spellings, 3);
		assert.ok(pairs('target', 'dc01').pairs > entitySummary(db, 'target', 'dc01').groups);
		assert.equal(pairs('user', 'adm-jdoe').spellings, 3);
		assert.ok(pairs('user', 'adm-jdoe').pairs > entitySummary(db, 'user', 'adm-jdoe').groups);
		assert.equal(pairs('user', 'alice').spellings, 1);
	} finally {
		db.close();
		fs.rmSync(dir, {recursive: true, force: true});
	}
});

test('the bulk writer folds as it writes, spilling its running totals many times, to exactly the GROUP BY of the logons', () => {
	const db = openMemoryDb();
	addDataset(db, spread(200, 11)); // totals already there, folded by finishDataset
	const rows = [...spread(300, 12), ...['null', 'NULL', '0', ''].map(user => logon({user, src_ip: 'null', target: '0'}))];
	// Three distinct triples held at most: the totals are folded in many small steps.
	addBulk(db, rows, 3, 'b');
	assert.equal(db.prepare('SELECT count(*) AS n FROM logons').pluck().get(), 500 + 4);
	assertSameAsRaw(db);
	// The text 'null' and '0' stay text: four users on one (src 'null', target '0').
	assert.equal(db.prepare(`SELECT count(*) FROM pair_totals WHERE src_ip = 'null' AND target = '0'`).pluck().get(), 4);
});

test('NULL is a value of its own in the totals key: (NULL, u, t), (\'\', u, t) and (\'0\', u, t) are three rows, each counted once', () => {
	const db = openMemoryDb();
	for (const src of [null, '', '0']) addDataset(db, [logon({src_ip: src, user: null, target: null}), logon({src_ip: src, user: null, target: null, outcome: 'failure'})]);
	addDataset(db, [logon({src_ip: null, user: null, target: null})]);
	assert.deepEqual(db.prepare('SELECT src_ip, user, target, logons, failed FROM pair_totals ORDER BY src_ip').all(), [
		{src_ip: null, user: null, target: null, logons: 3, failed: 1},
		{src_ip: '', user: null, target: null, logons: 2, failed: 1},
		{src_ip: '0', user: null, target: null, logons: 2, failed: 1},
	]);
	// The key refuses a second (NULL, NULL, NULL) row.
	assert.throws(() => db.prepare('INSERT INTO pair_totals (src_ip, user, target, logons, failed, first_ts, last_ts) VALUES (NULL, NULL, NULL, 1, 0, 0, 0)').run(), /UNIQUE/);
	assert.deepEqual(entitySummary(db, 'src', '0'), rawSummary(db, 'src', '0'));
	assert.deepEqual(entitySummary(db, 'src', ''), rawSummary(db, 'src', ''));
});

test('an upgrade that reads no logons promises no minutes (schema 10 -> 17 adds columns, an index, sums of hunt_targets, thins hour_totals, copies hunt_days and sums it per day: under a minute)', () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lateral-totals-'));
	try {
		const file = path.join(dir, 'ten.sqlite');
		oldDatabase(file, [spread(50, 5)], 10);
		const {db, said} = openUpgraded(file);
		assert.deepEqual(said.map(line => line.replace(/ \S*ten\.sqlite /, ' FILE ')), ['lateral: upgrading FILE to schema 17 (once; under a minute for 10 million logons)\n']);
		// Loaded before sizes were recorded: their size is unknown.
		assert.deepEqual(db.prepare('SELECT bytes FROM datasets').all(), [{bytes: null}]);
		// Loaded before repeats were counted: not known either.
		assert.deepEqual(db.prepare('SELECT repeats FROM datasets').all(), [{repeats: null}]);
		db.close();
	} finally {
		fs.rmSync(dir, {recursive: true, force: true});
	}
});

test('migrating an old database fills the totals from its logons and drops logons_dataset', () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lateral-totals-'));
	try {
		const file = path.join(dir, 'old.sqlite');
		oldDatabase(file, [spread(200, 5), [], spread(100, 6)]);
		const {db, said} = openUpgraded(file);

		assert.equal(said.length, 1);
		assert.match(said[0]!, /^lateral: upgrading .*old\.sqlite to schema \d+ \(once; a few minutes for 10 million logons\)\n$/);
		assertSameAsRaw(db);
		assert.deepEqual(db.prepare('SELECT id, first_id, last_id FROM datasets ORDER BY id').all(), [
			{id: 1, first_id: 1, last_id: 200},
			{id: 2, first_id: 1, last_id: 0},
			{id: 3, first_id: 201, last_id: 300},
		]);
		assert.equal(db.prepare(`SELECT count(*) AS n FROM sqlite_schema WHERE name = 'logons_dataset'`).pluck().get(), 0);
		// Later loads add to the migrated totals.
		addDataset(db, spread(150, 7));
		assertSameAsRaw(db);
		assert.deepEqual(queryEvents(db, {dataset: 3}).map(e => e.id), db.prepare('SELECT id FROM logons WHERE dataset_id = 3 ORDER BY ts, id').pluck().all());
		db.close();
	} finally {
		fs.rmSync(dir, {recursive: true, force: true});
	}
});

test('lateral events --dataset returns exactly that dataset\'s logons through its id range', () => {
	const db = openMemoryDb();
	const first = addDataset(db, spread(30, 8));
	const empty = addDataset(db, []);
	const second = addDataset(db, spread(20, 9));
	// An unfinished dataset (rows written, finishDataset not yet called) is read to the end of the table.
	const open = insertDataset(db, {path: '/fixtures/open.json', format: 'windows-json', sha256: 'o'.repeat(64)});
	const insert = logonInserter(db, open);
	for (const row of spread(5, 10)) insert(row);
	const expected = (id: number) => db.prepare('SELECT id FROM logons WHERE dataset_id = ? ORDER BY ts, id').pluck().all(id);
	for (const id of [first, empty, second, open, 999]) {
		assert.deepEqual(queryEvents(db, {dataset: id}).map(e => e.id), expected(id), `dataset ${id}`);
	}

	assert.deepEqual(queryEvents(db, {dataset: second, user: 'ADM-JDOE', limit: 3}).map(e => e.id),
		db.prepare('SELECT id FROM logons WHERE dataset_id = ? AND user = ? COLLATE NOCASE ORDER BY ts, id LIMIT 3').pluck().all(second, 'adm-jdoe'));
	assert.deepEqual(db.prepare('SELECT id, first_id, last_id FROM datasets ORDER BY id').all(), [
		{id: first, first_id: 1, last_id: 30},
		{id: empty, first_id: 31, last_id: 30},
		{id: second, first_id: 31, last_id: 50},
		{id: open, first_id: 51, last_id: null},
	]);
});
