/**
 * The hour totals kept at load time (migration 0008: logons per name and UTC hour): they equal a
 * GROUP BY over the logons after every way logons are written, kept or rolled back, and after an
 * upgrade; an entity's unwindowed timeline read from them equals the statement over its logons in
 * every zone, and zones whose offsets are not whole hours are answered by that statement.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {openDb, openMemoryDb, type Db} from '../../source/db/open.ts';
import {timelineBuckets, type PivotKind} from '../../source/db/pivots.ts';
import {finishDataset, insertDataset, logonInserter} from '../../source/db/store.ts';
import {loadFile} from '../../source/ingest/load.ts';
import type {Logon} from '../../source/ingest/types.ts';
import {addDataset, logon} from '../helpers/logons.ts';
import {addBulk, keepHoursFrom, oldDatabase, openUpgraded, PROBES, spread, T0} from '../helpers/totals.ts';

const HOUR = 3_600_000;
const MATCH: Record<PivotKind, string> = {src: 'src_ip = @value', user: 'user = @value COLLATE NOCASE', target: 'target = @value COLLATE NOCASE'};

type HourRow = {kind: string; value: string; hour: number; logons: number; failed: number};
const byKey = (a: HourRow, b: HourRow) => a.kind.localeCompare(b.kind) || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0) || a.hour - b.hour;

/** The reference: every logon counted in JavaScript under each of its non-NULL names, hour = floor(ts / 1 h). */
function rawHours(db: Db): HourRow[] {
	const totals = new Map<string, HourRow>();
	const rows = db.prepare('SELECT ts, outcome, src_ip, user, target FROM logons').all() as Array<{ts: number; outcome: string; src_ip: string | null; user: string | null; target: string | null}>;
	for (const row of rows) {
		for (const [kind, value] of [['src', row.src_ip], ['user', row.user], ['target', row.target]] as const) {
			if (value === null) continue;
			const hour = Math.floor(row.ts / HOUR);
			const key = JSON.stringify([kind, value, hour]);
			const t = totals.get(key) ?? {kind, value, hour, logons: 0, failed: 0};
			t.logons++;
			if (row.outcome === 'failure') t.failed++;
			totals.set(key, t);
		}
	}

	return [...totals.values()].sort(byKey);
}

/** The least logons of a name whose hours are kept (migration 0014). */
const leastKept = (db: Db) => (db.prepare('SELECT logons FROM hour_totals_min').get() as {logons: number}).logons;

/** Asserts hour_totals is the reference's rows of the names with at least leastKept logons; returns how many names have hours and how many are kept. */
function assertHoursSameAsRaw(db: Db, label = ''): {names: number; kept: number} {
	const kept = (db.prepare('SELECT kind, value, hour, logons, failed FROM hour_totals').all() as HourRow[]).sort(byKey);
	const raw = rawHours(db);
	assert.ok(raw.length > 0, 'some logons');
	const logons = new Map<string, number>();
	for (const row of raw) logons.set(JSON.stringify([row.kind, row.value]), (logons.get(JSON.stringify([row.kind, row.value])) ?? 0) + row.logons);
	const least = leastKept(db);
	assert.deepEqual(kept, raw.filter(row => logons.get(JSON.stringify([row.kind, row.value]))! >= least), `hour_totals is the GROUP BY of the logons of names with at least ${least} ${label}`);
	return {names: logons.size, kept: [...logons.values()].filter(n => n >= least).length};
}

/** Logons on both sides of 1970-01-01 00:00 UTC, on and off whole hours. */
const AROUND_EPOCH = [-HOUR - 1, -HOUR, -HOUR + 1, -1, 0, 1, HOUR - 1, HOUR].map((ts, i) => logon({ts, user: i % 2 ? 'ADM-JDOE' : 'adm-jdoe', target: '', src_ip: null, outcome: i % 3 ? 'success' : 'failure'}));

