import {after, test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {openMemoryDb, type Db} from '../../source/db/open.ts';
import {insertDataset, logonInserter} from '../../source/db/store.ts';
import {hunt} from '../../source/detect/hunt.ts';
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

test('after hours follows business hours in the zone; weekends score apart', () => {
	const d = db([
		L('10.0.0.1', 'early', 'H', at(3, 6, 59)),
		L('10.0.0.2', 'ontime', 'H', at(3, 7, 0)),
		L('10.0.0.3', 'late', 'H', at(3, 19, 0)),
		L('10.0.0.4', 'saturday', 'H', at(5, 12, 0)),
	]);
	const {findings} = run(d);
	assert.deepEqual(['early', 'ontime', 'late', 'saturday'].map((u, i) => points(find(findings, `10.0.0.${i + 1}`, u), 'after-hours')), [2, 0, 2, 0]);
	assert.equal(points(find(findings, '10.0.0.4', 'saturday'), 'weekend'), 1);
	// 06:59Z is 07:59 in Berlin (inside business hours); 19:00Z is 20:00 there (outside).
	const berlin = run(d, profileFile(), 'Europe/Berlin').findings;
	assert.equal(points(find(berlin, '10.0.0.1', 'early'), 'after-hours'), 0);
	assert.equal(points(find(berlin, '10.0.0.3', 'late'), 'after-hours'), 2);
});

test('failure-then-success needs 3 failures within 30 minutes before a success (a typo is not enough)', () => {
	const seq = (src: string, fails: number, gapMin: number) => [
		...Array.from({length: fails}, (_, i) => L(src, 'u', 'H', at(3, 10, i), {outcome: 'failure', event_id: 4625})),
		L(src, 'u', 'H', at(3, 10, fails - 1 + gapMin)),
	];
	const {findings} = run(db([...seq('10.0.0.1', 1, 1), ...seq('10.0.0.2', 3, 1), ...seq('10.0.0.3', 3, 31)]));
	assert.deepEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3'].map(s => points(find(findings, s, 'u'), 'failure-then-success')), [0, 2, 0]);
});

test('spray: a source failing against 5 different users marks every pair from it', () => {
	const users = ['a', 'b', 'c', 'd', 'e'];
	const fails = (src: string, n: number) => users.slice(0, n).map((u, i) => L(src, u, 'H', at(3, 11, i), {outcome: 'failure', event_id: 4625}));
	const {findings} = run(db([...fails('10.0.0.1', 5), ...fails('10.0.0.2', 4)]));
	assert.equal(points(find(findings, '10.0.0.1', 'c'), 'spray'), 3);
	assert.equal(points(find(findings, '10.0.0.2', 'c'), 'spray'), 0);
});

test('novelty: pairs seen in the baseline are not new; new source->target pairs are tiered', () => {
	const d = db([
		L('10.0.0.1', 'u', 'OLD', at(1, 10)),
		L('10.0.0.1', 'u', 'OLD', at(3, 10)),
		L('10.0.0.2', 'v', 'N1', at(3, 10)),
		L('10.0.0.3', 'w', 'N1', at(3, 10)), L('10.0.0.3', 'w', 'N2', at(3, 10)), L('10.0.0.3', 'w', 'N3', at(3, 10)),
	]);
	const {findings} = run(d);
	assert.equal(points(find(findings, '10.0.0.1', 'u'), 'novelty'), 0);
	assert.equal(points(find(findings, '10.0.0.2', 'v'), 'novelty'), 1, '1 new source->target pair; 1 new user->target pair is under the minimum of 2');
	assert.equal(points(find(findings, '10.0.0.3', 'w'), 'novelty'), 3, '3 new source->target pairs (2) + 3 new user->target pairs (1)');
});

test('velocity counts distinct targets within one clock hour', () => {
	const burst = ['A', 'B', 'C'].map((h, i) => L('10.0.0.1', 'u', h, at(3, 10, i * 10)));
	const slow = ['A', 'B', 'C'].map((h, i) => L('10.0.0.2', 'u', h, at(3, 10 + i, 0)));
	const {findings} = run(db([...burst, ...slow]));
	assert.equal(points(find(findings, '10.0.0.1', 'u'), 'velocity'), 1);
	assert.equal(points(find(findings, '10.0.0.2', 'u'), 'velocity'), 0);
});

test('hop chain: a source that was logged on to from elsewhere shortly before, moving to new hosts', () => {
	const d = db([
		// 10.0.0.9 (WS-9) logs on to SRV1 at 02:00; SRV1 is 10.0.1.1 (known from its workstation name).
		L('10.0.0.9', 'adm-x', 'SRV1', at(3, 2, 0), {src_host: 'WS-9'}),
		L('10.0.1.1', 'adm-x', 'DB1', at(3, 2, 30), {src_host: 'SRV1'}),
		// JUMP (10.0.2.2) moves to APP1 every day: it is reached from 10.0.0.7 but its onward pair is not new.
		L('10.0.2.2', 'ops', 'APP1', at(1, 9, 30), {src_host: 'JUMP'}),
		L('10.0.0.7', 'ops', 'JUMP', at(3, 9, 0)),
		L('10.0.2.2', 'ops', 'APP1', at(3, 9, 30), {src_host: 'JUMP'}),
	]);
	const {findings} = run(d);
	const hop = find(findings, '10.0.1.1', 'adm-x');
	assert.equal(points(hop, 'hop-chain'), 3);
	assert.deepEqual(hop?.hop, {from_ip: '10.0.0.9', from_user: 'adm-x', via: 'SRV1', ts: at(3, 2, 0)});
	assert.match(hop!.reasons.find(r => r.signal === 'hop-chain')!.detail, /10\.0\.1\.1 \(SRV1\) received a logon from 10\.0\.0\.9 as adm-x at 2026-11-05 02:00:00/);
	assert.equal(points(find(findings, '10.0.2.2', 'ops'), 'hop-chain'), 0);
	const loose = run(d, profileFile({signals: {...(shipped['signals'] as object), hopChain: {points: 3, withinHours: 24, requireNovelOnward: false}}})).findings;
	assert.equal(points(find(loose, '10.0.2.2', 'ops'), 'hop-chain'), 3);
});

test('routine: the same pair at the same hour on most baseline days is discounted', () => {
	const nightly = [0, 1, 3].flatMap(day => ['WS1', 'WS2', 'WS3'].map((h, i) => L('10.0.0.5', 'svc-sccm', h, at(day, 2, i))));
	const once = ['WS1', 'WS2', 'WS3'].map((h, i) => L('10.0.0.6', 'svc-sccm', h, at(3, 2, i)));
	const {findings} = run(db([...nightly, ...once]));
	const routine = find(findings, '10.0.0.5', 'svc-sccm');
	assert.equal(points(routine, 'routine'), -4);
	assert.match(routine!.reasons.find(r => r.signal === 'routine')!.detail, /on 2 of 2 baseline days/);
	assert.equal(points(find(findings, '10.0.0.6', 'svc-sccm'), 'routine'), 0);
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
});
