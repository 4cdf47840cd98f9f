import {after, test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {openMemoryDb, type Db} from '../../source/db/open.ts';
import {insertDataset, logonInserter} from '../../source/db/store.ts';
import {hunt} from '../../source/detect/hunt.ts';
import {listProfiles, loadProfile} from '../../source/detect/profiles.ts';
import type {Finding} from '../../source/detect/types.ts';
import type {Logon} from '../../source/ingest/types.ts';
import {UsageError} from '../../source/util/errors.ts';

// Data starts at DAY0 (Monday 2026-11-02 00:00Z); the 2-day baseline ends at DAY0 + 2d, so with
// window `all` the hunt covers Wednesday onward. Every expected number below is worked out by hand
// from db/profiles/lateral.json.
const DAY = 86_400_000;
const DAY0 = Date.parse('2026-11-02T00:00:00Z');
const at = (day: number, hh: number, mm = 0) => DAY0 + day * DAY + (hh * 60 + mm) * 60_000;

const shipped = JSON.parse(fs.readFileSync(new URL('../../db/profiles/lateral.json', import.meta.url), 'utf8')) as Record<string, unknown>;

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lateral-profile-'));
after(() => fs.rmSync(scratch, {recursive: true, force: true}));
let files = 0;

/** The shipped profile with every finding kept (minScore very low) and optional overrides. */
function profileFile(overrides: Record<string, unknown> = {}): string {
	const file = path.join(scratch, `tuned-${++files}.json`);
	fs.writeFileSync(file, JSON.stringify({...shipped, name: 'tuned', minScore: -100, ...overrides}));
	return file;
}

let line = 0;
function L(src: string, user: string, target: string, ts: number, more: Partial<Logon> = {}): Logon {
	return {
		ts, outcome: 'success', event_id: 4624, logon_type: 3, src_ip: src, src_port: null, src_host: null, user, domain: 'CORP',
		target, dst_host: target, dst_ip: null, service: 'network', auth_package: null, log_source_type: null, raw_ref: ++line, ...more,
	};
}

function db(logons: Logon[]): Db {
	const d = openMemoryDb();
	const insert = logonInserter(d, insertDataset(d, {path: 'fixture', format: 'windows-json', sha256: 'x'}));
	insert(L('10.99.0.1', 'anchor', 'ANCHOR', DAY0));
	for (const l of logons) insert(l);
	return d;
}

const run = (d: Db, profile = profileFile(), tz = 'UTC') => hunt(d, {profile, tz});
const find = (list: Finding[], src: string, user: string) => list.find(f => f.src_ip === src && f.user === user);
const points = (f: Finding | undefined, signal: string) => f?.reasons.find(r => r.signal === signal)?.points ?? 0;

test('target spread is tiered: 1 host 0, 2 hosts 1, 4 hosts 2, 8 hosts 3', () => {
	const logons = [1, 2, 4, 8].flatMap(n => Array.from({length: n}, (_, i) => L(`10.0.0.${n}`, 'u', `H${i}`, at(3, 10, i))));
	const {findings} = run(db(logons));
	assert.deepEqual([1, 2, 4, 8].map(n => points(find(findings, `10.0.0.${n}`, 'u'), 'target-spread')), [0, 1, 2, 3]);
});

test('privileged naming uses the profile patterns, case-insensitively', () => {
	const {findings} = run(db([L('10.0.0.1', 'SVC-Sql', 'H', at(3, 10)), L('10.0.0.2', 'bob', 'H', at(3, 10))]));
	assert.equal(points(find(findings, '10.0.0.1', 'SVC-Sql'), 'privileged-name'), 1);
	assert.equal(points(find(findings, '10.0.0.2', 'bob'), 'privileged-name'), 0);
});

test('target spread counts distinct targets within one local day', () => {
	const logons = ['A', 'B', 'C', 'D'].map((h, i) => L('10.0.0.9', 'u', h, at(3 + (i % 2), 10, i)));
	const f = find(run(db(logons)).findings, '10.0.0.9', 'u');
	assert.equal(points(f, 'target-spread'), 1, '2 targets a day over 2 days is the 2-target tier, not the 4-target one');
	assert.match(f!.reasons.find(r => r.signal === 'target-spread')!.detail, /^2 distinct targets on one day \(4 targets in all\)$/);
});

test('after hours follows business hours in the zone, the night scores more; weekends score apart', () => {
	const d = db([
		L('10.0.0.1', 'early', 'H', at(3, 6, 59)),
		L('10.0.0.2', 'ontime', 'H', at(3, 7, 0)),
		L('10.0.0.3', 'late', 'H', at(3, 19, 0)),
		L('10.0.0.4', 'saturday', 'H', at(5, 12, 0)),
		L('10.0.0.5', 'small-hours', 'H', at(3, 3, 0)),
		L('10.0.0.6', 'ten-pm', 'H', at(3, 22, 0)),
		L('10.0.0.7', 'evening', 'H', at(3, 21, 30)),
	]);
	const users = ['early', 'ontime', 'late', 'saturday', 'small-hours', 'ten-pm', 'evening'];
	const {findings} = run(d);
	// Outside 07:00-19:00: 1 point; inside the night 22:00-06:00: 3 instead.
	assert.deepEqual(users.map((u, i) => points(find(findings, `10.0.0.${i + 1}`, u), 'after-hours')), [1, 0, 1, 0, 3, 3, 1]);
	assert.equal(points(find(findings, '10.0.0.4', 'saturday'), 'weekend'), 1);
	assert.match(find(findings, '10.0.0.5', 'small-hours')!.reasons.find(r => r.signal === 'after-hours')!.detail, /^1 of 1 logon outside 07:00-19:00, 1 of them at night \(22:00-06:00, UTC\)$/);
	// In Berlin (UTC+1): 06:59Z is 07:59 (business hours), 19:00Z is 20:00, 03:00Z is 04:00, 21:30Z is 22:30.
	const berlin = run(d, profileFile(), 'Europe/Berlin').findings;
	assert.deepEqual([0, 2, 4, 6].map(i => points(find(berlin, `10.0.0.${i + 1}`, users[i]!), 'after-hours')), [0, 1, 3, 3]);
});

test('failure-then-success needs 3 failures within 30 minutes before a success (a typo is not enough)', () => {
	const seq = (src: string, fails: number, gapMin: number) => [
		...Array.from({length: fails}, (_, i) => L(src, 'u', 'H', at(3, 10, i), {outcome: 'failure', event_id: 4625})),
		L(src, 'u', 'H', at(3, 10, fails - 1 + gapMin)),
	];
	const {findings} = run(db([...seq('10.0.0.1', 1, 1), ...seq('10.0.0.2', 3, 1), ...seq('10.0.0.3', 3, 31)]));
	assert.deepEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3'].map(s => points(find(findings, s, 'u'), 'failure-then-success')), [0, 2, 0]);
});

test('spray: a source failing for 5 known accounts within the hour marks each failing pair; guessed names do not count', () => {
	const known = ['a', 'b', 'c', 'd', 'e', 'f'];
	// Known accounts: each logs on successfully from its own desk in the baseline.
	const desks = known.map((u, i) => L(`10.1.0.${i + 1}`, u, 'DC', at(1, 9)));
	const fail = (src: string, user: string, ts: number, target = 'DC') => L(src, user, target, ts, {outcome: 'failure', event_id: 4625});
	const logons = [
		...desks,
		// 10.0.0.1 sprays 5 known accounts within 5 minutes; its owner works normally from it.
		...known.slice(0, 5).map((u, i) => fail('10.0.0.1', u, at(3, 1, i))),
		L('10.0.0.1', 'owner', 'FS', at(3, 10)),
		// 10.0.0.2: only 4 accounts. 10.0.0.3: 5 accounts, but 3 at 01:00 and 2 at 03:00.
		...known.slice(0, 4).map((u, i) => fail('10.0.0.2', u, at(3, 1, i))),
		...known.slice(0, 3).map((u, i) => fail('10.0.0.3', u, at(3, 1, i))),
		...known.slice(3, 5).map((u, i) => fail('10.0.0.3', u, at(3, 3, i))),
		// An internet scanner guessing 6 names that do not exist here.
		...['admin', 'test', 'oracle', 'guest', 'pi', 'ubuntu'].map((u, i) => fail('203.0.113.9', u, at(3, 4, i), 'lnx-web01')),
	];
	const {findings} = run(db(logons));
	for (const u of known.slice(0, 5)) assert.equal(points(find(findings, '10.0.0.1', u), 'spray'), 8, u);
	assert.match(find(findings, '10.0.0.1', 'c')!.reasons.find(r => r.signal === 'spray')!.detail, /failed for 5 known accounts within 60 min/);
	assert.equal(points(find(findings, '10.0.0.1', 'owner'), 'spray'), 0, 'the desk owner never failed in the burst');
	assert.equal(points(find(findings, '10.0.0.2', 'c'), 'spray'), 0);
	assert.equal(points(find(findings, '10.0.0.3', 'a'), 'spray'), 0);
	assert.equal(points(find(findings, '203.0.113.9', 'oracle'), 'spray'), 0);
});

test('novelty: new source->target (tiered), user->target and source->user pairs from successful logons', () => {
	const d = db([
		// Baseline (days 0-1).
		L('10.0.1.1', 'a', 'OLD', at(1, 10)),
		L('10.0.1.2', 'b', 'OLD', at(1, 10)),
		...['s1', 's2', 's3', 's4', 's5'].map(u => L('10.0.5.5', u, 'OLD', at(1, 10))),
		// Window (day 3 on).
		L('10.0.1.1', 'a', 'OLD', at(3, 10)),
		L('10.0.1.1', 'a', 'N1', at(3, 10)),
		L('10.0.1.2', 'b', 'N1', at(3, 10)), L('10.0.1.2', 'b', 'N2', at(3, 10)), L('10.0.1.2', 'b', 'N3', at(3, 10)),
		L('10.0.1.1', 'c', 'OLD', at(3, 11)),
		L('10.0.9.9', 'd', 'OLD', at(3, 10)),
		L('10.0.5.5', 's6', 'OLD', at(3, 10)),
		L('10.0.8.8', 'e', 'N4', at(3, 10), {outcome: 'failure', event_id: 4625}),
	]);
	const {findings} = run(d);
	const novelty = (src: string, user: string) => points(find(findings, src, user), 'novelty');
	assert.equal(novelty('10.0.1.1', 'a'), 1, '1 new source->target pair; 1 new user->target pair is under the minimum of 2');
	assert.equal(novelty('10.0.1.2', 'b'), 3, '3 new source->target pairs (2) + 3 new user->target pairs (1)');
	assert.equal(novelty('10.0.1.1', 'c'), 2, 'a new user on a source 2 accounts use (2); OLD is known from that source');
	assert.equal(novelty('10.0.9.9', 'd'), 3, 'a source never seen in the baseline (3), which makes its targets new without counting again');
	assert.equal(novelty('10.0.5.5', 's6'), 0, 'a new user on a shared source (6 accounts) is ordinary');
	assert.equal(novelty('10.0.8.8', 'e'), 0, 'failures gain no access and are not novelty');
	assert.match(find(findings, '10.0.9.9', 'd')!.reasons.find(r => r.signal === 'novelty')!.detail, /a source never seen in the baseline/);
	assert.equal(points(find(findings, '10.0.1.1', 'a'), 'novelty'), 1);
});

test('velocity counts distinct targets within any 60 minutes, not clock hours: a fan-out across the hour counts whole', () => {
	const across = ['A', 'B', 'C', 'D', 'E'].map((h, i) => L('10.0.0.3', 'u', h, at(3, 9, 58 + i)));
	const hourExactly = ['A', 'B', 'C', 'D', 'E'].map((h, i) => L('10.0.0.4', 'u', h, at(3, 9, i * 15)));
	const overAnHour = ['A', 'B', 'C', 'D', 'E'].map((h, i) => L('10.0.0.5', 'u', h, at(3, 9, i * 15 + (i === 4 ? 1 : 0))));
	const {findings} = run(db([...across, ...hourExactly, ...overAnHour]));
	assert.equal(points(find(findings, '10.0.0.3', 'u'), 'velocity'), 2, '09:58 to 10:02: five targets in four minutes');
	assert.match(find(findings, '10.0.0.3', 'u')!.reasons.find(r => r.signal === 'velocity')!.detail, /^5 distinct targets within one hour/);
	assert.equal(points(find(findings, '10.0.0.4', 'u'), 'velocity'), 2, '09:00 to 10:00: both ends included');
	assert.equal(points(find(findings, '10.0.0.5', 'u'), 'velocity'), 1, '09:00 to 10:01: at most four in any hour');
});

test('velocity counts distinct targets within one hour', () => {
	const burst = ['A', 'B', 'C'].map((h, i) => L('10.0.0.1', 'u', h, at(3, 10, i * 10)));
	const slow = ['A', 'B', 'C'].map((h, i) => L('10.0.0.2', 'u', h, at(3, 10 + i, 0)));
	const {findings} = run(db([...burst, ...slow]));
	assert.equal(points(find(findings, '10.0.0.1', 'u'), 'velocity'), 1);
	assert.equal(points(find(findings, '10.0.0.2', 'u'), 'velocity'), 0);
});

test('hop chain: the account that just logged on to a host moves on from it to new targets', () => {
	const d = db([
		// 10.0.0.9 (WS-9) logs on to SRV1 at 02:00; SRV1 is 10.0.1.1 (known from its workstation name).
		L('10.0.0.9', 'adm-x', 'SRV1', at(3, 2, 0), {src_host: 'WS-9'}),
		L('10.0.1.1', 'adm-x', 'DB1', at(3, 2, 30), {src_host: 'SRV1'}),
		// Another account leaving SRV1 is not the chain.
		L('10.0.1.1', 'bob', 'DB2', at(3, 2, 40), {src_host: 'SRV1'}),
		// SRV2 (10.0.1.2): the account moves on 5 hours later, past the 4-hour limit.
		L('10.0.0.9', 'adm-x', 'SRV2', at(3, 2, 0), {src_host: 'WS-9'}),
		L('10.0.1.2', 'adm-x', 'DB1', at(3, 7, 0), {src_host: 'SRV2'}),
	]);
	const {findings} = run(d);
	const hop = find(findings, '10.0.1.1', 'adm-x');
	assert.equal(points(hop, 'hop-chain'), 3);
	assert.deepEqual(hop?.hop, {from_ip: '10.0.0.9', from_user: 'adm-x', via: 'SRV1', ts: at(3, 2, 0)});
	assert.match(hop!.reasons.find(r => r.signal === 'hop-chain')!.detail, /^10\.0\.0\.9 -> 10\.0\.1\.1 \(SRV1\) as adm-x at 2026-11-05 02:00:00/);
	assert.equal(points(find(findings, '10.0.1.1', 'bob'), 'hop-chain'), 0);
	assert.equal(points(find(findings, '10.0.1.2', 'adm-x'), 'hop-chain'), 0);
});

test('hop chain: a host logged on to by its full name is the host that sends under its short name, and the other way round', () => {
	const d = db([
		// HOSTF.corp.local as a target; HOSTF as the workstation name of what 10.2.11.2 sends.
		L('10.2.11.1', 'fq', 'HOSTF.corp.local', at(3, 10, 0), {src_host: 'WS-1'}),
		L('10.2.11.2', 'fq', 'HOSTG.corp.local', at(3, 11, 0), {src_host: 'HOSTF'}),
		// hostk as a target; HOSTK.corp.local as the workstation name.
		L('10.2.12.1', 'fk', 'hostk', at(3, 10, 0), {src_host: 'WS-1'}),
		L('10.2.12.2', 'fk', 'HOSTL', at(3, 11, 0), {src_host: 'HOSTK.corp.local'}),
		// An address is not a host name: 10.2.13.2 logged on to as 10.2.13.2 is itself, not "10".
		L('10.2.13.1', 'fa', '10.2.13.2', at(3, 10, 0), {src_host: 'WS-1', dst_host: null, dst_ip: '10.2.13.2'}),
		L('10.2.13.2', 'fa', 'HOSTM', at(3, 11, 0), {src_host: '10'}),
	]);
	const {findings} = run(d, profileFile({minScore: 1}));
	assert.equal(points(find(findings, '10.2.11.2', 'fq'), 'hop-chain'), 3);
	assert.deepEqual(find(findings, '10.2.11.2', 'fq')?.hop, {from_ip: '10.2.11.1', from_user: 'fq', via: 'HOSTF.corp.local', ts: at(3, 10, 0)});
	assert.equal(points(find(findings, '10.2.12.2', 'fk'), 'hop-chain'), 3);
	assert.equal(points(find(findings, '10.2.13.2', 'fa'), 'hop-chain'), 3, 'by its address');
});

test('hop chain: only a successful logon is a way in, and the host is known by its name in any case', () => {
	const d = db([
		// SRV3 (10.0.1.3): the account only failed to log on to it before it moved on from it.
		L('10.0.0.9', 'adm-y', 'SRV3', at(3, 2, 0), {src_host: 'WS-9', outcome: 'failure', event_id: 4625}),
		L('10.0.1.3', 'adm-y', 'DB1', at(3, 2, 30), {src_host: 'SRV3'}),
		// SRV4 (10.0.1.4) names itself SRV4 and is logged on to as srv4.
		L('10.0.0.9', 'adm-z', 'srv4', at(3, 3, 0), {src_host: 'WS-9'}),
		L('10.0.1.4', 'adm-z', 'DB1', at(3, 3, 30), {src_host: 'SRV4'}),
	]);
	const {findings} = run(d);
	assert.equal(points(find(findings, '10.0.1.3', 'adm-y'), 'hop-chain'), 0);
	assert.deepEqual(find(findings, '10.0.1.4', 'adm-z')?.hop, {from_ip: '10.0.0.9', from_user: 'adm-z', via: 'srv4', ts: at(3, 3, 0)});
});

test('hop chain: not through a host that relayed the same way in the baseline (a jump server), nor a shared one', () => {
	const d = db([
		// JUMP (10.0.2.2) relayed ops on day 1; on day 3 ops goes through it to a new target.
		L('10.0.0.7', 'ops', 'JUMP', at(1, 9, 0)), L('10.0.2.2', 'ops', 'APP1', at(1, 9, 30), {src_host: 'JUMP'}),
		L('10.0.0.7', 'ops', 'JUMP', at(3, 9, 0)), L('10.0.2.2', 'ops', 'APP9', at(3, 9, 30), {src_host: 'JUMP'}),
		// TS1 (10.0.3.3) serves 5 accounts: a terminal server.
		...['t1', 't2', 't3', 't4'].map(u => L('10.0.3.3', u, 'FS', at(1, 10), {src_host: 'TS1'})),
		L('10.0.0.8', 'kim', 'TS1', at(3, 9, 0)), L('10.0.3.3', 'kim', 'APP9', at(3, 9, 30), {src_host: 'TS1'}),
	]);
	const {findings} = run(d);
	assert.equal(points(find(findings, '10.0.2.2', 'ops'), 'hop-chain'), 0);
	assert.equal(points(find(findings, '10.0.3.3', 'kim'), 'hop-chain'), 0);
});

test('routine: logons at an hour the account used on at least half of its earlier days earn no after-hours, weekend, spread or velocity', () => {
	const sweep = (src: string, user: string, day: number) => ['WS1', 'WS2', 'WS3'].map((h, i) => L(src, user, h, at(day, 2, i)));
	const {findings} = run(db([
		// svc-sccm sweeps at 02:00 on days 0, 1 and 3.
		...[0, 1, 3].flatMap(day => sweep('10.0.0.5', 'svc-sccm', day)),
		// bob does the same once, on day 3.
		...sweep('10.0.0.6', 'bob', 3),
		// carol: at 02:00 on day 0 only, at 10:00 on days 0 and 1; at 02:00 again on day 3.
		L('10.0.0.7', 'carol', 'WS1', at(0, 2)), L('10.0.0.7', 'carol', 'WS1', at(0, 10)), L('10.0.0.7', 'carol', 'WS1', at(1, 10)),
		...sweep('10.0.0.7', 'carol', 3),
	]));
	const sccm = find(findings, '10.0.0.5', 'svc-sccm');
	// Night 3, spread (3 targets a day) 1, velocity (3 targets an hour) 1: all taken back.
	assert.equal(points(sccm, 'routine'), -5);
	assert.equal(sccm!.score, 1, 'what is left is the privileged name');
	assert.match(sccm!.reasons.find(r => r.signal === 'routine')!.detail, /^3 of 3 logons at an hour this account logged on at on 2\+ earlier days, at least half of those it was active; without them after-hours 3 -> 0, target-spread 1 -> 0, velocity 1 -> 0$/);
	assert.equal(points(find(findings, '10.0.0.6', 'bob'), 'routine'), 0);
	assert.equal(points(find(findings, '10.0.0.7', 'carol'), 'routine'), 0, '02:00 on 1 earlier day is under the 2-day minimum');
});

test('routine: a failure is never routine, and the discount takes back only what routine logons earned', () => {
	const {findings} = run(db([
		...[0, 1].map(day => L('10.0.0.5', 'svc-x', 'WS1', at(day, 2))),
		L('10.0.0.5', 'svc-x', 'WS1', at(3, 2)),
		L('10.0.0.5', 'svc-x', 'WS2', at(3, 2, 5), {outcome: 'failure', event_id: 4625}),
	]));
	const f = find(findings, '10.0.0.5', 'svc-x');
	assert.equal(points(f, 'after-hours'), 3);
	assert.equal(points(f, 'routine'), -1, 'the night stays (the failure at 02:05 is not routine); the 2-target spread goes');
});

test('every finding\'s reasons add up to its score; ordered by score; minScore keeps', () => {
	const logons = [
		...['A', 'B', 'C', 'D', 'E'].map((h, i) => L('10.0.0.1', 'adm-x', h, at(3, 2, i))),
		L('10.0.0.2', 'bob', 'FS', at(3, 10)),
	];
	const all = run(db(logons)).findings;
	for (const f of all) assert.equal(f.reasons.reduce((s, r) => s + r.points, 0), f.score, `${f.src_ip} ${f.user}`);
	assert.deepEqual(all.map(f => f.score), [...all.map(f => f.score)].sort((a, b) => b - a));
	const kept = hunt(db(logons), {profile: 'lateral', tz: 'UTC'}).findings;
	assert.ok(kept.every(f => f.score >= 4));
	assert.ok(kept.some(f => f.user === 'adm-x'));
	assert.ok(!kept.some(f => f.user === 'bob'), 'one business-hours logon to one host scores below the shipped minimum');
});

test('JSON rows carry the SPEC 4.3 columns with ISO times', () => {
	const {rows} = run(db([L('10.0.0.1', 'adm-x', 'A', at(3, 2)), L('10.0.0.1', 'adm-x', 'B', at(3, 3))]));
	const row = rows.find(r => r['user'] === 'adm-x')!;
	assert.deepEqual(Object.keys(row), ['src_ip', 'user', 'first_seen', 'last_seen', 'targets', 'target_count', 'total', 'failed', 'success', 'score', 'reasons']);
	assert.equal(row['first_seen'], '2026-11-05T02:00:00Z');
	assert.deepEqual(row['targets'], ['A', 'B']);
});

test('a hand-edited profile with a wrong field is refused naming the field', () => {
	assert.throws(() => run(db([]), profileFile({minScore: 'high'})), (e: Error) => e instanceof UsageError && /minScore must be a number/.test(e.message));
	assert.throws(() => run(db([]), profileFile({signals: {...(shipped['signals'] as object), spread: {tiers: [[2]]}}})), /signals\.spread\.tiers must be a list/);
	assert.throws(() => run(db([]), profileFile({query: '../../etc/passwd'})), /query must name a file in db\/queries/);
	// A baseline of all would be no baseline at all, said nowhere.
	assert.throws(() => run(db([]), profileFile({baseline: 'all'})), /baseline "all" is not a length such as 2d/);
	assert.throws(() => run(db([]), profileFile({baseline: 'two days'})), /baseline "two days" is not a length such as 2d/);
	const signals = shipped['signals'] as Record<string, object>;
	assert.throws(() => run(db([]), profileFile({signals: {...signals, routine: {...signals['routine'], cancels: ['novelty']}}})), /signals\.routine\.cancels must be a list/);
	assert.throws(() => run(db([]), profileFile({signals: {...signals, afterHours: {...signals['afterHours'], nightHours: [22]}}})), /signals\.afterHours\.nightHours must be/);
});

const shippedFile = (name: string) => JSON.parse(fs.readFileSync(new URL(`../../db/profiles/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;

/** A profile file holding `profile` as written, edited or not. */
function written(profile: unknown): string {
	const file = path.join(scratch, `edited-${++files}.json`);
	fs.writeFileSync(file, JSON.stringify(profile, null, '\t'));
	return file;
}

/** The one line a profile file is refused with; undefined when it loads. */
function refusal(file: string): string | undefined {
	try {
		loadProfile(file);
		return undefined;
	} catch (error) {
		assert.ok(error instanceof UsageError, String(error));
		return error.message;
	}
}

test('a misspelt or unknown field at any level is refused by its path, with the nearest known name when one is near', () => {
	const signals = shipped['signals'] as Record<string, Record<string, unknown>>;
	const {points, ...spray} = signals['spray']!;
	const cases: Array<[unknown, string]> = [
		[{...shipped, minscore: 8}, 'unknown field minscore (did you mean minScore?)'],
		[{...shipped, signals: {...signals, spray: {...spray, pionts: points}}}, 'unknown field signals.spray.pionts (did you mean points?)'],
		[{...shipped, signals: {...signals, sprayy: signals['spray']}}, 'unknown field signals.sprayy (did you mean spray?)'],
		[{...shipped, signals: {...signals, afterHours: {...signals['afterHours'], nighthours: [1, 5]}}}, 'unknown field signals.afterHours.nighthours (did you mean nightHours?)'],
		[{...shipped, signals: {...signals, routine: {...signals['routine'], points: 2}}}, 'unknown field signals.routine.points'],
		[{...shipped, notes: 'tuned for the DMZ'}, 'unknown field notes'],
		[{...shippedFile('qradar'), defaultWindw: '7d'}, 'unknown field defaultWindw (did you mean defaultWindow?)'],
		[{...shippedFile('logscale'), minScore: 3}, 'unknown field minScore (only profiles with "kind": "scored" have it)'],
		[{...shipped, source: 'seeds/mine.txt'}, 'unknown field source (only seed profiles have it)'],
	];
	for (const [profile, message] of cases) {
		const file = written(profile);
		assert.equal(refusal(file), `profile ${file}: ${message}`);
	}

	// Through the hunt, as `lateral hunt --profile FILE` runs it.
	assert.throws(() => run(db([]), profileFile({minscore: 8})), /: unknown field minscore \(did you mean minScore\?\)$/);
});

test('a missing field is named, and so is a wrong kind, header value or file', () => {
	const signals = shipped['signals'] as Record<string, Record<string, unknown>>;
	const {points: _, ...spray} = signals['spray']!;
	const {routine: __, ...noRoutine} = signals;
	const {defaultWindow: ___, ...noWindow} = shipped;
	const cases: Array<[unknown, string]> = [
		[{...shipped, signals: {...signals, spray}}, 'signals.spray.points is missing'],
		[{...shipped, signals: noRoutine}, 'signals.routine is missing'],
		[noWindow, 'defaultWindow is missing'],
		[{...shipped, signals: {...signals, hopChain: 3}}, 'signals.hopChain must be an object'],
		[{...shipped, kind: 'scord'}, 'kind must be "scored" or "seed"'],
		[{...shipped, defaultWindow: 'soon'}, 'defaultWindow "soon" is not a duration such as 24h, or all'],
		[{...shipped, timeZone: 'Mars/Base'}, 'timeZone "Mars/Base" is not an IANA zone such as Europe/Berlin (or null for UTC)'],
		[{...shipped, title: 5}, 'title must be text'],
		[{...shippedFile('qradar'), falsePositives: 'none'}, 'falsePositives must be a list of text'],
		[[shipped], 'the file must hold one JSON object, as db/profiles/lateral.json does'],
	];
	for (const [profile, message] of cases) {
		const file = written(profile);
		assert.equal(refusal(file), `profile ${file}: ${message}`);
	}
});

test('every shipped profile loads, copied and edited too (documentation fields included), and refuses a field it does not know', () => {
	assert.deepEqual(listProfiles().map(p => p.name), ['lateral', 'qradar', 'logscale']);
	for (const name of ['lateral', 'qradar', 'logscale']) {
		assert.equal(loadProfile(name).name, name);
		assert.equal(refusal(written(shippedFile(name))), undefined, name);
		const file = written({...shippedFile(name), extra: 1});
		assert.equal(refusal(file), `profile ${file}: unknown field extra`, name);
	}

	// The README's way: a copy of lateral.json with its values tuned; description and timeZone may go.
	const signals = shipped['signals'] as Record<string, Record<string, unknown>>;
	const {description: _, timeZone: __, ...bare} = shipped;
	const tuned = {...bare, name: 'my-site', minScore: 6, signals: {...signals, spray: {...signals['spray'], points: 5}}};
	assert.equal(refusal(written(tuned)), undefined);
	assert.equal(refusal(written({...shipped, timeZone: 'Europe/Berlin', title: 'mine', level: 'medium', confidence: 'low', falsePositives: []})), undefined);
	assert.equal(refusal(written({...shippedFile('qradar'), kind: 'seed', description: 'the AQL seed, as our SOC runs it'})), undefined);
});
