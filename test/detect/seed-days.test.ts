/**
 * The seed profiles reading whole days from hunt_days give the same rows as the seed SQL over the
 * logons alone (test/detect/plain/*.sql, the queries as they were before hunt_days), over days of
 * data across a clock change, for windows that cover whole days, part of one, or all of the data,
 * in zones with whole, half and quarter hour offsets, with and without allowlist entries; and the
 * days really are read from hunt_days where the zone allows.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {insertEntries, listEntries, setEntryEnabled} from '../../source/db/allowlist.ts';
import {huntQuery} from '../../source/detect/hunt.ts';
import {splitWindow} from '../../source/detect/seed-days.ts';
import type {Db} from '../../source/db/open.ts';
import type {Logon} from '../../source/ingest/types.ts';
import {dbWith, logon} from '../helpers/logons.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// 2026-11-01 06:00Z: New York's clocks go back (02:00 EDT -> 01:00 EST).
const US_FALL = Date.parse('2026-11-01T06:00:00Z');
const START = US_FALL - 4 * DAY - 5 * HOUR - 17 * 60_000;

const SOURCES = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '127.0.0.1', '0.0.0.0', '-', '', null];
const USERS = ['alice', 'Alice', 'adm-bob', 'svc-sql', 'backup', 'WS01$', 'ANONYMOUS LOGON', '', null, 'carol'];
const TARGETS = ['SRV1', 'SRV2', 'srv2', 'DC01', '10.0.1.7', '', null];
const TYPES = [3, 3, 10, 2, null];
const LOG_SOURCES = [null, null, 'Microsoft Windows Security Event Log', 'Linux OS'];

/** 3,000 logons over ten days from START, names and kinds picked by a fixed pseudo-random walk. */
function logons(): Logon[] {
	let k = 12_345;
	const next = (n: number) => {
		k = (Math.imul(k, 1_103_515_245) + 12_345) >>> 0;
		return (k >>> 8) % n;
	};

	return Array.from({length: 3000}, (_, i) => logon({
		ts: START + i * 287_999 + next(3) - 1,
		src_ip: SOURCES[next(SOURCES.length)]!,
		user: USERS[next(USERS.length)]!,
		target: TARGETS[next(TARGETS.length)]!,
		logon_type: TYPES[next(TYPES.length)]!,
		log_source_type: LOG_SOURCES[next(LOG_SOURCES.length)]!,
		outcome: next(3) === 0 ? 'failure' : 'success',
	}));
}

const plain = (file: string) => fs.readFileSync(path.join(import.meta.dirname, 'plain', file), 'utf8');

function rows(db: Db, profile: string, window: number | null, now: number | undefined, tz: string, sqlText?: string): unknown[] {
	const {sql, params} = huntQuery(db, {profile, window, now, tz}, sqlText);
	return db.prepare(sql).all(params);
}

test('the seed hunts over hunt_days and the logons give the rows of the seed SQL over the logons alone', () => {
	const db = dbWith(logons());
	const zones = ['UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Pacific/Chatham', 'Australia/Lord_Howe'];
	const ends = [undefined, US_FALL + 2 * DAY, US_FALL + 2 * DAY - 1, US_FALL - HOUR / 2, START + 3 * DAY];
	const windows = [null, 25 * HOUR, 3 * DAY, 3 * DAY - 1, 6 * DAY + 1, 40 * DAY];
	let compared = 0;
	let fromDays = 0;
	const check = () => {
		for (const tz of zones) {
			for (const now of ends) {
				for (const window of windows) {
					for (const profile of ['qradar', 'logscale']) {
						const expected = rows(db, profile, window, now, tz, plain(`hunt-${profile}.sql`));
						assert.deepEqual(rows(db, profile, window, now, tz), expected, `${profile} ${tz} now=${now} window=${window}`);
						compared += expected.length;
					}

					const {window: w} = huntQuery(db, {profile: 'qradar', window, now, tz});
					const split = splitWindow(db, w.since, w.until, tz);
					if (split.days_from <= split.days_to) fromDays++;
				}
			}
		}
	};

	check();
	assert.ok(compared > 1000, `rows compared: ${compared}`);
	assert.ok(fromDays > 50, `hunts that read days: ${fromDays}`);

	// The same with allowlist entries that do not name a target (every day of the data read from
	// hunt_pairs), then with entries of every kind, one of them expired (from hunt_targets).
	insertEntries(db, [
		{kind: 'src_ip', pattern: '10.0.0.3', match: 'exact', reason: 'scanner'},
		{kind: 'user', pattern: 'svc-*', match: 'glob', reason: 'service account'},
		{kind: 'pair', src_ip: '10.0.0.0/30', user: 'alice', match: 'cidr', reason: 'jump host'},
	], 'test');
	check();
	insertEntries(db, [
		{kind: 'target', pattern: 'srv2', match: 'exact', reason: 'file server'},
		{kind: 'pair', src_ip: '10.0.0.1', target: 'DC01', match: 'exact', reason: 'admin'},
		{kind: 'user', pattern: 'carol', match: 'exact', reason: 'gone', expires: Date.parse('2020-01-01T00:00:00Z')},
	], 'test');
	check();

	// A target glob matching every name: a logon without a target (kept in hunt_days as X'') must
	// not match it, as a NULL target never does.
	for (const e of listEntries(db)) setEntryEnabled(db, e.id, false);
	insertEntries(db, [{kind: 'target', pattern: '*', match: 'glob', reason: 'every named target'}], 'test');
	const before = compared;
	check();
	assert.ok(compared > before, 'rows left with no target');
	db.close();
});