/** An NDJSON file of windows-json records over mixed-case names (the bulk loader's path). */
function ndjson(dir: string, name: string, domain: string): string {
	const lines = Array.from({length: 120}, (_, i) => JSON.stringify({EventID: i % 4 === 0 ? 4625 : 4624,
		TimeCreated: new Date(T0 + i * 97_000).toISOString(), Computer: ['DC01', 'dc01', 'SRV-FS01'][i % 3],
		TargetUserName: ['adm-jdoe', 'ADM-JDOE', 'alice', ''][i % 4], TargetDomainName: domain, LogonType: '3', IpAddress: ['10.0.0.5', '-', ''][i % 3], IpPort: '50000'}));
	const file = path.join(dir, name);
	fs.writeFileSync(file, `${lines.join('\n')}\n`);
	return file;
}

test('the hour totals equal a GROUP BY over the logons across bulk loads, other writers, datasets, a failed load and a cancelled one', async () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lateral-hours-'));
	const db = openDb(path.join(dir, 'x.sqlite'));
	keepHoursFrom(db, 1);
	try {
		assert.equal((await loadFile(db, ndjson(dir, 'a.ndjson', 'CORP'), {tz: 'UTC'})).status, 'loaded');
		assertHoursSameAsRaw(db, 'after a bulk load');
		addDataset(db, spread(400, 1));
		addDataset(db, [...spread(250, 2, (i, k) => T0 - 40 * HOUR + (k % 9000) * 60_000), ...AROUND_EPOCH]);
		assertHoursSameAsRaw(db, 'after other writers');
		const before = db.prepare('SELECT * FROM hour_totals').all();

		// A load that fails after finishing its dataset leaves no totals behind.
		assert.throws(() => db.transaction(() => {
			const id = insertDataset(db, {path: '/fixtures/failed.json', format: 'windows-json', sha256: 'f'.repeat(64)});
			const insert = logonInserter(db, id);
			for (const row of spread(50, 3, () => T0 + 1000 * HOUR)) insert(row);
			finishDataset(db, id, {records: 50, rejected: 0, skipped: 0, first_ts: T0, last_ts: T0, time_field: null});
			throw new Error('disk full');
		})(), /disk full/);
		// Nor does a bulk write that spilled its running totals several times before failing.
		assert.throws(() => db.transaction(() => {
			addBulk(db, spread(200, 4, (i, k) => T0 + (k % 300) * HOUR), 5, 'e');
			throw new Error('disk full');
		})(), /disk full/);
		// Nor a cancelled load.
		assert.match(JSON.stringify(await loadFile(db, ndjson(dir, 'b.ndjson', 'CORP2'), {tz: 'UTC', cancelled: () => true})), /cancelled/);
		assert.deepEqual(db.prepare('SELECT * FROM hour_totals').all(), before);

		addDataset(db, spread(300, 5));
		addDataset(db, []);
		assertHoursSameAsRaw(db, 'after more datasets');
	} finally {
		db.close();
		fs.rmSync(dir, {recursive: true, force: true});
	}
});

test('the bulk writer spilling every few keys, or holding every key to the end, adds up to the same hour totals', () => {
	for (const foldKeys of [1, 3, 7, 1_000_000]) {
		const db = openMemoryDb();
		keepHoursFrom(db, 1);
		addDataset(db, spread(200, 11)); // totals already there, folded by finishDataset
		// Hours spread over 12 days, some before 1970, and the text 'null' and '0' as names.
		const rows = [...spread(300, 12, (i, k) => T0 + ((k % 288) - 144) * HOUR + (k % 3600) * 1000), ...AROUND_EPOCH,
			...['null', 'NULL', '0', ''].map(user => logon({user, src_ip: 'null', target: '0'}))];
		addBulk(db, rows, foldKeys, 'b');
		addBulk(db, spread(100, 13), foldKeys, 'c');
		assertHoursSameAsRaw(db, `spilling every ${foldKeys} keys`);
		// The text 'null' is a name like any other: two users, one source with four logons.
		assert.deepEqual(db.prepare(`SELECT kind, value, logons FROM hour_totals WHERE value IN ('null', 'NULL') ORDER BY kind, value`).all(),
			[{kind: 'src', value: 'null', logons: 4}, {kind: 'user', value: 'NULL', logons: 1}, {kind: 'user', value: 'null', logons: 1}]);
		db.close();
	}
});

