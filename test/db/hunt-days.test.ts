/**
 * The day totals the seed hunts read (migration 0009, hunt_days), their sums over every day
 * (migration 0010, hunt_targets), over every target (migration 0013, hunt_pairs) and over each day's
 * targets (migration 0017, hunt_day_pairs): they equal the logons counted in JavaScript after
 * every way logons are written, kept or rolled back, whatever the bulk writer's spill size, and
 * after an upgrade from an older schema.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {openDb, openMemoryDb, type Db} from '../../source/db/open.ts';
import {finishDataset, insertDataset, logonInserter, windowsSecurity} from '../../source/db/store.ts';
import {loadFile} from '../../source/ingest/load.ts';
import type {Logon} from '../../source/ingest/types.ts';
import {addDataset, logon, onPrepare} from '../helpers/logons.ts';
import {addBulk, oldDatabase, openUpgraded, spread, T0} from '../helpers/totals.ts';

const HOUR = 3_600_000;
const DAY = 86_400_000;

type DayRow = {src_ip: string; user: string; day: number; target: string | null; wsec: number; logons: number; failed: number; first_ts: number; last_ts: number; hours: number};

const TYPES = [3, 10, 2, null, 3, 10, 7];
const SOURCES = [null, 'Microsoft Windows Security Event Log', 'WinCollect', 'WINDOWS SECURITY', 'Linux OS', null, 'windows securityx'];

/** spread() with logon types and QRadar log source types mixed in. */
function mixed(count: number, seed: number, at?: (i: number, k: number) => number): Logon[] {
	return spread(count, seed, at).map((row, i) => ({...row, logon_type: TYPES[i % TYPES.length]!, log_source_type: SOURCES[(i * 3) % SOURCES.length]!}));
}

/** Logons on both sides of 1970-01-01 00:00 UTC, on and off whole hours and days. */
const AROUND_EPOCH = [-DAY - 1, -DAY, -HOUR - 1, -HOUR, -1, 0, 1, HOUR, DAY - 1, DAY].map((ts, i) => logon({ts, user: i % 2 ? 'ADM-JDOE' : 'adm-jdoe', src_ip: '10.0.0.9', target: i % 3 ? null : 'DC01', outcome: i % 3 ? 'success' : 'failure'}));

/**
 * The reference: every logon of type 3 or 10 with a source and a user, counted in JavaScript per
 * (src_ip, user, UTC day, target, log source kind); wsec folded by hand (ASCII letters only).
 */
function rawDays(db: Db): DayRow[] {
	const totals = new Map<string, DayRow>();
	const rows = db.prepare('SELECT ts, outcome, logon_type, src_ip, user, target, log_source_type FROM logons').all() as Array<{ts: number; outcome: string; logon_type: number | null; src_ip: string | null; user: string | null; target: string | null; log_source_type: string | null}>;
	for (const r of rows) {
		if ((r.logon_type !== 3 && r.logon_type !== 10) || r.src_ip === null || r.user === null) continue;
		const day = Math.floor(r.ts / DAY);
		const lst = r.log_source_type;
		const wsec = lst === null || [...lst].map(c => (c >= 'A' && c <= 'Z' ? String.fromCharCode(c.charCodeAt(0) + 32) : c)).join('').includes('windows security') ? 1 : 0;
		const key = JSON.stringify([r.src_ip, r.user, day, r.target, wsec]);
		const t = totals.get(key) ?? {src_ip: r.src_ip, user: r.user, day, target: r.target, wsec, logons: 0, failed: 0, first_ts: r.ts, last_ts: r.ts, hours: 0};
		t.logons++;
		if (r.outcome === 'failure') t.failed++;
		t.first_ts = Math.min(t.first_ts, r.ts);
		t.last_ts = Math.max(t.last_ts, r.ts);
		t.hours |= 1 << (Math.floor(r.ts / HOUR) - day * 24);
		totals.set(key, t);
	}

	return [...totals.values()].sort(byKey);
}

function byKey(a: DayRow, b: DayRow): number {
	return JSON.stringify([a.src_ip, a.user, a.day, a.target, a.wsec]) < JSON.stringify([b.src_ip, b.user, b.day, b.target, b.wsec]) ? -1 : 1;
}

function keptDays(db: Db): DayRow[] {
	return (db.prepare(`SELECT src_ip, user, day, nullif(target, X'') AS target, wsec, logons, failed, first_ts, last_ts, hours FROM hunt_days`).all() as DayRow[]).sort(byKey);
}

type TargetRow = Omit<DayRow, 'day'>;