test('over every day of the data, a logon in an hour that is before 06:00 on some days only is after hours on those days only', () => {
	// New York: UTC 10:30 is 06:30 EDT (not after hours) and 05:30 EST (after hours); UTC 04:30 is
	// 00:30 EDT (after hours) and 23:30 EST (not). Each pair logs on to two targets as a service
	// account, so it is a row of both seeds. 10.0.0.5 was after hours only on SRV9, at 10:30 EST;
	// 10.0.0.6 only in a logon from a log source other than Windows Security, which qradar leaves out.
	const edt = US_FALL - 2 * DAY;
	const est = US_FALL + 2 * DAY;
	const at = (day: number, h: number) => Math.floor(day / DAY) * DAY + h * HOUR + 30 * 60_000;
	const pairs: Array<[string, number, number]> = [['10.0.0.1', edt, 10], ['10.0.0.2', est, 10], ['10.0.0.3', edt, 4], ['10.0.0.4', est, 4], ['10.0.0.5', edt, 10], ['10.0.0.6', edt, 10]];
	const db = dbWith([
		...pairs.flatMap(([src_ip, day, h]) => ['SRV1', 'SRV2'].map(target => logon({src_ip, user: 'svc-alice', target, ts: at(day, h)}))),
		logon({src_ip: '10.0.0.5', user: 'svc-alice', target: 'SRV9', ts: at(est, 10)}),
		logon({src_ip: '10.0.0.6', user: 'svc-alice', target: 'SRV1', ts: at(est, 10), log_source_type: 'Linux OS'}),
		// Noon UTC on the first and last day: every pair's hours are the data's first to last day.
		logon({src_ip: '10.0.0.9', user: 'bob', ts: at(edt - 3 * DAY, 12)}),
		logon({src_ip: '10.0.0.9', user: 'bob', ts: at(est + 3 * DAY, 12)}),
	]);
	const {params} = huntQuery(db, {profile: 'qradar', window: null, tz: 'America/New_York'});
	assert.equal(params['every_day'], 1);
	const check = (expected: Record<string, number>) => {
		for (const profile of ['qradar', 'logscale']) {
			const got = rows(db, profile, null, undefined, 'America/New_York');
			assert.deepEqual(got, rows(db, profile, null, undefined, 'America/New_York', plain(`hunt-${profile}.sql`)), profile);
			const after = Object.fromEntries((got as Array<Record<string, unknown>>).map(r => [r['source_ip'] ?? r['RemoteAddressIP4'], r['any_after_hours'] ?? r['AnyAfterHours']]));
			assert.deepEqual(after, {...expected, '10.0.0.6': profile === 'qradar' ? 0 : 1}, profile);
		}
	};

	check({'10.0.0.1': 0, '10.0.0.2': 1, '10.0.0.3': 1, '10.0.0.4': 0, '10.0.0.5': 1});
	// With SRV9 allowlisted, its logon is not counted, after hours or not.
	insertEntries(db, [{kind: 'target', pattern: 'SRV9', match: 'exact', reason: 'test'}], 'test');
	check({'10.0.0.1': 0, '10.0.0.2': 1, '10.0.0.3': 1, '10.0.0.4': 0, '10.0.0.5': 0});
	db.close();
});

