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

	// The same with allowlist entries of every kind, one of them expired.
	insertEntries(db, [
		{kind: 'src_ip', pattern: '10.0.0.3', match: 'exact', reason: 'scanner'},
		{kind: 'user', pattern: 'svc-*', match: 'glob', reason: 'service account'},
		{kind: 'target', pattern: 'srv2', match: 'exact', reason: 'file server'},
		{kind: 'pair', src_ip: '10.0.0.0/30', user: 'alice', match: 'cidr', reason: 'jump host'},
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

test('whole days inside the window come from hunt_days in whole-hour zones, and from the logons in others', () => {
	const db = dbWith(logons());
	const poisoned = (profile: string, tz: string) => {
		const honest = JSON.stringify(rows(db, profile, null, undefined, tz));
		db.exec('SAVEPOINT poison');
		try {
			db.prepare('UPDATE hunt_days SET logons = logons + 1000').run();
			return JSON.stringify(rows(db, profile, null, undefined, tz)) !== honest;
		} finally {
			db.exec('ROLLBACK TO poison; RELEASE poison');
		}
	};

	for (const profile of ['qradar', 'logscale']) {
		for (const tz of ['UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Tokyo']) assert.ok(poisoned(profile, tz), `${profile} ${tz} reads hunt_days`);
		for (const tz of ['Asia/Kolkata', 'Asia/Kathmandu', 'Pacific/Chatham']) assert.ok(!poisoned(profile, tz), `${profile} ${tz} reads the logons`);
	}

	// A window of less than a day holds no whole day.
	const {window: w} = huntQuery(db, {profile: 'qradar', window: 23 * HOUR, tz: 'UTC'});
	const part = splitWindow(db, w.since, w.until, 'UTC');
	assert.deepEqual([part.days_from, part.days_to, part.head_from, part.head_to, part.tail_from, part.tail_to], [1, 0, w.since, w.until, 1, 0]);
	// No window: every day of the data, nothing before or after it from the logons.
	const all = splitWindow(db, null, null, 'UTC');
	assert.equal(all.days_from, Math.floor(START / DAY));
	assert.equal(all.head_to, all.days_from * DAY - 1);
	assert.equal(all.tail_from, (all.days_to + 1) * DAY);
	db.close();
});
