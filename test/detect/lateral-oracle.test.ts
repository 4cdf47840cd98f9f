/**
 * The lateral profile's query (db/queries/hunt-lateral.sql, rewritten for speed) against its
 * first, plainer formulation kept as an oracle (test/detect/lateral-oracle.sql): both run with the
 * very same bound values over the same store, and must return the same rows, every column, in
 * the same order.
 *
 * The store: a generated week (a few thousand logons with the generator's attacks) plus seeded
 * random logons full of what the rewrite treats differently: names in several cases, missing
 * targets, destinations known by address (dst_ip), relays, bursts of failures, sprays, logons on
 * quarter and hour boundaries, times before 1970. Hunted in zones whose clock hours run over two
 * local days (Kolkata, Kathmandu) and whose day goes back at a change at midnight (Beirut, on
 * 2026-10-25), with windows, a tuned profile, and allowlist entries of every kind.
 */
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {insertEntries} from '../../source/db/allowlist.ts';
import {openMemoryDb, type Db} from '../../source/db/open.ts';
import {huntQuery} from '../../source/detect/hunt.ts';
import type {HuntOptions} from '../../source/detect/types.ts';
import {generateDataset} from '../../source/generate/index.ts';
import {Random} from '../../source/generate/random.ts';
import type {Logon} from '../../source/ingest/types.ts';
import {expandPaths, loadFile} from '../../source/ingest/load.ts';
import {addDataset} from '../helpers/logons.ts';

const oracleSql = fs.readFileSync(new URL('lateral-oracle.sql', import.meta.url), 'utf8');
const shipped = JSON.parse(fs.readFileSync(new URL('../../db/profiles/lateral.json', import.meta.url), 'utf8')) as Record<string, unknown>;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const START = Date.parse('2026-10-20T00:00:00Z');
const DAYS = 8;

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lateral-oracle-'));
after(() => fs.rmSync(scratch, {recursive: true, force: true}));

/** The shipped profile with other weights, hours and thresholds, every finding kept. */
function tunedProfile(): string {
	const file = path.join(scratch, 'tuned.json');
	const signals = shipped['signals'] as Record<string, Record<string, unknown>>;
	fs.writeFileSync(file, JSON.stringify({
		...shipped,
		name: 'tuned',
		baseline: '1d',
		minScore: -100,
		logonTypes: [2, 3, 10],
		signals: {
			...signals,
			afterHours: {...signals['afterHours'], nightHours: [1, 5], businessHours: [8, 17], businessDays: [1, 2, 3, 4, 5, 6]},
			failureThenSuccess: {points: 2, minFailures: 2, withinMinutes: 90},
			spray: {points: 8, minUsers: 2, withinMinutes: 30},
			novelty: {...signals['novelty'], sharedSourceUsers: 3},
			hopChain: {points: 3, withinHours: 12},
			routine: {share: 0.3, minDays: 1, cancels: ['afterHours', 'spread']},
		},
	}));
	return file;
}

const SOURCES = ['10.1.0.1', '10.1.0.2', '10.1.0.3', '10.1.0.4', '10.1.0.5', 'FE80::A1', '192.168.7.7'];
const USERS = ['eve', 'Eve', 'EVE', 'mallory', 'svc-backup', 'Trent', 'trent', 'adm-oscar', 'peggy'];
// Hosts that are also sources: known by address (dst_ip) and by name (target), so hops run through them.
const RELAYS = [{ip: '10.1.0.2', name: 'WS-RELAY2'}, {ip: '10.1.0.3', name: 'ws-relay3'}, {ip: 'FE80::A1', name: 'V6BOX'}];
const TARGETS = ['SRV-A', 'srv-a', 'SRV-B', 'DB01', 'FILE1', '10.1.0.4', null, 'WS-RELAY2', 'WS-Relay2', 'ws-relay3', 'fe80::a1', 'V6BOX'];