test('the days at the ends of a window come from hunt_days when the window holds all of their logons', () => {
	// Office hours only (08:00-16:00 UTC) on five days: a window from 05:00 to 20:00 holds the whole
	// of its first and last days' logons.
	const day0 = Math.floor(US_FALL / DAY) - 2;
	const db = dbWith(Array.from({length: 5 * 48}, (_, i) => logon({
		ts: (day0 + Math.floor(i / 48)) * DAY + 8 * HOUR + (i % 48) * 10 * 60_000,
		src_ip: `10.0.0.${i % 3}`, user: ['svc-sql', 'alice', 'adm-bob'][i % 5 % 3]!, target: ['SRV1', 'SRV2', 'DC01', 'SRV3'][i % 7 % 4]!,
		outcome: i % 4 === 0 ? 'failure' : 'success',
	})));
	for (const [a, b] of [[1, 3], [0, 4], [1, 1], [2, 3]] as const) {
		const since = (day0 + a) * DAY + 5 * HOUR;
		const now = (day0 + b) * DAY + 20 * HOUR;
		const split = splitWindow(db, since, now, 'America/New_York');
		assert.deepEqual([split.days_from, split.days_to, split.head_from > split.head_to, split.tail_from > split.tail_to],
			a === 0 && b === 4 ? [1, 0, true, true] : [day0 + a, day0 + b, true, true], `days ${a}-${b}`);
		if (a === 0 && b === 4) assert.equal(split.every_day, 1);
		for (const profile of ['qradar', 'logscale']) {
			const got = rows(db, profile, now - since, now, 'America/New_York');
			assert.ok(got.length > 0, `${profile} ${a}-${b}: rows`);
			assert.deepEqual(got, rows(db, profile, now - since, now, 'America/New_York', plain(`hunt-${profile}.sql`)), `${profile} days ${a}-${b}`);
		}
	}

	db.close();
});

test('whole days inside the window come from hunt_days (qradar\'s one day from hunt_day_pairs), and every day from hunt_pairs, in whole-hour zones; from the logons in others', () => {
	const db = dbWith(logons());
	// Whether the rows change when `table`'s logons are inflated (its triggers left alone: hunt_days
	// adds to hunt_targets, so poisoning it poisons both; hunt_pairs is rebuilt by loads only).
	const poisoned = (table: string, profile: string, window: number | null, tz: string) => {
		const honest = JSON.stringify(rows(db, profile, window, undefined, tz));
		db.exec('SAVEPOINT poison');
		try {
			db.prepare(`UPDATE ${table} SET logons = logons + 1000`).run();
			return JSON.stringify(rows(db, profile, window, undefined, tz)) !== honest;
		} finally {
			db.exec('ROLLBACK TO poison; RELEASE poison');
		}
	};

	for (const profile of ['qradar', 'logscale']) {
		for (const tz of ['UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Tokyo']) {
			assert.ok(poisoned('hunt_pairs', profile, null, tz), `${profile} ${tz} all reads hunt_pairs`);
			assert.ok(poisoned('hunt_days', profile, 3 * DAY, tz), `${profile} ${tz} 3 days reads hunt_days`);
			assert.ok(!poisoned('hunt_targets', profile, 3 * DAY, tz), `${profile} ${tz} 3 days does not read hunt_targets`);
			assert.ok(!poisoned('hunt_pairs', profile, 3 * DAY, tz), `${profile} ${tz} 3 days does not read hunt_pairs`);
		}

		for (const tz of ['Asia/Kolkata', 'Asia/Kathmandu', 'Pacific/Chatham']) {
			for (const window of [null, 3 * DAY]) assert.ok(!poisoned('hunt_days', profile, window, tz), `${profile} ${tz} ${window} reads the logons`);
		}
	}

	// qradar's window of one whole day (23 hours up to the newest logon, below: its day): a row per
	// pair from hunt_day_pairs, not the day's rows of hunt_days.
	for (const tz of ['UTC', 'America/New_York']) {
		assert.ok(poisoned('hunt_day_pairs', 'qradar', 23 * HOUR, tz), `qradar ${tz} one day reads hunt_day_pairs`);
		assert.ok(!poisoned('hunt_days', 'qradar', 23 * HOUR, tz), `qradar ${tz} one day does not read hunt_days`);
		assert.ok(!poisoned('hunt_day_pairs', 'qradar', 3 * DAY, tz), `qradar ${tz} 3 days does not read hunt_day_pairs`);
	}

	// A window of less than a day ending at the newest logon: the newest's day from hunt_days (none
	// of its logons is later), the window before that day from the logons.
	const {window: {since, until}} = huntQuery(db, {profile: 'qradar', window: 23 * HOUR, tz: 'UTC'});
	assert.ok(since !== null && until !== null);
	const part = splitWindow(db, since, until, 'UTC');
	const d = Math.floor(until / DAY);
	assert.deepEqual([part.days_from, part.days_to, part.head_from, part.head_to, part.tail_from, part.tail_to], [d, d, since, d * DAY - 1, (d + 1) * DAY, until]);
	// Ending an hour earlier, that day has logons after the window: no whole day.
	const early = splitWindow(db, since - HOUR, until - HOUR, 'UTC');
	assert.deepEqual([early.days_from, early.days_to, early.head_from, early.head_to, early.tail_from, early.tail_to], [1, 0, since - HOUR, until - HOUR, 1, 0]);
	// No window: every day of the data from hunt_pairs, nothing from hunt_days, nothing before or
	// after it from the logons.
	const all = splitWindow(db, null, null, 'UTC');
	assert.equal(all.every_day, 1);
	assert.ok(all.days_from > all.days_to);
	assert.equal(all.head_to, Math.floor(START / DAY) * DAY - 1);
	assert.equal(all.tail_from, (Math.floor(START / DAY) + 11) * DAY);
	// Across New York's clock change: the after-hours masks of EDT and EST days, ANDed and ORed.
	const ny = splitWindow(db, null, null, 'America/New_York');
	assert.deepEqual([ny.night_all, ny.night_any], [0b11111 << 5, 0b1111111 << 4]);
	db.close();
});

