/**
 * The `qradar` profile (SPEC 4.1, seeds/t1021-qradar-aql.txt), rule by rule: for each rule a
 * small fixture that passes it and one that fails it. Every expected row is written out by hand
 * below; nothing here is computed by the code under test or by the oracle.
 *
 * Most fixtures are built on one "kept" group: alice from 10.0.0.5 on SRV1 and SRV2 at
 * 2026-11-05 10:00:00Z (two distinct hosts, so the HAVING keeps it, score 2). A record under
 * test is added on a third host: when the filter keeps it, the row says 3 hosts and 3 logons.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {hunt} from '../../source/detect/hunt.ts';
import type {HuntOptions} from '../../source/detect/types.ts';
import type {Logon} from '../../source/ingest/types.ts';
import {dbWith, DEFAULT_TS, logon} from '../helpers/logons.ts';
import {QRADAR_KEYS, type QradarRow} from './seed-oracle.ts';

const HOUR = 3_600_000;
const Z = (iso: string) => Date.parse(iso);

function run(rows: Logon[], options: Partial<HuntOptions> = {}): Array<Record<string, unknown>> {
	return hunt(dbWith(rows), {profile: 'qradar', tz: 'UTC', ...options}).rows;
}

/** alice from 10.0.0.5 on SRV1 and SRV2 (successes at DEFAULT_TS), with `partial` on both. */
function two(partial: Partial<Logon> = {}): Logon[] {
	return [logon({...partial, target: 'SRV1'}), logon({...partial, target: 'SRV2'})];
}

/** The row of `two()` as worked out by hand, with overrides. */
function row(overrides: Partial<QradarRow> = {}): QradarRow {
	return {
		first_seen: '2026-11-05 10:00:00',
		last_seen: '2026-11-05 10:00:00',
		source_ip: '10.0.0.5',
		target_user: 'alice',
		total_logons: 2,
		failed_logons: 0,
		success_logons: 2,
		unique_target_hosts: 2,
		is_privileged: 0,
		any_after_hours: 0,
		suspicion_score: 2,
		...overrides,
	};
}

/** The row when the record under test on SRV3 was kept (a third host). */
const kept3 = (overrides: Partial<QradarRow> = {}) => row({total_logons: 3, success_logons: 3, unique_target_hosts: 3, suspicion_score: 3, ...overrides});

test('baseline: two hosts make a row, one host does not', () => {
	assert.deepEqual(run(two()), [row()]);
	assert.deepEqual(run([logon({target: 'SRV1'}), logon({target: 'SRV1'})]), []);
});