test('migrating a schema 7 database fills the hour totals from its logons, and later loads add to them', () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lateral-hours-'));
	try {
		const file = path.join(dir, 'old.sqlite');
		// One source, user and target with 1200 logons (over 250: hours kept), the others with few.
		const busy = Array.from({length: 1200}, (_, i) => logon({ts: T0 + i * 600_000, src_ip: '10.0.0.6', user: 'alice', target: 'SRV-FS01', outcome: i % 7 ? 'success' : 'failure'}));
		oldDatabase(file, [spread(200, 5, (i, k) => T0 + ((k % 100) - 50) * HOUR + i), [], [...spread(100, 6), ...AROUND_EPOCH], busy], 7);
		const {db} = openUpgraded(file);

		assert.ok((db.pragma('user_version', {simple: true}) as number) >= 14);
		assert.equal(leastKept(db), 250);
		const {names, kept} = assertHoursSameAsRaw(db, 'after the migration');
		assert.ok(names > kept && kept >= 3, `${kept} of ${names} names kept`);
		assert.deepEqual(db.prepare('SELECT DISTINCT kind, value FROM hour_totals ORDER BY kind').all(), [{kind: 'src', value: '10.0.0.6'}, {kind: 'target', value: 'SRV-FS01'}, {kind: 'user', value: 'alice'}]);
		assertTimelinesSameAsRaw(db, ['UTC', 'America/New_York']);
		addDataset(db, spread(150, 7));
		addBulk(db, spread(150, 8, (i, k) => T0 + (k % 50) * HOUR), 4, 'd');
		assertHoursSameAsRaw(db, 'after loads into the migrated store');
		db.close();
	} finally {
		fs.rmSync(dir, {recursive: true, force: true});
	}
});

/** The reference: the timeline statement over the entity's logons, as pivots.ts reads it with a window. */
function rawTimeline(db: Db, kind: PivotKind, value: string, tz: string) {
	return db.prepare(`SELECT local_day(ts, @tz) * 24 + local_hour(ts, @tz) AS hour, count(*) AS total, sum(outcome = 'failure') AS failed
		FROM logons WHERE ${MATCH[kind]} GROUP BY hour ORDER BY hour`).all({value, tz});
}

function assertTimelinesSameAsRaw(db: Db, zones: string[]): void {
	for (const tz of zones) {
		for (const kind of ['src', 'user', 'target'] as const) {
			for (const value of PROBES[kind]) {
				const label = `${tz} ${kind} ${JSON.stringify(value)}`;
				const buckets = timelineBuckets(db, {kind, value}, tz);
				assert.deepEqual(buckets, rawTimeline(db, kind, value, tz), label);
				assert.deepEqual(timelineBuckets(db, {kind, value}, tz, {since: -1e15}), buckets, `${label}, windowed`);
			}
		}
	}
}

/**
 * True when the unwindowed timeline of `value` in `tz` was read from hour_totals: with every hour
 * row poisoned (inside a savepoint rolled back at once) it changes.
 */
function fromTotals(db: Db, kind: PivotKind, value: string, tz: string): boolean {
	const honest = timelineBuckets(db, {kind, value}, tz);
	db.exec('SAVEPOINT poison');
	try {
		db.prepare('UPDATE hour_totals SET logons = logons + 1000').run();
		return JSON.stringify(timelineBuckets(db, {kind, value}, tz)) !== JSON.stringify(honest);
	} finally {
		db.exec('ROLLBACK TO poison; RELEASE poison');
	}
}

