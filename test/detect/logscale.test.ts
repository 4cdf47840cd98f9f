/**
 * The `logscale` profile (SPEC 4.2, seeds/t1021-logscale-cql.txt), rule by rule: for each rule a
 * small fixture that passes it and one that fails it. Every expected row is written out by hand
 * below; nothing here is computed by the code under test or by the oracle.
 *
 * Most fixtures are built on one "kept" group: alice from 10.0.0.5 on SRV1..SRV4 at
 * 2026-11-05 10:00:00Z (four hosts: 2 spread points, score 2, kept). A record under test is added
 * on SRV5: when the filter keeps it, the row says 5 hosts and 5 logons.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {hunt} from '../../source/detect/hunt.ts';
import type {HuntOptions} from '../../source/detect/types.ts';
import type {Logon} from '../../source/ingest/types.ts';
import {dbWith, DEFAULT_TS, logon} from '../helpers/logons.ts';
import {LOGSCALE_KEYS, type LogscaleRow} from './seed-oracle.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const Z = (iso: string) => Date.parse(iso);

function run(rows: Logon[], options: Partial<HuntOptions> = {}): Array<Record<string, unknown>> {
	return hunt(dbWith(rows), {profile: 'logscale', tz: 'UTC', ...options}).rows;
}

/** alice from 10.0.0.5 on the first `n` of SRV1..SRVn at DEFAULT_TS, with `partial` on each. */
function hosts(n: number, partial: Partial<Logon> = {}): Logon[] {
	return Array.from({length: n}, (_, i) => logon({...partial, target: `SRV${i + 1}`}));
}

/** The row of `hosts(4)` as worked out by hand, with overrides. */
function row(overrides: Partial<LogscaleRow> = {}): LogscaleRow {
	return {
		FirstSeen: DEFAULT_TS,
		LastSeen: DEFAULT_TS,
		RemoteAddressIP4: '10.0.0.5',
		TargetUserName: 'alice',
		UniqueTargetHosts: 4,
		TargetHosts: ['SRV1', 'SRV2', 'SRV3', 'SRV4'],
		TotalLogons: 4,
		FailedLogons: 0,
		FailedRatio: 0,
		AnyAfterHours: 0,
		AnyPrivileged: 0,
		SuspicionScore: 2,
		...overrides,
	};
}

/** The row when the record under test on SRV5 was kept. */
const kept5 = (overrides: Partial<LogscaleRow> = {}) => row({
	UniqueTargetHosts: 5, TargetHosts: ['SRV1', 'SRV2', 'SRV3', 'SRV4', 'SRV5'], TotalLogons: 5, ...overrides,
});

test('baseline: four hosts are kept (2 points), three hosts alone are not (1 point)', () => {
	assert.deepEqual(run(hosts(4)), [row()]);
	assert.deepEqual(run(hosts(3)), []);
	// Three hosts plus a privileged name: 1 + 1 = 2, kept.
	assert.deepEqual(run(hosts(3, {user: 'svc-web'})), [row({
		TargetUserName: 'svc-web', UniqueTargetHosts: 3, TargetHosts: ['SRV1', 'SRV2', 'SRV3'], TotalLogons: 3, AnyPrivileged: 1, SuspicionScore: 2,
	})]);
	// Two hosts plus a privileged name: 1 + 1 = 2, kept; one host and a privileged name: 1, not kept.
	assert.deepEqual(run(hosts(2, {user: 'svc-web'})), [row({
		TargetUserName: 'svc-web', UniqueTargetHosts: 2, TargetHosts: ['SRV1', 'SRV2'], TotalLogons: 2, AnyPrivileged: 1, SuspicionScore: 2,
	})]);
	assert.deepEqual(run(hosts(1, {user: 'svc-web'})), []);
});

test('JSON keys are exactly the seed columns; TargetHosts an array; FirstSeen/LastSeen epoch ms', () => {
	const rows = [logon({target: 'SRV1', ts: DEFAULT_TS - 1234}), ...hosts(4), logon({target: 'SRV2', ts: DEFAULT_TS + 5678})];
	const [r] = run(rows);
	assert.ok(r);
	assert.deepEqual(Object.keys(r), [...LOGSCALE_KEYS]);
	assert.ok(Array.isArray(r['TargetHosts']));
	assert.equal(r['FirstSeen'], Z('2026-11-05T09:59:58.766Z'));
	assert.equal(r['LastSeen'], Z('2026-11-05T10:00:05.678Z'));
	assert.deepEqual(r, row({FirstSeen: DEFAULT_TS - 1234, LastSeen: DEFAULT_TS + 5678, TotalLogons: 6}));
});

