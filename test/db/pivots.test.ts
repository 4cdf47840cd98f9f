import {test} from 'node:test';
import assert from 'node:assert/strict';
import {distinctEntities, entityGroups, entitySummary, pairEventCount, pairEvents, timelineBuckets} from '../../source/db/pivots.ts';
import {dbWith, logon} from '../helpers/logons.ts';

const H = 3_600_000;
const T0 = Date.parse('2026-11-05T02:00:00Z');

// adm-jdoe moves from 10.0.0.5 to three servers at night, with two failures on SRV-DB01;
// alice works from 10.0.0.6 by day; "ADM-JDOE" (case variant) once from 10.0.0.7.
const db = dbWith([
	logon({ts: T0, src_ip: '10.0.0.5', user: 'adm-jdoe', target: 'SRV-DB01', outcome: 'failure'}),
	logon({ts: T0 + 60_000, src_ip: '10.0.0.5', user: 'adm-jdoe', target: 'SRV-DB01', outcome: 'failure'}),
	logon({ts: T0 + 120_000, src_ip: '10.0.0.5', user: 'adm-jdoe', target: 'SRV-DB01'}),
	logon({ts: T0 + H, src_ip: '10.0.0.5', user: 'adm-jdoe', target: 'SRV-FS01'}),
	logon({ts: T0 + H + 1, src_ip: '10.0.0.5', user: 'adm-jdoe', target: 'SRV-APP1'}),
	logon({ts: T0 + 8 * H, src_ip: '10.0.0.6', user: 'alice', target: 'srv-db01'}),
	logon({ts: T0 + 9 * H, src_ip: '10.0.0.7', user: 'ADM-JDOE', target: 'SRV-FS01'}),
	logon({ts: T0 + 9 * H, src_ip: '', user: '', target: null}),
]);

test('entitySummary counts an entity\'s logons, failures, span and groups', () => {
	assert.deepEqual(entitySummary(db, 'src', '10.0.0.5'), {total: 5, failed: 2, first_ts: T0, last_ts: T0 + H + 1, groups: 3});
	assert.deepEqual(entitySummary(db, 'user', 'adm-JDOE'), {total: 6, failed: 2, first_ts: T0, last_ts: T0 + 9 * H, groups: 4}, 'users match case-insensitively');
	assert.deepEqual(entitySummary(db, 'target', 'SRV-DB01'), {total: 4, failed: 2, first_ts: T0, last_ts: T0 + 8 * H, groups: 2});
	assert.deepEqual(entitySummary(db, 'src', '10.9.9.9'), {total: 0, failed: 0, first_ts: null, last_ts: null, groups: 0});
	assert.equal(entitySummary(db, 'src', '10.0.0.5', {since: T0 + H}).total, 2, 'the window is inclusive');
});

test('entityGroups groups by the other two dimensions, most recent first, one page at a time', () => {
	assert.deepEqual(entityGroups(db, 'src', '10.0.0.5', {limit: 10, offset: 0}), [
		{a: 'adm-jdoe', b: 'SRV-APP1', total: 1, failed: 0, first_ts: T0 + H + 1, last_ts: T0 + H + 1},
		{a: 'adm-jdoe', b: 'SRV-FS01', total: 1, failed: 0, first_ts: T0 + H, last_ts: T0 + H},
		{a: 'adm-jdoe', b: 'SRV-DB01', total: 3, failed: 2, first_ts: T0, last_ts: T0 + 120_000},
	]);
	assert.deepEqual(entityGroups(db, 'src', '10.0.0.5', {limit: 1, offset: 1}).map(r => r.b), ['SRV-FS01']);
	assert.deepEqual(entityGroups(db, 'user', 'adm-jdoe', {limit: 10, offset: 0}).map(r => `${r.a} ${r.b}`),
		['10.0.0.7 SRV-FS01', '10.0.0.5 SRV-APP1', '10.0.0.5 SRV-FS01', '10.0.0.5 SRV-DB01']);
	assert.deepEqual(entityGroups(db, 'target', 'srv-db01', {limit: 10, offset: 0}).map(r => `${r.a} ${r.b} ${r.total}`),
		['10.0.0.6 alice 1', '10.0.0.5 adm-jdoe 3']);
});

test('pairEvents pages a pair\'s logons oldest first with the file they came from', () => {
	assert.equal(pairEventCount(db, '10.0.0.5', 'adm-jdoe'), 5);
	const page = pairEvents(db, '10.0.0.5', 'adm-jdoe', {limit: 2, offset: 1});
	assert.deepEqual(page.map(e => [e.ts, e.outcome, e.target]), [[T0 + 60_000, 'failure', 'SRV-DB01'], [T0 + 120_000, 'success', 'SRV-DB01']]);
	assert.match(page[0]!.path, /^\/fixtures\/dataset-\d+\.json$/);
	assert.equal(pairEventCount(db, '10.0.0.5', 'adm-jdoe', {until: T0 + 60_000}), 2);
});

test('timelineBuckets counts logons and failures per local hour', () => {
	const utcHour = (ts: number) => Math.floor(ts / H);
	assert.deepEqual(timelineBuckets(db, {kind: 'src', value: '10.0.0.5'}, 'UTC'), [
		{hour: utcHour(T0), total: 3, failed: 2},
		{hour: utcHour(T0) + 1, total: 2, failed: 0},
	]);
	// Kolkata is UTC+05:30: 02:00Z and 02:02Z are 07:30 and 07:32 local, one local hour.
	assert.deepEqual(timelineBuckets(db, {kind: 'pair', src: '10.0.0.5', user: 'adm-jdoe'}, 'Asia/Kolkata').map(b => [b.hour % 24, b.total]), [[7, 3], [8, 2]]);
});

test('distinctEntities lists every source, user and target with its logon count', () => {
	const names = distinctEntities(db).map(e => `${e.kind}:${e.value}:${e.n}`).sort();
	assert.deepEqual(names, [
		'src:10.0.0.5:5', 'src:10.0.0.6:1', 'src:10.0.0.7:1',
		'target:SRV-APP1:1', 'target:SRV-DB01:3', 'target:SRV-FS01:2', 'target:srv-db01:1',
		'user:ADM-JDOE:1', 'user:adm-jdoe:5', 'user:alice:1',
	]);
});