// 2026's clock changes, as UTC instants: the US (second Sunday of March, first of November, at
// 02:00 local), the EU (last Sundays of March and October, at 01:00 UTC) and Lord Howe Island
// (+11 to +10:30 on the first Sunday of April, back on the first of October, at 02:00 local).
const US_SPRING = Date.parse('2026-03-08T07:00:00Z');
const US_FALL = Date.parse('2026-11-01T06:00:00Z');
const EU_SPRING = Date.parse('2026-03-29T01:00:00Z');
const EU_FALL = Date.parse('2026-10-25T01:00:00Z');
const LORD_HOWE_APRIL = Date.parse('2026-04-04T15:00:00Z');
const GOOSE_BAY = Date.parse('2010-03-14T04:00:00Z');

/** Logons every 7 min 13 s for 30 hours either side of `change`. */
const around = (change: number, seed: number): Logon[] => spread(500, seed, i => change - 30 * HOUR + i * 433_000);

/** Whole-hour zones, east and west of Greenwich, with and without daylight saving time. */
const WHOLE = ['UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Tokyo', 'Pacific/Honolulu', 'America/Sao_Paulo'];
/** Zones off by half or three quarters of an hour all year. */
const PARTIAL = ['Asia/Kolkata', 'Asia/Kathmandu', 'America/St_Johns'];

test('an entity\'s timeline read from the hour totals equals the statement over its logons, across both clock changes of the US and the EU', () => {
	const db = openMemoryDb();
	keepHoursFrom(db, 1);
	// A user on either side of the New York clocks going back: 01:30 EDT, then 01:30 EST.
	const nightOwl = [logon({ts: US_FALL - HOUR / 2, user: 'night-owl'}), logon({ts: US_FALL + HOUR / 2, user: 'NIGHT-OWL', outcome: 'failure'})];
	addDataset(db, [...around(US_FALL, 1), ...around(EU_FALL, 2), ...spread(300, 3), ...AROUND_EPOCH, ...nightOwl]);
	addBulk(db, [...around(US_SPRING, 4), ...around(EU_SPRING, 5)], 50, 'a');
	// Lord Howe keeps +11, a whole hour, from October to April: these months' hours map whole.
	const zones = [...WHOLE, ...PARTIAL, 'Australia/Lord_Howe'];
	assertTimelinesSameAsRaw(db, zones);

	// The clocks going back: two UTC hours, two spellings, one local hour (01:00 on 1 November).
	assert.deepEqual(timelineBuckets(db, {kind: 'user', value: 'Night-Owl'}, 'America/New_York'), [{hour: US_FALL / HOUR - 5, total: 2, failed: 1}]);
	assert.deepEqual(timelineBuckets(db, {kind: 'user', value: 'Night-Owl'}, 'UTC'), [{hour: US_FALL / HOUR - 1, total: 1, failed: 0}, {hour: US_FALL / HOUR, total: 1, failed: 1}]);
	assert.equal(fromTotals(db, 'user', 'night-owl', 'America/New_York'), true);

	for (const tz of zones) {
		for (const [kind, value] of [['src', '10.0.0.5'], ['user', 'ADM-jdoe'], ['target', ''], ['target', 'Dc01']] as const) {
			assert.equal(fromTotals(db, kind, value, tz), !PARTIAL.includes(tz), `${tz} ${kind} ${value}: read from the totals`);
		}
	}

	// With Lord Howe's winter (+10:30) in the data its timeline is the logons' statement, however
	// few of its hours are off.
	addDataset(db, around(LORD_HOWE_APRIL, 6));
	assertTimelinesSameAsRaw(db, ['Australia/Lord_Howe', 'Europe/Berlin']);
	assert.equal(fromTotals(db, 'target', 'dc01', 'Australia/Lord_Howe'), false);
	assert.equal(fromTotals(db, 'target', 'dc01', 'Europe/Berlin'), true);

	// Whole hours either side, but changed inside a UTC hour: Goose Bay moved its clocks at 00:01
	// local until 2010 (-4 to -3 at 04:01 UTC on 14 March 2010).
	addDataset(db, [0, 30_000, 61_000, HOUR / 2, HOUR - 1].map(ms => logon({ts: GOOSE_BAY + ms, user: 'goose'})));
	assert.deepEqual(timelineBuckets(db, {kind: 'user', value: 'goose'}, 'America/Goose_Bay').map(b => b.total), [2, 3]);
	assert.deepEqual(timelineBuckets(db, {kind: 'user', value: 'goose'}, 'America/Goose_Bay'), rawTimeline(db, 'user', 'goose', 'America/Goose_Bay'));
	assert.equal(fromTotals(db, 'user', 'goose', 'America/Goose_Bay'), false);
	assert.equal(fromTotals(db, 'user', 'goose', 'America/New_York'), true);
	// A window, however wide, reads the logons.
	db.prepare('UPDATE hour_totals SET logons = logons + 1000').run();
	assert.deepEqual(timelineBuckets(db, {kind: 'user', value: 'alice'}, 'UTC', {until: 8e15}), rawTimeline(db, 'user', 'alice', 'UTC'));
});