test('an empty store gives no rows', () => {
	assert.deepEqual(run([]), []);
});

test('logon types: 3 and 10 count, 2, 11 and a missing type do not', () => {
	assert.deepEqual(run([...hosts(4), logon({target: 'SRV5', logon_type: 10})]), [kept5({SuspicionScore: 2})]);
	assert.deepEqual(run([...hosts(4), logon({target: 'SRV5', logon_type: 2})]), [row()]);
	assert.deepEqual(run([...hosts(4), logon({target: 'SRV5', logon_type: 11})]), [row()]);
	assert.deepEqual(run([...hosts(4), logon({target: 'SRV5', logon_type: null})]), [row()]);
	assert.deepEqual(run(hosts(4, {logon_type: 10})), [row()]);
	assert.deepEqual(run(hosts(4, {logon_type: 2})), []);
	assert.deepEqual(run(hosts(4, {logon_type: 11})), []);
});

test('outcomes: failures and successes count; a logon without an event id counts', () => {
	assert.deepEqual(run([...hosts(4), logon({target: 'SRV5', outcome: 'failure'})]), [kept5({FailedLogons: 1, FailedRatio: 0.2})]);
	assert.deepEqual(run([...hosts(4), logon({target: 'SRV5', event_id: null, logon_type: 10, service: 'ssh'})]), [kept5()]);
});

test('sources: 0.0.0.0 and "-" are kept (as in the seed); 127.0.0.1, empty and missing are dropped', () => {
	assert.deepEqual(run(hosts(4, {src_ip: '0.0.0.0'})), [row({RemoteAddressIP4: '0.0.0.0'})]);
	assert.deepEqual(run(hosts(4, {src_ip: '-'})), [row({RemoteAddressIP4: '-'})]);
	assert.deepEqual(run(hosts(4, {src_ip: '127.0.0.1'})), []);
	assert.deepEqual(run(hosts(4, {src_ip: ''})), []);
	assert.deepEqual(run(hosts(4, {src_ip: null})), []);
	assert.deepEqual(run(hosts(4, {src_ip: '127.0.0.2'})), [row({RemoteAddressIP4: '127.0.0.2'})]);
});

test('machine accounts: a user ending in $ is dropped, any case; a $ elsewhere is kept', () => {
	assert.deepEqual(run(hosts(4, {user: 'WS01$'})), []);
	assert.deepEqual(run(hosts(4, {user: 'ws01$'})), []);
	assert.deepEqual(run(hosts(4, {user: 'pay$roll'})), [row({TargetUserName: 'pay$roll'})]);
});

test('users: the three built-ins are dropped exactly; a missing user is dropped; an empty user is kept', () => {
	for (const user of ['ANONYMOUS LOGON', 'LOCAL SERVICE', 'NETWORK SERVICE', null]) {
		assert.deepEqual(run(hosts(4, {user})), [], String(user));
	}

	assert.deepEqual(run(hosts(4, {user: ''})), [row({TargetUserName: ''})]);
	assert.deepEqual(run(hosts(4, {user: 'anonymous logon'})), [row({TargetUserName: 'anonymous logon'})]);
	// "service" matches the privileged pattern case-insensitively.
	assert.deepEqual(run(hosts(4, {user: 'Local Service'})), [row({TargetUserName: 'Local Service', AnyPrivileged: 1, SuspicionScore: 3})]);
});

test('no log source type filter: a Linux OS record counts', () => {
	assert.deepEqual(run([...hosts(4), logon({target: 'SRV5', log_source_type: 'Linux OS'})]), [kept5()]);
	assert.deepEqual(run(hosts(4, {log_source_type: 'Linux OS'})), [row()]);
});