/** The reference day rows added up per (src_ip, user, target, wsec) over their days, hours ORed. */
function rawTargets(days: DayRow[]): TargetRow[] {
	const totals = new Map<string, TargetRow>();
	for (const {day, ...d} of days) {
		const key = JSON.stringify([d.src_ip, d.user, d.target, d.wsec]);
		const t = totals.get(key);
		totals.set(key, t ? {...t, logons: t.logons + d.logons, failed: t.failed + d.failed, first_ts: Math.min(t.first_ts, d.first_ts),
			last_ts: Math.max(t.last_ts, d.last_ts), hours: t.hours | d.hours} : d);
	}

	return [...totals.values()].sort(byTargetKey);
}

function byTargetKey(a: TargetRow, b: TargetRow): number {
	return JSON.stringify([a.src_ip, a.user, a.target, a.wsec]) < JSON.stringify([b.src_ip, b.user, b.target, b.wsec]) ? -1 : 1;
}

function keptTargets(db: Db): TargetRow[] {
	return (db.prepare(`SELECT src_ip, user, nullif(target, X'') AS target, wsec, logons, failed, first_ts, last_ts, hours FROM hunt_targets`).all() as TargetRow[]).sort(byTargetKey);
}

type PairRow = Omit<TargetRow, 'target'> & {targets: string};
type DayPairRow = Omit<DayRow, 'target'> & {targets: string};

/**
 * Rows added up per `keyOf`, hours ORed, with their named targets as a JSON array sorted by their
 * UTF-8 bytes (as SQLite compares text).
 */
function addUpTargets<R extends TargetRow>(rows: R[], keyOf: (row: R) => unknown[]): Array<Omit<R, 'target'> & {targets: string}> {
	const totals = new Map<string, {row: R; names: string[]}>();
	for (const row of rows) {
		const key = JSON.stringify(keyOf(row));
		const names = row.target === null ? [] : [row.target];
		const p = totals.get(key);
		if (p) {
			p.row = {...p.row, logons: p.row.logons + row.logons, failed: p.row.failed + row.failed, first_ts: Math.min(p.row.first_ts, row.first_ts),
				last_ts: Math.max(p.row.last_ts, row.last_ts), hours: p.row.hours | row.hours};
			p.names.push(...names);
		} else {
			totals.set(key, {row, names});
		}
	}

	return [...totals.values()].map(({row: {target: _, ...p}, names}) => ({...p, targets: JSON.stringify(names.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))))}));
}

/** The reference target rows added up per (src_ip, user, wsec) with their names (migration 0013). */
function rawPairs(targets: TargetRow[]): PairRow[] {
	return addUpTargets(targets, t => [t.src_ip, t.user, t.wsec]).sort(byPairKey);
}

function byPairKey(a: PairRow, b: PairRow): number {
	return JSON.stringify([a.src_ip, a.user, a.wsec]) < JSON.stringify([b.src_ip, b.user, b.wsec]) ? -1 : 1;
}

function keptPairs(db: Db): PairRow[] {
	return (db.prepare('SELECT src_ip, user, wsec, logons, failed, first_ts, last_ts, hours, targets FROM hunt_pairs').all() as PairRow[]).sort(byPairKey);
}

/** The reference day rows added up per (day, src_ip, user, wsec) with their names (migration 0017). */
function rawDayPairs(days: DayRow[]): DayPairRow[] {
	return addUpTargets(days, d => [d.day, d.src_ip, d.user, d.wsec]).sort(byDayPairKey);
}

function byDayPairKey(a: DayPairRow, b: DayPairRow): number {
	return JSON.stringify([a.day, a.src_ip, a.user, a.wsec]) < JSON.stringify([b.day, b.src_ip, b.user, b.wsec]) ? -1 : 1;
}

function keptDayPairs(db: Db): DayPairRow[] {
	return (db.prepare('SELECT src_ip, user, day, wsec, logons, failed, first_ts, last_ts, hours, targets FROM hunt_day_pairs').all() as DayPairRow[]).sort(byDayPairKey);
}

/**
 * hunt_days is the logons counted per day, hunt_targets those days added up (migration 0010),
 * hunt_pairs those targets added up with their names (migration 0013), and hunt_day_pairs each
 * day's targets added up with their names (migration 0017).
 */
function assertDaysSameAsRaw(db: Db, label: string): void {
	const raw = rawDays(db);
	assert.ok(raw.length > 0, 'some rows');
	assert.deepEqual(keptDays(db), raw, `hunt_days is the logons counted per day ${label}`);
	const targets = rawTargets(raw);
	assert.ok(targets.length < raw.length, 'some targets on more than one day');
	assert.deepEqual(keptTargets(db), targets, `hunt_targets is hunt_days over every day ${label}`);
	const pairs = rawPairs(targets);
	assert.deepEqual(keptPairs(db), pairs, `hunt_pairs is hunt_targets over every target ${label}`);
	assert.deepEqual(keptDayPairs(db), rawDayPairs(raw), `hunt_day_pairs is hunt_days over each day's targets ${label}`);
}