test('JSON keys are exactly the seed columns, in order, with numbers as numbers', () => {
	const [r] = run(two());
	assert.ok(r);
	assert.deepEqual(Object.keys(r), [...QRADAR_KEYS]);
	for (const key of ['total_logons', 'failed_logons', 'success_logons', 'unique_target_hosts', 'is_privileged', 'any_after_hours', 'suspicion_score']) {
		assert.equal(typeof r[key], 'number', key);
	}

	assert.match(String(r['first_seen']), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
});

test('an empty store gives no rows', () => {
	assert.deepEqual(run([]), []);
});

test('logon types: 3 and 10 count, 2, 11 and a missing type do not', () => {
	assert.deepEqual(run([...two(), logon({target: 'SRV3', logon_type: 10})]), [kept3()]);
	assert.deepEqual(run([...two(), logon({target: 'SRV3', logon_type: 2})]), [row()]);
	assert.deepEqual(run([...two(), logon({target: 'SRV3', logon_type: 11})]), [row()]);
	assert.deepEqual(run([...two(), logon({target: 'SRV3', logon_type: null})]), [row()]);
	// Only type 10: the group still exists.
	assert.deepEqual(run(two({logon_type: 10})), [row()]);
	assert.deepEqual(run(two({logon_type: 2})), []);
	assert.deepEqual(run(two({logon_type: 11})), []);
});

test('outcomes: failures and successes both count; a logon without an event id (sshd, Falcon) counts', () => {
	assert.deepEqual(run([...two(), logon({target: 'SRV3', outcome: 'failure'})]),
		[kept3({success_logons: 2, failed_logons: 1})]);
	assert.deepEqual(run([...two(), logon({target: 'SRV3', event_id: null, service: 'ssh', logon_type: 10})]), [kept3()]);
});

test('source addresses: 127.0.0.1, 0.0.0.0, "-", empty and missing are dropped', () => {
	for (const src of ['127.0.0.1', '0.0.0.0', '-', '', null]) {
		assert.deepEqual(run(two({src_ip: src})), [], String(src));
	}

	// Near misses are ordinary sources.
	assert.deepEqual(run(two({src_ip: '127.0.0.2'})), [row({source_ip: '127.0.0.2'})]);
	assert.deepEqual(run(two({src_ip: '0.0.0.1'})), [row({source_ip: '0.0.0.1'})]);
});

test('machine accounts: a user ending in $ is dropped whatever its case; a $ elsewhere is not', () => {
	assert.deepEqual(run(two({user: 'WS01$'})), []);
	assert.deepEqual(run(two({user: 'ws01$'})), []);
	assert.deepEqual(run(two({user: 'Ws01$'})), []);
	assert.deepEqual(run(two({user: 'pay$roll'})), [row({target_user: 'pay$roll'})]);
	assert.deepEqual(run(two({user: '$x'})), [row({target_user: '$x'})]);
});

test('excluded user names are exact: the built-ins and empty are dropped, other spellings are kept', () => {
	for (const user of ['ANONYMOUS LOGON', 'LOCAL SERVICE', 'NETWORK SERVICE', '', null]) {
		assert.deepEqual(run(two({user})), [], String(user));
	}

	assert.deepEqual(run(two({user: 'anonymous logon'})), [row({target_user: 'anonymous logon'})]);
	// "service" is one of is_privileged's four patterns but not a score pattern.
	assert.deepEqual(run(two({user: 'Local Service'})), [row({target_user: 'Local Service', is_privileged: 1})]);
	assert.deepEqual(run(two({user: 'NETWORK SERVICE '})), [row({target_user: 'NETWORK SERVICE ', is_privileged: 1})]);
});

test('log source type: kept when it contains "Windows Security" in any case or is missing; dropped otherwise', () => {
	assert.deepEqual(run([...two(), logon({target: 'SRV3', log_source_type: 'Microsoft Windows Security Event Log'})]), [kept3()]);
	assert.deepEqual(run([...two(), logon({target: 'SRV3', log_source_type: 'microsoft WINDOWS SECURITY event log'})]), [kept3()]);
	assert.deepEqual(run([...two(), logon({target: 'SRV3', log_source_type: 'Linux OS'})]), [row()]);
	assert.deepEqual(run([...two(), logon({target: 'SRV3', log_source_type: 'Windows System'})]), [row()]);
	assert.deepEqual(run(two({log_source_type: 'Linux OS'})), []);
	assert.deepEqual(run(two({log_source_type: null})), [row()]);
});

test('24-hour window: now - 24h exactly is kept, 1 ms earlier is dropped; now is kept, later is dropped', () => {
	const now = DEFAULT_TS;
	const base = two();
	const rows = (ts: number) => [...base, logon({target: 'SRV3', ts})];
	assert.deepEqual(run(rows(now - 24 * HOUR), {now}), [kept3({first_seen: '2026-11-04 10:00:00'})]);
	assert.deepEqual(run(rows(now - 24 * HOUR - 1), {now}), [row()]);
	assert.deepEqual(run(rows(now), {now}), [kept3()]);
	assert.deepEqual(run(rows(now + 1), {now}), [row()]);
	// Without --now, now is the newest logon in the store, even one the filter drops.
	assert.deepEqual(run([...rows(now - 24 * HOUR), logon({ts: now + 1, src_ip: '127.0.0.1'})]), [row()]);
	assert.deepEqual(run([...rows(now - 24 * HOUR + 1), logon({ts: now + 1, src_ip: '127.0.0.1'})]),
		[kept3({first_seen: '2026-11-04 10:00:00'})]);
});

test('--window changes the length; all removes it', () => {
	const now = DEFAULT_TS;
	const rows = [...two(), logon({target: 'SRV3', ts: now - 7 * 24 * HOUR})];
	assert.deepEqual(run(rows, {now}), [row()]);
	assert.deepEqual(run(rows, {now, window: 7 * 24 * HOUR}), [kept3({first_seen: '2026-10-29 10:00:00'})]);
	assert.deepEqual(run(rows, {now, window: 7 * 24 * HOUR - 1}), [row()]);
	assert.deepEqual(run(rows, {now, window: null}), [kept3({first_seen: '2026-10-29 10:00:00'})]);
	// No window also lifts the upper bound.
	assert.deepEqual(run([...two(), logon({target: 'SRV3', ts: now + HOUR})], {now: now - HOUR, window: null}),
		[kept3({last_seen: '2026-11-05 11:00:00'})]);
});

test('first_seen / last_seen: min and max formatted yyyy-MM-dd HH:mm:ss in the zone, milliseconds cut', () => {
	const rows = [
		logon({target: 'SRV1', ts: Z('2026-11-05T09:07:08.999Z')}),
		logon({target: 'SRV2', ts: Z('2026-11-05T08:00:00.500Z')}),
		logon({target: 'SRV2', ts: Z('2026-11-05T23:59:59.999Z')}),
	];
	assert.deepEqual(run(rows), [row({first_seen: '2026-11-05 08:00:00', last_seen: '2026-11-05 23:59:59', total_logons: 3, success_logons: 3})]);
	// In Berlin (CET, UTC+1) the last one is already the next day, at 00:59:59 (after hours).
	assert.deepEqual(run(rows, {tz: 'Europe/Berlin'}),
		[row({first_seen: '2026-11-05 09:00:00', last_seen: '2026-11-06 00:59:59', total_logons: 3, success_logons: 3, any_after_hours: 1, suspicion_score: 3})]);
	// Kolkata is UTC+5:30 all year.
	assert.deepEqual(run(rows, {tz: 'Asia/Kolkata'}),
		[row({first_seen: '2026-11-05 13:30:00', last_seen: '2026-11-06 05:29:59', total_logons: 3, success_logons: 3, any_after_hours: 1, suspicion_score: 3})]);
});

test('after hours: 05:59:59.999 local is after hours, 06:00:00.000 is not', () => {
	const at = (ts: number) => [logon({target: 'SRV1'}), logon({target: 'SRV2', ts})];
	assert.deepEqual(run(at(Z('2026-11-05T05:59:59.999Z'))), [row({first_seen: '2026-11-05 05:59:59', any_after_hours: 1, suspicion_score: 3})]);
	assert.deepEqual(run(at(Z('2026-11-05T06:00:00.000Z'))), [row({first_seen: '2026-11-05 06:00:00'})]);
	assert.deepEqual(run(at(Z('2026-11-05T00:00:00.000Z'))), [row({first_seen: '2026-11-05 00:00:00', any_after_hours: 1, suspicion_score: 3})]);
	assert.deepEqual(run(at(Z('2026-11-04T23:59:59.999Z'))), [row({first_seen: '2026-11-04 23:59:59'})]);
	// Berlin in November is UTC+1: 04:59:59.999Z is 05:59:59.999 there, 05:00Z is 06:00.
	assert.deepEqual(run(at(Z('2026-11-05T04:59:59.999Z')), {tz: 'Europe/Berlin'}),
		[row({first_seen: '2026-11-05 05:59:59', last_seen: '2026-11-05 11:00:00', any_after_hours: 1, suspicion_score: 3})]);
	assert.deepEqual(run(at(Z('2026-11-05T05:00:00.000Z')), {tz: 'Europe/Berlin'}),
		[row({first_seen: '2026-11-05 06:00:00', last_seen: '2026-11-05 11:00:00'})]);
});

test('after hours across DST changes in a non-UTC zone', () => {
	// Europe/Berlin springs forward on 2026-03-29 (02:00 CET -> 03:00 CEST): 04:30Z is 05:30 local
	// the day before (after hours) and 06:30 local that day (not).
	const pair = (ts: number) => [logon({target: 'SRV1', ts}), logon({target: 'SRV2', ts})];
	const berlin = {tz: 'Europe/Berlin', window: null};
	assert.deepEqual(run(pair(Z('2026-03-28T04:30:00Z')), berlin),
		[row({first_seen: '2026-03-28 05:30:00', last_seen: '2026-03-28 05:30:00', any_after_hours: 1, suspicion_score: 3})]);
	assert.deepEqual(run(pair(Z('2026-03-29T04:30:00Z')), berlin),
		[row({first_seen: '2026-03-29 06:30:00', last_seen: '2026-03-29 06:30:00'})]);
	// The last instant before 06:00 CEST is 03:59:59.999Z.
	assert.deepEqual(run(pair(Z('2026-03-29T03:59:59.999Z')), berlin),
		[row({first_seen: '2026-03-29 05:59:59', last_seen: '2026-03-29 05:59:59', any_after_hours: 1, suspicion_score: 3})]);
	// Right after the jump: 01:00Z is 03:00 CEST, 00:59:59Z is 01:59:59 CET.
	assert.deepEqual(run([logon({target: 'SRV1', ts: Z('2026-03-29T00:59:59Z')}), logon({target: 'SRV2', ts: Z('2026-03-29T01:00:00Z')})], berlin),
		[row({first_seen: '2026-03-29 01:59:59', last_seen: '2026-03-29 03:00:00', any_after_hours: 1, suspicion_score: 3})]);
	// Falls back on 2026-10-25 (03:00 CEST -> 02:00 CET): 04:30Z is 06:30 local the day before
	// and 05:30 local that day.
	assert.deepEqual(run(pair(Z('2026-10-24T04:30:00Z')), berlin),
		[row({first_seen: '2026-10-24 06:30:00', last_seen: '2026-10-24 06:30:00'})]);
	assert.deepEqual(run(pair(Z('2026-10-25T04:30:00Z')), berlin),
		[row({first_seen: '2026-10-25 05:30:00', last_seen: '2026-10-25 05:30:00', any_after_hours: 1, suspicion_score: 3})]);
	// New York springs forward on 2026-03-08 (02:00 EST -> 03:00 EDT): 10:59:59.999Z is 05:59:59 the
	// day before and 06:59:59 that day; 09:59:59.999Z that day is 05:59:59 EDT.
	const ny = {tz: 'America/New_York', window: null};
	assert.deepEqual(run(pair(Z('2026-03-07T10:59:59.999Z')), ny),
		[row({first_seen: '2026-03-07 05:59:59', last_seen: '2026-03-07 05:59:59', any_after_hours: 1, suspicion_score: 3})]);
	assert.deepEqual(run(pair(Z('2026-03-08T10:59:59.999Z')), ny),
		[row({first_seen: '2026-03-08 06:59:59', last_seen: '2026-03-08 06:59:59'})]);
	assert.deepEqual(run(pair(Z('2026-03-08T09:59:59.999Z')), ny),
		[row({first_seen: '2026-03-08 05:59:59', last_seen: '2026-03-08 05:59:59', any_after_hours: 1, suspicion_score: 3})]);
});

test('times in America/St_Johns (UTC-3:30, DST changes on a half hour UTC) are read as Intl reads them', () => {
	// St. John's springs forward on 2026-03-08 at 02:00 NST (05:30Z) to 03:00 NDT, and falls back
	// on 2026-11-01 at 02:00 NDT (04:30Z) to 01:00 NST. The half hour after each change is where a
	// zone offset looked up once per UTC hour (at :00) goes wrong by an hour.
	// (Known failing when written: source/util/time.ts offsetAt caches per UTC hour, so
	// local_time() gave 02:15:00 for 05:45Z and 02:15:00 for 04:45Z on 2026-11-01.)
	const pair = (ts: number) => [logon({target: 'SRV1', ts}), logon({target: 'SRV2', ts})];
	const sj = {tz: 'America/St_Johns', window: null};
	assert.deepEqual(run(pair(Z('2026-03-08T05:29:59Z')), sj),
		[row({first_seen: '2026-03-08 01:59:59', last_seen: '2026-03-08 01:59:59', any_after_hours: 1, suspicion_score: 3})]);
	assert.deepEqual(run(pair(Z('2026-03-08T05:45:00Z')), sj),
		[row({first_seen: '2026-03-08 03:15:00', last_seen: '2026-03-08 03:15:00', any_after_hours: 1, suspicion_score: 3})]);
	assert.deepEqual(run(pair(Z('2026-11-01T04:45:00Z')), sj),
		[row({first_seen: '2026-11-01 01:15:00', last_seen: '2026-11-01 01:15:00', any_after_hours: 1, suspicion_score: 3})]);
});

test('unique_target_hosts counts distinct non-null targets exactly; a null target still counts as a logon', () => {
	assert.deepEqual(run([...two(), logon({target: null})]), [row({total_logons: 3, success_logons: 3})]);
	// A null target alone: one host, not kept.
	assert.deepEqual(run([logon({target: 'SRV1'}), logon({target: null}), logon({target: null})]), []);
	assert.deepEqual(run([...two(), logon({target: 'SRV1'}), logon({target: 'SRV2'})]), [row({total_logons: 4, success_logons: 4})]);
	// Targets compare as the exact strings.
	assert.deepEqual(run([...two(), logon({target: 'srv1'})]), [kept3()]);
	// A target known only by address.
	assert.deepEqual(run([...two(), logon({dst_host: null, dst_ip: '10.0.1.3'})]), [kept3()]);
});

test('groups are the exact (source, user) strings: users differing in case are separate groups', () => {
	const rows = [...two({user: 'Bob'}), ...two({user: 'bob'}), ...two({user: 'bob', src_ip: '10.0.0.6'})];
	const got = run(rows);
	assert.equal(got.length, 3);
	assert.deepEqual(new Set(got.map(r => `${String(r['source_ip'])}/${String(r['target_user'])}`)), new Set(['10.0.0.5/Bob', '10.0.0.5/bob', '10.0.0.6/bob']));
	for (const r of got) assert.deepEqual(r, row({source_ip: r['source_ip'] as string, target_user: r['target_user'] as string}));
});

test('failed ratio: exactly 0.5 scores nothing; over 0.5 with a success scores 2; all failed scores nothing', () => {
	// 1 of 2 failed: 0.5 is not > 0.5.
	assert.deepEqual(run([logon({target: 'SRV1'}), logon({target: 'SRV2', outcome: 'failure'})]),
		[row({failed_logons: 1, success_logons: 1})]);
	// 2 of 3 failed, 1 success: +2.
	assert.deepEqual(run([logon({target: 'SRV1'}), logon({target: 'SRV2', outcome: 'failure'}), logon({target: 'SRV2', outcome: 'failure'})]),
		[row({total_logons: 3, failed_logons: 2, success_logons: 1, suspicion_score: 4})]);
	// 2 of 2 failed: no success, no points.
	assert.deepEqual(run(two({outcome: 'failure'})), [row({failed_logons: 2, success_logons: 0})]);
	// 63 of 125 failed is 0.504: QRadar compares the ratio unrounded, so it is over 0.5 (+2).
	const rows = [...logonsOf(62, {target: 'SRV1'}), ...logonsOf(63, {target: 'SRV2', outcome: 'failure'})];
	assert.deepEqual(run(rows), [row({total_logons: 125, failed_logons: 63, success_logons: 62, suspicion_score: 4})]);
	// 62 of 124 is exactly 0.5 again: nothing.
	assert.deepEqual(run([...logonsOf(62, {target: 'SRV1'}), ...logonsOf(62, {target: 'SRV2', outcome: 'failure'})]),
		[row({total_logons: 124, failed_logons: 62, success_logons: 62})]);
});

function logonsOf(n: number, partial: Partial<Logon>): Logon[] {
	return Array.from({length: n}, () => logon(partial));
}

test('is_privileged uses four patterns, the score two', () => {
	// Two hosts: score = 2 hosts + (admin|svc-) + after hours + failures.
	assert.deepEqual(run(two({user: 'Domain-ADMIN'})), [row({target_user: 'Domain-ADMIN', is_privileged: 1, suspicion_score: 3})]);
	assert.deepEqual(run(two({user: 'SVC-sql'})), [row({target_user: 'SVC-sql', is_privileged: 1, suspicion_score: 3})]);
	assert.deepEqual(run(two({user: 'sqlservice'})), [row({target_user: 'sqlservice', is_privileged: 1})]);
	assert.deepEqual(run(two({user: 'BackupOp'})), [row({target_user: 'BackupOp', is_privileged: 1})]);
	// "svc" without the dash and "adm" are not patterns.
	assert.deepEqual(run(two({user: 'svc_sql'})), [row({target_user: 'svc_sql'})]);
	assert.deepEqual(run(two({user: 'adm-bob'})), [row({target_user: 'adm-bob'})]);
});

test('HAVING: one host is kept only for an admin/svc- user with a logon before 06:00', () => {
	const night = Z('2026-11-05T03:00:00Z');
	const one = (user: string, ts: number) => [logon({user, ts}), logon({user, ts: ts + 1000})];
	assert.deepEqual(run(one('Administrator', night)), [row({
		target_user: 'Administrator', first_seen: '2026-11-05 03:00:00', last_seen: '2026-11-05 03:00:01',
		unique_target_hosts: 1, is_privileged: 1, any_after_hours: 1, suspicion_score: 3,
	})]);
	assert.deepEqual(run(one('svc-backup', night)), [row({
		target_user: 'svc-backup', first_seen: '2026-11-05 03:00:00', last_seen: '2026-11-05 03:00:01',
		unique_target_hosts: 1, is_privileged: 1, any_after_hours: 1, suspicion_score: 3,
	})]);
	// Privileged by the four patterns only: not kept.
	assert.deepEqual(run(one('backup-op', night)), []);
	assert.deepEqual(run(one('sqlservice', night)), []);
	// Admin in the day: not kept.
	assert.deepEqual(run(one('Administrator', DEFAULT_TS)), []);
	// No target at all, admin at night: zero hosts but kept by the second clause.
	assert.deepEqual(run([logon({user: 'admin', ts: night, target: null})]), [row({
		target_user: 'admin', first_seen: '2026-11-05 03:00:00', last_seen: '2026-11-05 03:00:00',
		total_logons: 1, success_logons: 1, unique_target_hosts: 0, is_privileged: 1, any_after_hours: 1, suspicion_score: 2,
	})]);
});

test('ordering: unique_target_hosts first, then suspicion_score; --limit cuts after ordering', () => {
	const hosts = (src: string, user: string, n: number, partial: Partial<Logon> = {}) =>
		Array.from({length: n}, (_, i) => logon({src_ip: src, user, target: `H${i}`, ...partial}));
	const rows = [
		...hosts('10.0.0.1', 'carol', 2), // 2 hosts, score 2
		...hosts('10.0.0.2', 'svc-web', 2, {ts: Z('2026-11-05T02:00:00Z')}), // 2 hosts, score 2+1+1 = 4
		...hosts('10.0.0.3', 'dave', 3), // 3 hosts, score 3
		...hosts('10.0.0.4', 'erin', 4), // 4 hosts, score 4
	];
	const d = {first_seen: '2026-11-05 10:00:00', last_seen: '2026-11-05 10:00:00'};
	const expected = [
		row({...d, source_ip: '10.0.0.4', target_user: 'erin', total_logons: 4, success_logons: 4, unique_target_hosts: 4, suspicion_score: 4}),
		row({...d, source_ip: '10.0.0.3', target_user: 'dave', total_logons: 3, success_logons: 3, unique_target_hosts: 3, suspicion_score: 3}),
		row({first_seen: '2026-11-05 02:00:00', last_seen: '2026-11-05 02:00:00', source_ip: '10.0.0.2', target_user: 'svc-web', is_privileged: 1, any_after_hours: 1, suspicion_score: 4}),
		row({...d, source_ip: '10.0.0.1', target_user: 'carol'}),
	];
	assert.deepEqual(run(rows, {window: null}), expected);
	assert.deepEqual(run(rows, {window: null, limit: 2}), expected.slice(0, 2));
	assert.deepEqual(run(rows, {window: null, limit: 3}), expected.slice(0, 3));
	assert.deepEqual(run(rows, {window: null, limit: 10}), expected);
});