test('no window by default; --window is inclusive at now - length and at now', () => {
	const now = DEFAULT_TS;
	const old = [...hosts(4), logon({target: 'SRV5', ts: now - 30 * DAY})];
	assert.deepEqual(run(old), [kept5({FirstSeen: now - 30 * DAY})]);
	// With --now but no --window: still no window at all (a later logon counts too).
	assert.deepEqual(run([...old, logon({target: 'SRV6', ts: now + DAY})], {now}),
		[kept5({FirstSeen: now - 30 * DAY, LastSeen: now + DAY, UniqueTargetHosts: 6, TargetHosts: ['SRV1', 'SRV2', 'SRV3', 'SRV4', 'SRV5', 'SRV6'], TotalLogons: 6})]);
	const at = (ts: number) => [...hosts(4), logon({target: 'SRV5', ts})];
	assert.deepEqual(run(at(now - DAY), {now, window: DAY}), [kept5({FirstSeen: now - DAY})]);
	assert.deepEqual(run(at(now - DAY - 1), {now, window: DAY}), [row()]);
	assert.deepEqual(run(at(now), {now, window: DAY}), [kept5()]);
	assert.deepEqual(run(at(now + 1), {now, window: DAY}), [row()]);
	// Without --now, now is the newest logon in the store (here a dropped 127.0.0.1 one).
	assert.deepEqual(run([...at(now - DAY + 1), logon({ts: now + 1, src_ip: '127.0.0.1'})], {window: DAY}), [kept5({FirstSeen: now - DAY + 1})]);
	assert.deepEqual(run([...at(now - DAY), logon({ts: now + 1, src_ip: '127.0.0.1'})], {window: DAY}), [row()]);
});

test('failed ratio exactly 0.5 scores nothing; over 0.5 with a success scores 2; all failed scores nothing', () => {
	const mix = (ok: number, bad: number) => [
		...Array.from({length: ok}, (_, i) => logon({target: `SRV${(i % 4) + 1}`})),
		...Array.from({length: bad}, (_, i) => logon({target: `SRV${((ok + i) % 4) + 1}`, outcome: 'failure'})),
	];
	assert.deepEqual(run(mix(2, 2)), [row({FailedLogons: 2, FailedRatio: 0.5})]);
	assert.deepEqual(run(mix(1, 3)), [row({FailedLogons: 3, FailedRatio: 0.75, SuspicionScore: 4})]);
	assert.deepEqual(run(mix(0, 4)), [row({FailedLogons: 4, FailedRatio: 1})]);
	// 1 of 8 is 0.125: rounded half away from zero to 0.13; 5 of 8 (0.625) to 0.63, over 0.5.
	assert.deepEqual(run(mix(7, 1)), [row({TotalLogons: 8, FailedLogons: 1, FailedRatio: 0.13})]);
	assert.deepEqual(run(mix(3, 5)), [row({TotalLogons: 8, FailedLogons: 5, FailedRatio: 0.63, SuspicionScore: 4})]);
	// 2 of 6 is 0.33, 8 of 12 is 0.67 (over 0.5).
	assert.deepEqual(run([...hosts(4), ...mix(0, 2)]), [row({TotalLogons: 6, FailedLogons: 2, FailedRatio: 0.33})]);
	assert.deepEqual(run([...hosts(4), ...mix(0, 8)]), [row({TotalLogons: 12, FailedLogons: 8, FailedRatio: 0.67, SuspicionScore: 4})]);
});

test('the ROUNDED ratio is compared: 0.504 rounds to 0.5 (no points), 0.505 rounds to 0.51 (2 points)', () => {
	// Two hosts (1 point), so the failure points decide whether the group is kept at all.
	const two = (ok: number, bad: number) => [
		...Array.from({length: ok}, () => logon({target: 'SRV1'})),
		...Array.from({length: bad}, () => logon({target: 'SRV2', outcome: 'failure'})),
	];
	const r2 = (o: Partial<LogscaleRow>) => row({UniqueTargetHosts: 2, TargetHosts: ['SRV1', 'SRV2'], ...o});
	// 63 of 125 = 0.504 -> 0.5: score 1, dropped.
	assert.deepEqual(run(two(62, 63)), []);
	// 101 of 200 = 0.505 -> 0.51: score 1 + 2, kept.
	assert.deepEqual(run(two(99, 101)), [r2({TotalLogons: 200, FailedLogons: 101, FailedRatio: 0.51, SuspicionScore: 3})]);
	// 99 of 200 = 0.495 -> 0.5 (half away from zero): not over 0.5.
	assert.deepEqual(run(two(101, 99)), []);
	// With four hosts the groups are kept and show the rounded ratios.
	const four = (ok: number, bad: number) => [...hosts(4), ...two(ok - 4, bad)];
	assert.deepEqual(run(four(62, 63)), [row({TotalLogons: 125, FailedLogons: 63, FailedRatio: 0.5})]);
	assert.deepEqual(run(four(99, 101)), [row({TotalLogons: 200, FailedLogons: 101, FailedRatio: 0.51, SuspicionScore: 4})]);
	assert.deepEqual(run(four(101, 99)), [row({TotalLogons: 200, FailedLogons: 99, FailedRatio: 0.5})]);
	// 0.4949...: 49 of 99 rounds to 0.49.
	assert.deepEqual(run(four(50, 49)), [row({TotalLogons: 99, FailedLogons: 49, FailedRatio: 0.49})]);
});