test('wsec folds ASCII letters only, as SQLite lower() does', () => {
	assert.equal(windowsSecurity(null), 1);
	assert.equal(windowsSecurity('Microsoft WINDOWS Security Event Log'), 1);
	assert.equal(windowsSecurity('WinCollect'), 0);
	// The Kelvin sign lowercases to k in JavaScript, not in SQLite: no k in the phrase, but the
	// dotted capital I (U+0130) and a fullwidth W must not match either.
	assert.equal(windowsSecurity('W\u0130NDOWS SECURITY'), 0);
	assert.equal(windowsSecurity('\uFF37indows security'), 0);
	const db = openMemoryDb();
	for (const text of ['W\u0130NDOWS SECURITY', 'Windows Security', 'windows-security']) {
		const sql = (db.prepare(`SELECT instr(lower(?), 'windows security') > 0 AS m`).get(text) as {m: number}).m;
		assert.equal(windowsSecurity(text), sql, text);
	}

	db.close();
});

test('the day totals equal the logons counted per day across bulk loads, other writers, datasets, a failed load and a cancelled one', async () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lateral-days-'));
	const db = openDb(path.join(dir, 'x.sqlite'));
	try {
		const lines = Array.from({length: 150}, (_, i) => JSON.stringify({EventID: i % 4 === 0 ? 4625 : 4624,
			TimeCreated: new Date(T0 + i * 997_000).toISOString(), Computer: ['DC01', 'dc01', 'SRV-FS01'][i % 3],
			TargetUserName: ['adm-jdoe', 'ADM-JDOE', 'alice', ''][i % 4], TargetDomainName: 'CORP', LogonType: String(TYPES[i % 3]), IpAddress: ['10.0.0.5', '-', ''][i % 3], IpPort: '50000'}));
		const file = path.join(dir, 'a.ndjson');
		fs.writeFileSync(file, `${lines.join('\n')}\n`);
		assert.equal((await loadFile(db, file, {tz: 'UTC', parseThread: true, foldKeys: 7})).status, 'loaded');
		assertDaysSameAsRaw(db, 'after a threaded bulk load');
		addDataset(db, mixed(400, 1, (i, k) => T0 + (k % 2000) * 600_000));
		addDataset(db, [...mixed(250, 2, (i, k) => T0 - 40 * HOUR + (k % 9000) * 60_000), ...AROUND_EPOCH]);
		assertDaysSameAsRaw(db, 'after other writers');
		assert.ok(keptPairs(db).some(p => p.targets.includes('",')), 'some pairs with more than one target');
		assert.ok(keptDayPairs(db).some(p => p.targets.includes('",')), 'some pairs with more than one target on a day');
		const before = db.prepare('SELECT * FROM hunt_days').all();
		const beforeTargets = db.prepare('SELECT * FROM hunt_targets').all();
		const beforePairs = db.prepare('SELECT * FROM hunt_pairs').all();
		const beforeDayPairs = db.prepare('SELECT * FROM hunt_day_pairs').all();

		assert.throws(() => db.transaction(() => {
			const id = insertDataset(db, {path: '/fixtures/failed.json', format: 'windows-json', sha256: 'f'.repeat(64)});
			const insert = logonInserter(db, id);
			for (const row of mixed(50, 3, () => T0 + 1000 * HOUR)) insert(row);
			finishDataset(db, id, {records: 50, rejected: 0, skipped: 0, first_ts: T0, last_ts: T0, time_field: null});
			throw new Error('disk full');
		})(), /disk full/);
		assert.throws(() => db.transaction(() => {
			addBulk(db, mixed(200, 4, (i, k) => T0 + (k % 300) * HOUR), 5, 'e');
			throw new Error('disk full');
		})(), /disk full/);
		fs.writeFileSync(path.join(dir, 'b.ndjson'), `${lines.slice(0, 40).join('\n')}\n{"EventID": 4624}\n`);
		assert.match(JSON.stringify(await loadFile(db, path.join(dir, 'b.ndjson'), {tz: 'UTC', cancelled: () => true})), /cancelled/);
		assert.deepEqual(db.prepare('SELECT * FROM hunt_days').all(), before);
		assert.deepEqual(db.prepare('SELECT * FROM hunt_targets').all(), beforeTargets);
		assert.deepEqual(db.prepare('SELECT * FROM hunt_pairs').all(), beforePairs);
		assert.deepEqual(db.prepare('SELECT * FROM hunt_day_pairs').all(), beforeDayPairs);
		assertDaysSameAsRaw(db, 'after loads that kept nothing');
	} finally {
		db.close();
		fs.rmSync(dir, {recursive: true, force: true});
	}
});

