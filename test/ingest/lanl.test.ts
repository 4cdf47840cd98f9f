/**
 * The lanl format (LANL auth.txt, SPEC 3) on a small hand-made fixture built from the published
 * field description (no public slice of auth.txt exists): each row's mapping by hand, rejects with
 * their lines, detection, and the CLI end to end down to the qradar seed's finding.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {spawnSync} from 'node:child_process';
import {after, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {fileURLToPath} from 'node:url';
import {openMemoryDb} from '../../source/db/open.ts';
import {queryEvents} from '../../source/db/store.ts';
import {detectFormat, sniffFormat} from '../../source/ingest/detect.ts';
import {lanlFormat, logonTypeOf, normalizeLanl} from '../../source/ingest/lanl.ts';
import {loadFile} from '../../source/ingest/load.ts';
import {readHead} from '../../source/ingest/text.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = path.join(root, 'test/fixtures/formats/lanl-auth.txt');
const EPOCH = Date.parse('2026-03-02T00:00:00Z');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lateral-lanl-'));
after(() => fs.rmSync(scratch, {recursive: true, force: true}));

const row = (line: string) => line.split(',');

describe('normalizeLanl', () => {
	test('a LogOn row: dst user split at @, computers as source and target, type and package by name', () => {
		const result = normalizeLanl(row('151036,U748@DOM1,U748@DOM1,C17693,C305,NTLM,Network,LogOn,Success'), 7, {epoch: EPOCH});
		assert.deepEqual(result, {kind: 'logon', timeField: 'time (seconds after 2026-03-02T00:00:00.000Z)', logon: {
			ts: EPOCH + 151_036_000, outcome: 'success', event_id: null, logon_type: 3,
			src_ip: 'C17693', src_port: null, src_host: 'C17693', user: 'U748', domain: 'DOM1',
			target: 'C305', dst_host: 'C305', dst_ip: null, service: 'network', auth_package: 'NTLM', log_source_type: null, raw_ref: 7,
		}});
	});

	test('the destination user is the logon\'s user; Fail is a failure; RemoteInteractive is type 10 (rdp)', () => {
		const result = normalizeLanl(row('5,U1@DOM1,U2@C583,C1,C2,Kerberos,RemoteInteractive,LogOn,Fail'), 1, {});
		assert.equal(result.kind, 'logon');
		if (result.kind !== 'logon') return;
		assert.deepEqual([result.logon.ts, result.logon.outcome, result.logon.user, result.logon.domain, result.logon.logon_type, result.logon.service], [5000, 'failure', 'U2', 'C583', 10, 'rdp']);
	});

	test('machine and anonymous accounts keep the names the profiles filter on', () => {
		const machine = normalizeLanl(row('1,C586$@DOM1,C586$@DOM1,C586,C586,?,?,LogOn,Success'), 1, {});
		assert.ok(machine.kind === 'logon' && machine.logon.user === 'C586$' && machine.logon.logon_type === null && machine.logon.auth_package === '?');
		const anonymous = normalizeLanl(row('1,ANONYMOUS LOGON@C586,ANONYMOUS LOGON@C586,C1250,C586,NTLM,Network,LogOn,Success'), 1, {});
		assert.ok(anonymous.kind === 'logon' && anonymous.logon.user === 'ANONYMOUS LOGON' && anonymous.logon.domain === 'C586');
	});

	test('only LogOn rows are logons: LogOff, TGT, TGS and AuthMap are skipped', () => {
		for (const orientation of ['LogOff', 'TGT', 'TGS', 'AuthMap']) {
			assert.deepEqual(normalizeLanl(row(`1,U1@DOM1,U1@DOM1,C1,C2,Kerberos,Network,${orientation},Success`), 1, {}), {kind: 'skip', reason: `orientation ${orientation}`});
		}
	});

	test('bad rows are rejected with the reason', () => {
		const cases: Array<[string, RegExp]> = [
			['1,U1@DOM1,U1@DOM1,C1,C2,NTLM,Network,LogOn', /expected 9 fields .* found 8/],
			['-4,U1@DOM1,U1@DOM1,C1,C2,NTLM,Network,LogOn,Success', /time "-4" is not a whole number/],
			['1,U1@DOM1,U1@DOM1,C1,C2,NTLM,Network,LogIn,Success', /orientation "LogIn"/],
			['1,U1@DOM1,U1@DOM1,C1,C2,NTLM,Network,LogOn,Maybe', /result "Maybe" is not Success or Fail/],
			['1,U1@DOM1,U1@DOM1,C1,C2,NTLM,Sideways,LogOn,Success', /logon type "Sideways"/],
		];
		for (const [line, reason] of cases) {
			const result = normalizeLanl(row(line), 1, {});
			assert.equal(result.kind, 'reject', line);
			if (result.kind === 'reject') assert.match(result.reason, reason);
		}
	});

	test('logon type names as Windows spells them', () => {
		assert.deepEqual(['Interactive', 'Network', 'Batch', 'Service', 'Unlock', 'NetworkCleartext', 'NewCredentials', 'RemoteInteractive', 'CachedInteractive', '?', '10'].map(logonTypeOf), [2, 3, 4, 5, 7, 8, 9, 10, 11, null, 10]);
	});
});

describe('detection', () => {
	test('the fixture is sniffed as lanl', async () => {
		assert.equal((await detectFormat(fixture)).name, 'lanl');
	});

	test('other comma-separated text is not: a QRadar CSV, 4-field red-team labels, a header row', () => {
		const text = (s: string) => new Uint8Array(Buffer.from(s));
		assert.notEqual(sniffFormat(text('starttime,sourceip,destinationip,username,eventid,LogonType\n1,10.0.0.1,10.0.0.2,bob,4624,3\n'))?.name, 'lanl');
		assert.equal(sniffFormat(text('150885,U620@DOM1,C17693,C1003\n151036,U748@DOM1,C17693,C305\n')), undefined);
		assert.equal(sniffFormat(text('time,src_user,dst_user,src_computer,dst_computer,auth_type,logon_type,orientation,result\n1,U1@D,U1@D,C1,C2,NTLM,Network,LogOn,Success\n')), undefined);
		assert.equal(lanlFormat.sniff('1,U1@D,U1@D,C1,C2,NTLM,Network,LogOn,Success\n', new Uint8Array(50)), true);
	});

	test('one damaged row among the first lines does not hide the format (the load rejects that row); a header row, or two bad rows, do', () => {
		const row = (t: number) => `${t},U1@D,U1@D,C1,C2,NTLM,Network,LogOn,Success`;
		const sniff = (lines: string[]) => lanlFormat.sniff(`${lines.join('\n')}\n`, new Uint8Array(100));
		assert.equal(sniff([row(1), row(2), '3,U1@D,U1@D,C1,C2,NTLM', row(4), row(5)]), true);
		assert.equal(sniff([row(1), '2,U1@D', '3,U1@D', row(4), row(5)]), false);
		assert.equal(sniff(['time,src_user,dst_user,src_computer,dst_computer,auth_type,logon_type,orientation,result', row(1), row(2), row(3)]), false);
		assert.equal(sniff([row(1), '2,U1@D']), false);
	});

	test('the shared LANL red-team labels (4 fields) are not mistaken for auth.txt', {skip: !fs.existsSync(path.resolve(root, '../shared/datasets/lanl/redteam.txt')) && 'the shared datasets folder is absent'}, () => {
		assert.equal(sniffFormat(readHead(path.resolve(root, '../shared/datasets/lanl/redteam.txt'))), undefined);
	});
});

test('loading the fixture: 8 logons, 3 skipped, 4 rejected with their lines; the rest loads', async () => {
	const db = openMemoryDb();
	const result = await loadFile(db, fixture, {tz: 'UTC', epoch: EPOCH});
	assert.equal(result.status, 'loaded');
	if (result.status !== 'loaded') return;
	assert.deepEqual([result.format, result.records, result.skipped, result.rejected], ['lanl', 8, 3, 4]);
	assert.deepEqual(result.rejects.map(r => r.line), [12, 13, 14, 15]);
	assert.deepEqual([result.firstTs, result.lastTs], [EPOCH + 3_600_000, EPOCH + 36_000_000]);
	const events = queryEvents(db, {user: 'U12', limit: 100});
	assert.deepEqual(events.map(e => [e.ts - EPOCH, e.target, e.outcome, e.logon_type]), [
		[3_600_000, 'C305', 'success', 3],
		[3_700_000, 'C1065', 'failure', 3],
		[3_710_000, 'C1065', 'success', 3],
		[3_720_000, 'C586', 'success', 10],
		[3_740_000, 'C17693', 'success', 5],
	]);
});

describe('command line', () => {
	const lateral = (args: string[]) => {
		const r = spawnSync(process.execPath, [path.join(root, 'bin/lateral.js'), ...args], {cwd: root, encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}});
		return {code: r.status, stdout: r.stdout, stderr: r.stderr};
	};

	test('load --format lanl --epoch, events --format json, hunt --profile qradar: the hand-computed finding', () => {
		const db = path.join(scratch, 'cli.sqlite');
		const load = lateral(['load', fixture, '--format', 'lanl', '--epoch', '2026-03-02T00:00:00Z', '--db', db]);
		assert.equal(load.code, 0, load.stderr);
		assert.match(load.stdout, /lanl, 8 logons, 4 rejected, 3 other events skipped/);
		assert.match(load.stdout, /rejected line 13: time "later" is not a whole number of seconds/);

		const events = JSON.parse(lateral(['events', '--format', 'json', '--db', db]).stdout) as Array<Record<string, unknown>>;
		assert.equal(events.length, 8);
		assert.deepEqual(events[0], {
			...events[0],
			ts: Date.parse('2026-03-02T01:00:00Z'), outcome: 'success', logon_type: 3, src_ip: 'C17693', src_host: 'C17693',
			user: 'U12', domain: 'DOM1', target: 'C305', dst_host: 'C305', dst_ip: null, service: 'network', auth_package: 'NTLM', line: 1,
		});

		// By hand: (C17693, U12) with types 3/10 is rows 1, 3, 4, 5 (row 7 is type 5; C17693$ and
		// ANONYMOUS LOGON are filtered; C2000/U99 has one target). 3 targets + after hours (01:00) = 4.
		const hunt = lateral(['hunt', '--profile', 'qradar', '--format', 'json', '--db', db]);
		assert.equal(hunt.code, 0, hunt.stderr);
		assert.deepEqual(JSON.parse(hunt.stdout), [{
			first_seen: '2026-03-02 01:00:00', last_seen: '2026-03-02 01:02:00', source_ip: 'C17693', target_user: 'U12',
			total_logons: 4, failed_logons: 1, success_logons: 3, unique_target_hosts: 3, is_privileged: 0, any_after_hours: 1, suspicion_score: 4,
		}]);
	});

	test('detected without --format; without --epoch, second 0 is 1970-01-01T00:00:00Z', () => {
		const db = path.join(scratch, 'detect.sqlite');
		const load = lateral(['load', fixture, '--db', db]);
		assert.equal(load.code, 0, load.stderr);
		assert.match(load.stdout, /: lanl, 8 logons/);
		const events = JSON.parse(lateral(['events', '--format', 'json', '--limit', '1', '--db', db]).stdout) as Array<Record<string, unknown>>;
		assert.equal(events[0]!['ts'], 3_600_000);
	});
});