test('host spread: 1 point over 1 host, 2 points over 3; null targets are not hosts', () => {
	// Three hosts and after hours: 1 + 1 = 2, kept; four hosts and after hours: 2 + 1 = 3.
	const night = Z('2026-11-05T02:00:00Z');
	assert.deepEqual(run(hosts(3, {ts: night})), [row({
		FirstSeen: night, LastSeen: night, UniqueTargetHosts: 3, TargetHosts: ['SRV1', 'SRV2', 'SRV3'], TotalLogons: 3, AnyAfterHours: 1, SuspicionScore: 2,
	})]);
	assert.deepEqual(run(hosts(4, {ts: night})), [row({FirstSeen: night, LastSeen: night, AnyAfterHours: 1, SuspicionScore: 3})]);
	// Three hosts plus a null target: still three (score 1, dropped); plus a fourth host: kept.
	assert.deepEqual(run([...hosts(3), logon({target: null})]), []);
	assert.deepEqual(run([...hosts(4), logon({target: null}), logon({target: null})]), [row({TotalLogons: 6})]);
	// Only null targets: 0 hosts, an empty array.
	assert.deepEqual(run([logon({target: null, user: 'admin', ts: night})]), [row({
		FirstSeen: night, LastSeen: night, TargetUserName: 'admin', UniqueTargetHosts: 0, TargetHosts: [], TotalLogons: 1, AnyAfterHours: 1, AnyPrivileged: 1, SuspicionScore: 2,
	})]);
});

test('TargetHosts: the distinct non-null targets, sorted ascending, exact strings', () => {
	const rows = ['srv-b', 'SRV-A', 'srv-a', 'srv-b', '10.0.1.9'].map(target => logon({target})).concat(logon({target: null}));
	assert.deepEqual(run(rows), [row({UniqueTargetHosts: 4, TargetHosts: ['10.0.1.9', 'SRV-A', 'srv-a', 'srv-b'], TotalLogons: 6})]);
});

test('after hours: 05:59:59.999 local counts, 06:00:00 does not; in a zone; across DST', () => {
	// Two hosts (1 point) + after hours (1) = 2 kept; without after hours 1, dropped.
	const pair = (ts: number) => [logon({target: 'SRV1', ts}), logon({target: 'SRV2', ts})];
	const r2 = (ts: number) => row({FirstSeen: ts, LastSeen: ts, UniqueTargetHosts: 2, TargetHosts: ['SRV1', 'SRV2'], TotalLogons: 2, AnyAfterHours: 1, SuspicionScore: 2});
	let ts = Z('2026-11-05T05:59:59.999Z');
	assert.deepEqual(run(pair(ts)), [r2(ts)]);
	assert.deepEqual(run(pair(Z('2026-11-05T06:00:00Z'))), []);
	assert.deepEqual(run(pair(Z('2026-11-04T23:59:59.999Z'))), []);
	// Berlin (UTC+1 in November).
	ts = Z('2026-11-05T04:59:59.999Z');
	assert.deepEqual(run(pair(ts), {tz: 'Europe/Berlin'}), [r2(ts)]);
	assert.deepEqual(run(pair(Z('2026-11-05T05:00:00Z')), {tz: 'Europe/Berlin'}), []);
	// 05:30Z is after hours in UTC but 06:30 in Berlin.
	assert.deepEqual(run(pair(Z('2026-11-05T05:30:00Z')), {tz: 'Europe/Berlin'}), []);
	// Berlin springs forward 2026-03-29: 04:30Z is 05:30 CET the day before, 06:30 CEST that day.
	ts = Z('2026-03-28T04:30:00Z');
	assert.deepEqual(run(pair(ts), {tz: 'Europe/Berlin'}), [r2(ts)]);
	assert.deepEqual(run(pair(Z('2026-03-29T04:30:00Z')), {tz: 'Europe/Berlin'}), []);
	ts = Z('2026-03-29T03:59:59.999Z');
	assert.deepEqual(run(pair(ts), {tz: 'Europe/Berlin'}), [r2(ts)]);
	// And falls back 2026-10-25: 04:30Z is 06:30 CEST the day before, 05:30 CET that day.
	assert.deepEqual(run(pair(Z('2026-10-24T04:30:00Z')), {tz: 'Europe/Berlin'}), []);
	ts = Z('2026-10-25T04:30:00Z');
	assert.deepEqual(run(pair(ts), {tz: 'Europe/Berlin'}), [r2(ts)]);
	// New York springs forward 2026-03-08: 10:30Z is 05:30 EST the day before, 06:30 EDT that day.
	ts = Z('2026-03-07T10:30:00Z');
	assert.deepEqual(run(pair(ts), {tz: 'America/New_York'}), [r2(ts)]);
	assert.deepEqual(run(pair(Z('2026-03-08T10:30:00Z')), {tz: 'America/New_York'}), []);
});

