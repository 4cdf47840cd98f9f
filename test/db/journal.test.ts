/**
 * A large load into an empty store is written through a rollback journal rather than the WAL
 * (leaveWal), so its pages reach the file once; the store is in WAL again afterwards. With another
 * connection open, or data in the store, the load stays in WAL. (A load killed in this mode:
 * test/hardening/faults.test.ts.)
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import {enterWal, leaveWal, migrate, openDb, type Db} from '../../source/db/open.ts';
import {insertDataset, storeEmpty} from '../../source/db/store.ts';
import {loadFile} from '../../source/ingest/load.ts';
import {onPrepare} from '../helpers/logons.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lateral-journal-'));
test.after(() => fs.rmSync(dir, {recursive: true, force: true}));

let stores = 0;
function store(): {file: string; db: Db} {
	const file = path.join(dir, `s${++stores}.sqlite`);
	return {file, db: openDb(file)};
}

const mode = (db: Db) => db.pragma('journal_mode', {simple: true});

/** Records the journal mode each time `db` prepares an insert into the logons. */
function insertModes(db: Db): string[] {
	const seen: string[] = [];
	onPrepare(db, sql => {
		if (sql.startsWith('INSERT INTO logons')) seen.push(String(mode(db)));
	});
	return seen;
}

/** An NDJSON file of `n` Windows logons. */
function ndjson(n: number, first = 0): string {
	const file = path.join(dir, `f${++stores}.ndjson`);
	const lines = Array.from({length: n}, (_, i) => JSON.stringify({
		EventID: 4624, TimeCreated: new Date(Date.UTC(2026, 10, 2) + (first + i) * 60_000).toISOString(),
		TargetUserName: `u${i % 7}`, IpAddress: `10.0.0.${i % 5}`, Computer: `H${i % 3}`, LogonType: 3,
	}));
	fs.writeFileSync(file, `${lines.join('\n')}\n`);
	return file;
}

const rows = (db: Db) => db.prepare('SELECT ts, src_ip, user, target, raw_ref FROM logons ORDER BY id').all();

test('leaveWal switches only when no other connection is open, without waiting for them', () => {
	const {file, db} = store();
	const other = new Database(file);
	other.prepare('SELECT count(*) FROM logons').get();
	const started = Date.now();
	assert.equal(leaveWal(db), false);
	assert.ok(Date.now() - started < 2000, `gave up at once, not after the 10 s busy timeout (${Date.now() - started} ms)`);
	assert.equal(mode(db), 'wal');
	other.close();
	assert.equal(leaveWal(db), true);
	assert.equal(mode(db), 'delete');
	enterWal(db);
	assert.equal(mode(db), 'wal');
	db.close();
});

test('a load into an empty store writes through a rollback journal, the next one through the WAL; the rows are those of WAL loads', async () => {
	const first = ndjson(300);
	const second = ndjson(200, 300);
	const direct = store();
	assert.equal(storeEmpty(direct.db), true);
	const modes = insertModes(direct.db);
	assert.equal((await loadFile(direct.db, first, {tz: 'UTC', writeOnceBytes: 0})).status, 'loaded');
	assert.equal(mode(direct.db), 'wal', 'back to WAL');
	// As bench/child-load.ts checkpoints (every database, temp included, would fail: see there).
	assert.deepEqual(direct.db.pragma('main.wal_checkpoint(TRUNCATE)'), [{busy: 0, log: 0, checkpointed: 0}]);
	assert.equal(storeEmpty(direct.db), false);
	assert.equal((await loadFile(direct.db, second, {tz: 'UTC', writeOnceBytes: 0})).status, 'loaded');
	assert.deepEqual([...new Set(modes.slice(0, 2))], ['delete'], 'the first load inserted without the WAL');
	assert.equal(modes.at(-1), 'wal', 'the second load, into a store with data, through the WAL');

	const wal = store();
	for (const file of [first, second]) assert.equal((await loadFile(wal.db, file, {tz: 'UTC'})).status, 'loaded');
	assert.deepEqual(rows(direct.db), rows(wal.db));
	assert.equal(direct.db.pragma('integrity_check', {simple: true}), 'ok');
	direct.db.close();
	wal.db.close();
});

test('with a reader open, a load into an empty store stays in WAL and the reader reads on', async () => {
	const {file, db} = store();
	const reader = new Database(file, {readonly: true});
	reader.prepare('SELECT count(*) FROM logons').get();
	const modes = insertModes(db);
	assert.equal((await loadFile(db, ndjson(100), {tz: 'UTC', writeOnceBytes: 0})).status, 'loaded');
	assert.deepEqual([...new Set(modes)], ['wal']);
	assert.equal((reader.prepare('SELECT count(*) AS n FROM logons').get() as {n: number}).n, 100);
	reader.close();
	db.close();
});

test('a refused file into an empty store leaves it empty and in WAL', async () => {
	const {db} = store();
	const bad = path.join(dir, 'bad.ndjson');
	fs.writeFileSync(bad, '{"EventID": 4624, "TimeCreated": "not a time"}\n');
	assert.equal((await loadFile(db, bad, {tz: 'UTC', format: 'windows-json', writeOnceBytes: 0})).status, 'refused');
	assert.equal(mode(db), 'wal');
	assert.equal(storeEmpty(db), true);
	db.close();
});

test('while a load writes without the WAL, another command opens the store at once and reads it through the rollback journal', () => {
	const {file, db} = store();
	assert.equal(leaveWal(db), true);
	db.exec('BEGIN IMMEDIATE');
	insertDataset(db, {path: 'x', format: 'windows-json', sha256: 'loading'});
	const started = Date.now();
	const other = openDb(file);
	assert.ok(Date.now() - started < 2000, `opened without waiting for the writer (${Date.now() - started} ms)`);
	assert.equal(mode(other), 'delete', 'left as the writer set it');
	assert.equal((other.prepare('SELECT count(*) AS n FROM datasets').get() as {n: number}).n, 0, 'the store as it was before the load');
	db.exec('COMMIT');
	other.close();
	enterWal(db);
	assert.equal(mode(db), 'wal');
	db.close();
});

test('migrations another process ran after this one found them pending are skipped, not run twice', () => {
	const file = path.join(dir, `m${++stores}.sqlite`);
	const first = new Database(file);
	const second = new Database(file);
	// The first process migrates after the second has read the schema version, before it takes
	// the write lock.
	const pragma = second.pragma.bind(second);
	let raced = false;
	second.pragma = ((source: string, options?: Database.PragmaOptions) => {
		const result = pragma(source, options);
		if (!raced && source === 'user_version') {
			raced = true;
			migrate(first);
		}

		return result;
	}) as typeof second.pragma;
	migrate(second);
	assert.ok(raced);
	const version = (db: Database.Database) => db.pragma('user_version', {simple: true});
	assert.equal(version(second), version(first));
	assert.equal(second.pragma('integrity_check', {simple: true}), 'ok');
	first.close();
	second.close();
});