let line = 0;
function row(r: Random, ts: number, more: Partial<Logon> = {}): Logon {
	const outcome = r.chance(0.2) ? 'failure' : 'success';
	const target = r.pick(TARGETS);
	const relay = r.chance(0.3) ? r.pick(RELAYS) : undefined;
	return {
		ts, outcome, event_id: outcome === 'failure' ? 4625 : 4624, logon_type: r.pick([3, 3, 3, 10, 2]),
		src_ip: r.pick(SOURCES), src_port: null, src_host: r.pick([null, '', '-', 'WKS1', 'wks1', 'Laptop-9']),
		user: r.pick(USERS), domain: 'CORP', target: relay ? relay.name : target, dst_host: relay ? relay.name : target,
		dst_ip: relay ? relay.ip : r.chance(0.1) ? r.pick(SOURCES) : null, service: 'network', auth_package: null,
		log_source_type: null, raw_ref: ++line, ...more,
	};
}

/** Seeded logons over [from, from + days): scattered, on boundaries, and in bursts. */
function synthetic(seed: number, from: number, days: number): Logon[] {
	const r = new Random(seed);
	const out: Logon[] = [];
	for (let i = 0; i < 500; i++) out.push(row(r, from + r.int(0, days * DAY - 1)));
	// On quarter and hour boundaries, and a millisecond either side.
	for (let i = 0; i < 80; i++) out.push(row(r, from + r.int(0, days * 96 - 1) * 15 * MINUTE + r.pick([-1, 0, 0, 1])));
	for (let burst = 0; burst < 12; burst++) {
		const at = from + r.int(0, days * DAY - 3 * HOUR);
		const src = r.pick(SOURCES);
		// Failures then a success (failure-then-success), or failures for many accounts (spray).
		const user = r.pick(USERS);
		for (let i = 0; i < r.int(2, 6); i++) out.push(row(r, at + i * r.int(1, 9) * MINUTE, {src_ip: src, user, outcome: 'failure', logon_type: 3}));
		out.push(row(r, at + 40 * MINUTE, {src_ip: src, user, outcome: 'success', logon_type: 3}));
		for (const u of USERS.slice(0, r.int(2, USERS.length))) out.push(row(r, at + r.int(0, 50) * MINUTE, {src_ip: src, user: u, outcome: 'failure', logon_type: 3}));
	}

	for (let chain = 0; chain < 10; chain++) {
		// A -> relay -> onward: in by name or by address, out within hours to a new target.
		const at = from + r.int(0, days * DAY - 8 * HOUR);
		const relay = r.pick(RELAYS);
		const user = r.pick(USERS);
		const byAddress = r.chance(0.5);
		out.push(row(r, at, {src_ip: r.pick(SOURCES), user, outcome: 'success', logon_type: 10, target: byAddress ? relay.ip : relay.name, dst_ip: byAddress ? relay.ip : null}));
		for (let i = 1; i <= 3; i++) out.push(row(r, at + i * r.int(5, 90) * MINUTE, {src_ip: relay.ip, user: r.chance(0.8) ? user : user.toUpperCase(), outcome: 'success', logon_type: 3, target: `NEW-${chain}-${i}`}));
	}

	return out;
}

const ALLOW = [
	{kind: 'src_ip', pattern: '10.1.0.0/30', match: 'cidr', reason: 'scanner range'},
	{kind: 'user', pattern: 'svc-*', match: 'glob', reason: 'service accounts'},
	{kind: 'target', pattern: 'srv-a', match: 'exact', reason: 'the jump host'},
	{kind: 'pair', src_ip: '10.1.0.5', user: '^tre', match: 'regex', reason: 'Trent from his desk'},
	{kind: 'pair', src_ip: '192.168.7.7', target: 'DB*', match: 'glob', reason: 'the DBA box'},
	{kind: 'user', pattern: 'peggy', match: 'exact', reason: 'off', enabled: false},
	{kind: 'user', pattern: 'mallory', match: 'exact', reason: 'expired', expires: Date.parse('2020-01-01T00:00:00Z')},
	{kind: 'target', pattern: 'FILE1', match: 'exact', reason: 'another profile', profile: 'qradar'},
] as const;

let store: Db;
let epoch: Db;
let entryIds: number[];