test('privileged: admin|administrator|svc-|service|backup, case-insensitive', () => {
	// Two hosts (1) + privileged (1) = 2, kept; not privileged, 1, dropped.
	for (const user of ['xADMINx', 'Administrator', 'SVC-sql', 'SqlService', 'BACKUP']) {
		assert.deepEqual(run(hosts(2, {user})), [row({TargetUserName: user, UniqueTargetHosts: 2, TargetHosts: ['SRV1', 'SRV2'], TotalLogons: 2, AnyPrivileged: 1, SuspicionScore: 2})], user);
	}

	for (const user of ['svc_sql', 'adm-bob', 'servic', 'back-up']) {
		assert.deepEqual(run(hosts(2, {user})), [], user);
	}
});

test('ordering by SuspicionScore descending; --limit cuts after ordering', () => {
	const night = Z('2026-11-05T01:00:00Z');
	const set = (src: string, user: string, n: number, partial: Partial<Logon> = {}) =>
		Array.from({length: n}, (_, i) => logon({src_ip: src, user, target: `H${i}`, ...partial}));
	const rows = [
		...set('10.0.0.1', 'carol', 4), // 2
		...set('10.0.0.2', 'svc-web', 2, {ts: night}), // 1 + 1 + 1 = 3
		...set('10.0.0.3', 'admin', 4, {ts: night}), // 2 + 1 + 1 = 4
		...set('10.0.0.4', 'dave', 3), // 1: dropped
	];
	const expected = [
		row({FirstSeen: night, LastSeen: night, RemoteAddressIP4: '10.0.0.3', TargetUserName: 'admin', TargetHosts: ['H0', 'H1', 'H2', 'H3'], AnyAfterHours: 1, AnyPrivileged: 1, SuspicionScore: 4}),
		row({FirstSeen: night, LastSeen: night, RemoteAddressIP4: '10.0.0.2', TargetUserName: 'svc-web', UniqueTargetHosts: 2, TargetHosts: ['H0', 'H1'], TotalLogons: 2, AnyAfterHours: 1, AnyPrivileged: 1, SuspicionScore: 3}),
		row({RemoteAddressIP4: '10.0.0.1', TargetUserName: 'carol', TargetHosts: ['H0', 'H1', 'H2', 'H3']}),
	];
	assert.deepEqual(run(rows), expected);
	assert.deepEqual(run(rows, {limit: 1}), expected.slice(0, 1));
	assert.deepEqual(run(rows, {limit: 2}), expected.slice(0, 2));
	assert.deepEqual(run(rows, {limit: 200}), expected);
});

test('more than 200 groups are all kept without --limit (LogScale would keep 200)', () => {
	const rows = Array.from({length: 201}, (_, i) => hosts(4, {src_ip: `10.1.${Math.floor(i / 250)}.${i % 250}`})).flat();
	assert.equal(run(rows).length, 201);
	assert.equal(run(rows, {limit: 200}).length, 200);
});