test('over every day of the data, the seed hunts read hunt_pairs, and qradar over one day hunt_day_pairs, or hunt_days and hunt_targets when an allowlist entry names a target', () => {
	const zones = ['UTC', 'America/New_York'];
	const same = (db: Db, label: string) => {
		for (const tz of zones) {
			for (const profile of ['qradar', 'logscale']) {
				const expected = rows(db, profile, null, undefined, tz, plain(`hunt-${profile}.sql`));
				assert.ok(expected.length > 5, `${profile} rows`);
				assert.deepEqual(rows(db, profile, null, undefined, tz), expected, `${label}: ${profile} ${tz}`);
			}
		}
	};

	// Without entries, or with entries on sources, users and pairs without a target, hunt_targets
	// is not read: emptied, the rows stay the seed's.
	const pairs = dbWith(logons());
	insertEntries(pairs, [{kind: 'user', pattern: 'svc-*', match: 'glob', reason: 'service account'},
		{kind: 'pair', src_ip: '10.0.0.2', user: 'alice', match: 'exact', reason: 'jump host'}], 'test');
	const read = (db: Db) => rows(db, 'logscale', null, undefined, 'UTC');
	const before = read(pairs);
	pairs.exec('DELETE FROM hunt_targets');
	assert.deepEqual(read(pairs), before);
	same(pairs, 'hunt_targets emptied');
	pairs.close();

	// With an entry on a target (or a pair naming one), hunt_pairs is not read, nor, for qradar's
	// one whole day, hunt_day_pairs: their rows emptied of counts and targets, the rows stay the
	// seed's. Without that entry, they would not.
	const oneDay = (db: Db, sqlText?: string) => rows(db, 'qradar', 23 * HOUR, undefined, 'UTC', sqlText);
	for (const entry of [{kind: 'target', pattern: 'DC01', match: 'exact'}, {kind: 'pair', src_ip: '10.0.0.1', target: 'SRV1', match: 'exact'}] as const) {
		const targets = dbWith(logons());
		const [id] = insertEntries(targets, [{...entry, reason: 'test'}], 'test');
		targets.exec(`UPDATE hunt_pairs SET logons = 1, failed = 0, targets = '[]'`);
		targets.exec(`UPDATE hunt_day_pairs SET logons = 1, failed = 0, targets = '[]'`);
		same(targets, `hunt_pairs emptied, ${entry.kind} entry`);
		assert.ok(oneDay(targets).length > 0, 'rows of one day');
		assert.deepEqual(oneDay(targets), oneDay(targets, plain('hunt-qradar.sql')), `hunt_day_pairs emptied, ${entry.kind} entry`);
		setEntryEnabled(targets, id!, false);
		assert.notDeepEqual(read(targets), rows(targets, 'logscale', null, undefined, 'UTC', plain('hunt-logscale.sql')), 'hunt_pairs is read without the entry');
		assert.notDeepEqual(oneDay(targets), oneDay(targets, plain('hunt-qradar.sql')), 'hunt_day_pairs is read without the entry');
		targets.close();
	}
});