before(async () => {
	await generateDataset({out: scratch, seed: 29, users: 30, days: DAYS, start: '2026-10-20', tz: 'Asia/Beirut', windowsFormat: 'windows-json'});
	store = openMemoryDb();
	for (const file of expandPaths([scratch])) {
		const result = await loadFile(store, file, {tz: 'UTC', year: 2026});
		assert.notEqual(result.status, 'refused', file);
	}

	addDataset(store, synthetic(1, START, DAYS));
	entryIds = insertEntries(store, ALLOW.map(e => ({...e})), 'test');
	// Around 1970-01-01: quarter hours and clock hours before zero, where division truncates.
	epoch = openMemoryDb();
	addDataset(epoch, synthetic(2, -3 * DAY, 6));
});

/** Runs the query and the oracle with the same values; returns the rows after checking they agree. */
function agree(db: Db, options: HuntOptions, label: string): Array<Record<string, unknown>> {
	const query = huntQuery(db, options);
	const oracle = huntQuery(db, options, oracleSql);
	assert.deepEqual(oracle.params, {...query.params, today: oracle.params['today']});
	const params = {...query.params, today: Date.parse('2026-11-01T00:00:00Z')};
	const rows = db.prepare(query.sql).all(params) as Array<Record<string, unknown>>;
	const expected = db.prepare(oracle.sql).all(params) as Array<Record<string, unknown>>;
	assert.deepEqual(rows, expected, label);
	return rows;
}

// Whole hours; clock hours over two local days (Kolkata +5:30, Kathmandu +5:45); the day going
// back an hour at midnight (Beirut, 2026-10-25); an hour that happens twice (London, same day).
const ZONES = ['UTC', 'Asia/Beirut', 'Asia/Kolkata', 'Asia/Kathmandu', 'Europe/London'];

test('the same rows as the oracle in every zone and window', () => {
	const tuned = tunedProfile();
	const seen = {rows: 0, hop: 0, spray: 0, fts: 0, routine: 0, novelty: 0, allowlisted: 0};
	for (const tz of ZONES) {
		const variants: Array<[string, HuntOptions]> = [
			['default', {profile: 'lateral', tz}],
			['tuned, all', {profile: tuned, tz, window: null}],
			['tuned, 3 days', {profile: tuned, tz, window: 3 * DAY}],
			['tuned, earlier now', {profile: tuned, tz, now: START + 5 * DAY + 7 * HOUR + 30 * MINUTE}],
		];
		for (const [label, options] of variants) {
			const rows = agree(store, options, `${tz} ${label}`);
			seen.rows += rows.length;
			seen.hop += rows.filter(r => Number(r['p_hop']) > 0).length;
			seen.spray += rows.filter(r => Number(r['p_spray']) > 0).length;
			seen.fts += rows.filter(r => Number(r['p_fts']) > 0).length;
			seen.routine += rows.filter(r => Number(r['p_routine']) < 0).length;
			seen.novelty += rows.filter(r => Number(r['novel_st']) > 0 && Number(r['novel_ut']) > 0).length;
		}
	}

	const all = agree(store, {profile: tuned, tz: 'UTC', allowlist: false}, 'no allowlist').length;
	seen.allowlisted = all - agree(store, {profile: tuned, tz: 'UTC'}, 'allowlist').length;
	// Every signal the rewrite computes differently was actually exercised.
	for (const [what, n] of Object.entries(seen)) assert.ok(n > 0, `${what}: ${n}`);
});

test('the same rows with the allowlist off, and with each entry applied alone (how hit counts are measured)', () => {
	agree(store, {profile: 'lateral', tz: 'Asia/Kolkata', allowlist: false, window: 30 * HOUR}, 'no allowlist, last 30 hours');
	for (const id of entryIds) agree(store, {profile: 'lateral', tz: 'Asia/Kolkata', onlyEntry: id}, `entry ${id}`);
});

test('the same rows around 1970-01-01, where times are negative', () => {
	for (const tz of ['UTC', 'Asia/Kolkata', 'America/New_York']) {
		const rows = agree(epoch, {profile: tunedProfile(), tz, window: null}, tz);
		assert.ok(rows.length > 0, tz);
	}
});