test('hour_totals keeps the hours of the names with at least hour_totals_min logons; a name reaching it gets its earlier hours, by every writer', async () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lateral-hours-'));
	const db = openDb(path.join(dir, 'x.sqlite'));
	keepHoursFrom(db, 40);
	try {
		// Every name under 40 logons (about 17 per source, 12 per user or target): none kept.
		addDataset(db, spread(100, 21));
		assert.deepEqual(assertHoursSameAsRaw(db, 'after a few logons').kept, 0);
		assert.equal((db.prepare('SELECT count(*) AS n FROM hour_totals').get() as {n: number}).n, 0);

		// A bulk load into this small store (its indexes dropped and built again): 10.0.0.5 gets 40
		// more logons and its hours from before are added with them.
		assert.equal((await loadFile(db, ndjson(dir, 'a.ndjson', 'CORP'), {tz: 'UTC'})).status, 'loaded');
		const afterLoad = assertHoursSameAsRaw(db, 'after a bulk load');
		assert.ok(afterLoad.kept >= 1, 'a name reached the least');
		assert.ok((db.prepare(`SELECT count(*) AS n FROM hour_totals WHERE kind = 'src' AND value = '10.0.0.5'`).get() as {n: number}).n > 0);

		// The bulk writer spilling every 3 keys (indexes kept), then finishDataset: more names reach it.
		addBulk(db, spread(150, 22), 3, 'x');
		const afterBulk = assertHoursSameAsRaw(db, 'after the bulk writer');
		addDataset(db, spread(60, 23));
		const afterMore = assertHoursSameAsRaw(db, 'after another dataset');
		assert.ok(afterLoad.kept < afterBulk.kept && afterBulk.kept < afterMore.kept && afterMore.kept < afterMore.names, JSON.stringify([afterLoad, afterBulk, afterMore]));

		// A name with its hours kept is read from them, one without from its logons; both as the logons say.
		assertTimelinesSameAsRaw(db, ['UTC', 'Europe/Berlin', 'Asia/Kolkata']);
		assert.equal(fromTotals(db, 'src', '10.0.0.5', 'UTC'), true);
		const small = db.prepare(`SELECT value FROM entity_totals WHERE kind = 'user' AND logons < 40 ORDER BY value LIMIT 1`).get() as {value: string};
		assert.equal(fromTotals(db, 'user', small.value, 'UTC'), false);
		assert.ok(timelineBuckets(db, {kind: 'user', value: small.value}, 'UTC').length > 0);
	} finally {
		db.close();
		fs.rmSync(dir, {recursive: true, force: true});
	}
});