test('the bulk writer spilling every few keys, or holding every key to the end, adds up to the same day totals', () => {
	for (const foldKeys of [1, 3, 7, 1_000_000]) {
		const db = openMemoryDb();
		addDataset(db, mixed(200, 11));
		// Days spread over a month, some before 1970, and the text 'null' and '0' as names.
		const rows = [...mixed(300, 12, (i, k) => T0 + ((k % 700) - 350) * HOUR + (k % 3600) * 1000), ...AROUND_EPOCH,
			...['null', 'NULL', '0', ''].map(user => logon({user, src_ip: 'null', target: '0'}))];
		addBulk(db, rows, foldKeys, 'b');
		addBulk(db, mixed(100, 13, (i, k) => T0 + (k % 90) * HOUR), foldKeys, 'c');
		assertDaysSameAsRaw(db, `spilling every ${foldKeys} keys`);
		assert.ok(keptPairs(db).some(p => p.targets.includes('",')), 'some pairs with more than one target');
		assert.ok(keptDayPairs(db).some(p => p.targets.includes('",')), 'some pairs with more than one target on a day');
		// A logon without a target is kept apart from the target '' and the text '0'.
		assert.deepEqual(db.prepare(`SELECT typeof(target) AS t, sum(logons) AS n FROM hunt_days WHERE src_ip = '10.0.0.9' GROUP BY 1 ORDER BY 1`).all(),
			[{t: 'blob', n: 6}, {t: 'text', n: 4}]);
		db.close();
	}
});

test('into an empty store the bulk writer adds the days without the triggers and fills hunt_targets in one pass; the triggers are back for the next load, and after a rollback', () => {
	const db = openMemoryDb();
	const triggers = () => db.prepare(`SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'hunt_days' ORDER BY name`).all();
	const before = triggers();
	assert.equal(before.length, 2);
	const seen: string[] = [];
	onPrepare(db, sql => {
		if (/INSERT INTO hunt_targets[\s\S]*FROM hunt_days/.test(sql)) seen.push(sql);
	});
	// A first load that fails after its days are added: everything is rolled back, triggers kept.
	assert.throws(() => db.transaction(() => {
		addBulk(db, mixed(300, 31), 3, 'x');
		throw new Error('disk full');
	})(), /disk full/);
	assert.deepEqual(triggers(), before);
	assert.equal((db.prepare('SELECT count(*) AS n FROM hunt_targets').get() as {n: number}).n, 0);
	seen.length = 0;

	// Days spilled in several pieces (a key staged more than once), into the empty tables.
	addBulk(db, mixed(300, 32, (i, k) => T0 + ((k % 90) - 45) * HOUR), 3, 'a');
	assert.equal(seen.length, 1, 'hunt_targets filled from hunt_days');
	assertDaysSameAsRaw(db, 'after a first bulk load');
	assert.deepEqual(triggers(), before);
	// The next load adds to them through the triggers.
	seen.length = 0;
	addBulk(db, mixed(200, 33, (i, k) => T0 + ((k % 60) - 20) * HOUR), 5, 'b');
	assert.equal(seen.length, 0, 'the triggers added these days');
	assertDaysSameAsRaw(db, 'after a second bulk load');
	db.close();
});

for (const version of [8, 9, 16]) {
	test(`migrating a schema ${version} database fills the day and target totals from its logons, and later loads add to them`, () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lateral-days-'));
		try {
			const file = path.join(dir, 'old.sqlite');
			oldDatabase(file, [mixed(200, 5, (i, k) => T0 + ((k % 100) - 50) * HOUR + i), [], [...mixed(100, 6), ...AROUND_EPOCH]], version);
			const {db} = openUpgraded(file);

			assert.ok((db.pragma('user_version', {simple: true}) as number) >= 10);
			assertDaysSameAsRaw(db, 'after the migration');
			addDataset(db, mixed(150, 7));
			addBulk(db, mixed(150, 8, (i, k) => T0 + (k % 50) * HOUR), 4, 'd');
			assertDaysSameAsRaw(db, 'after loads into the migrated store');
			db.close();
		} finally {
			fs.rmSync(dir, {recursive: true, force: true});
		}
	});
}
