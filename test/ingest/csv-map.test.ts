/**
 * The csv format with --map (SPEC 3): map files and inline maps, each field's reading by hand,
 * bad rows rejected with their lines, bad maps refused in one line naming the map file, and the
 * CLI end to end down to the qradar seed's finding.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {spawnSync} from 'node:child_process';
import {after, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {fileURLToPath} from 'node:url';
import {openMemoryDb} from '../../source/db/open.ts';
import {countLogons} from '../../source/db/store.ts';
import {mapProblem, normalizeCsvMap, parseMapOption} from '../../source/ingest/csv-map.ts';
import {detectFormat} from '../../source/ingest/detect.ts';
import {loadFile} from '../../source/ingest/load.ts';
import {InputError, UsageError} from '../../source/util/errors.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = path.join(root, 'test/fixtures/formats');
const csv = path.join(dir, 'siem-export.csv');
const mapFile = path.join(dir, 'siem-export.map.yaml');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lateral-csvmap-'));
after(() => fs.rmSync(scratch, {recursive: true, force: true}));

const MAP = parseMapOption(mapFile);

describe('the map', () => {
	test('a YAML map file: normalized field -> column', () => {
		assert.deepEqual(MAP, {ts: 'When', outcome: 'Result', user: 'Account', domain: 'Domain', src_ip: 'Client', src_host: 'ClientName', dst_host: 'Server', dst_ip: 'ServerAddr', logon_type: 'Kind', auth_package: 'Package'});
	});

	test('a JSON map file and an inline map give the same', () => {
		const json = path.join(scratch, 'map.json');
		fs.writeFileSync(json, JSON.stringify({ts: 'When', outcome: 'Result', user: 'Account'}));
		assert.deepEqual(parseMapOption(json), {ts: 'When', outcome: 'Result', user: 'Account'});
		assert.deepEqual(parseMapOption('ts=When, outcome=Result,user=Account'), {ts: 'When', outcome: 'Result', user: 'Account'});
	});

	test('a wrong map file is one InputError naming the file and what is wrong', () => {
		const cases: Array<[string, RegExp]> = [
			['bad-map-field.yaml', /unknown field "who" \(fields: ts, outcome, /],
			['bad-map-value.yaml', /field "outcome": the column name must be non-empty text/],
			['bad-map-syntax.yaml', /not a readable --map file \(YAML or JSON\)/],
			['bad-map-no-outcome.yaml', /neither "outcome" nor "event_id" is mapped/],
		];
		for (const [name, reason] of cases) {
			const file = path.join(dir, name);
			assert.throws(() => parseMapOption(file), (e: unknown) => e instanceof InputError && e.file === file && reason.test(e.reason) && !e.message.includes('\n'), name);
		}

		assert.throws(() => parseMapOption(path.join(scratch, 'absent.yaml')), (e: unknown) => e instanceof InputError && /no such --map file/.test(e.reason));
		const list = path.join(scratch, 'list.yaml');
		fs.writeFileSync(list, '- ts\n- When\n');
		assert.throws(() => parseMapOption(list), (e: unknown) => e instanceof InputError && /maps normalized fields to column names/.test(e.reason));
	});

	test('a wrong inline map is a usage error', () => {
		assert.throws(() => parseMapOption('ts=When,outcome'), UsageError);
		assert.throws(() => parseMapOption('outcome=Result,user=x'), (e: unknown) => e instanceof UsageError && /no "ts" column/.test(e.message));
	});

	test('mapProblem accepts the smallest usable map', () => {
		assert.equal(mapProblem({ts: 'a', event_id: 'b'}), undefined);
	});
});

describe('normalizeCsvMap', () => {
	const row = (values: Record<string, string>) => ({When: '2026-03-02T01:10:00Z', Result: 'Success', Account: 'admin-kim', Domain: 'CORP', Client: '10.1.1.5', ClientName: 'WS05', Server: 'FS01', ServerAddr: '10.2.0.11', Kind: '3', Package: 'NTLM', ...values});
	const logonOf = (values: Record<string, string>, map = MAP, tz = 'UTC') => {
		const r = normalizeCsvMap(row(values), 2, {tz, map});
		assert.equal(r.kind, 'logon', JSON.stringify(r));
		return r.kind === 'logon' ? r : assert.fail();
	};

	test('every mapped column to its field; target = dst_host; service from the logon type', () => {
		assert.deepEqual(logonOf({}), {kind: 'logon', timeField: 'When', logon: {
			ts: Date.parse('2026-03-02T01:10:00Z'), outcome: 'success', event_id: null, logon_type: 3,
			src_ip: '10.1.1.5', src_port: null, src_host: 'WS05', user: 'admin-kim', domain: 'CORP',
			target: 'FS01', dst_host: 'FS01', dst_ip: '10.2.0.11', service: 'network', auth_package: 'NTLM', log_source_type: null, raw_ref: 2,
		}});
	});

	test('times: epoch seconds, epoch ms, zone-less ISO read in --tz (and said so)', () => {
		assert.equal(logonOf({When: '1772413920'}).logon.ts, Date.parse('2026-03-02T01:12:00Z'));
		assert.equal(logonOf({When: '1772413920000'}).logon.ts, Date.parse('2026-03-02T01:12:00Z'));
		const local = logonOf({When: '2026-03-02 02:12:00'}, MAP, 'Europe/Berlin');
		assert.equal(local.logon.ts, Date.parse('2026-03-02T01:12:00Z'));
		assert.equal(local.timeField, 'When (no zone, read as Europe/Berlin)');
	});

	test('outcome words, logon type names, mapped IPv6, empty dst_host falls back to dst_ip', () => {
		assert.equal(logonOf({Result: 'FAILED'}).logon.outcome, 'failure');
		assert.equal(logonOf({Result: 'audit failure'}).logon.outcome, 'failure');
		assert.equal(logonOf({Result: 'true'}).logon.outcome, 'success');
		const rdp = logonOf({Kind: 'RemoteInteractive', Client: '::ffff:10.1.1.6', Server: ''}).logon;
		assert.deepEqual([rdp.logon_type, rdp.service, rdp.src_ip, rdp.target, rdp.dst_host], [10, 'rdp', '10.1.1.6', '10.2.0.11', '']);
	});

	test('event_id without outcome: 4624 success, 4625 failure, other ids skipped', () => {
		const map = {ts: 'When', event_id: 'Id', user: 'Account'};
		const at = (id: string) => normalizeCsvMap({When: '1772413920', Id: id, Account: 'x'}, 3, {tz: 'UTC', map});
		assert.ok(at('4624').kind === 'logon' && (at('4624') as {logon: {outcome: string; event_id: number}}).logon.outcome === 'success');
		assert.ok(at('4625').kind === 'logon' && (at('4625') as {logon: {outcome: string; event_id: number}}).logon.event_id === 4625);
		assert.deepEqual(at('4634'), {kind: 'skip', reason: 'event 4634'});
		assert.equal(at('46x').kind, 'reject');
	});

	test('bad values are rejects naming the column', () => {
		const reason = (values: Record<string, string>) => {
			const r = normalizeCsvMap(row(values), 2, {tz: 'UTC', map: MAP});
			return r.kind === 'reject' ? r.reason : `not rejected: ${r.kind}`;
		};

		assert.match(reason({When: 'yesterday'}), /^ts "yesterday" \(column When\) is not a time/);
		assert.match(reason({When: ''}), /^ts "" \(column When\)/);
		assert.match(reason({Result: 'maybe'}), /^outcome "maybe" \(column Result\) is neither/);
		assert.match(reason({Kind: 'Sideways'}), /^logon_type "Sideways" \(column Kind\)/);
	});

	test('columns match ignoring case when not exact', () => {
		assert.equal(logonOf({}, {...MAP, user: 'ACCOUNT'}).logon.user, 'admin-kim');
	});
});

describe('loading', () => {
	test('the fixture: 4 logons, 4 rejects with their lines, the rest loads', async () => {
		const db = openMemoryDb();
		const result = await loadFile(db, csv, {tz: 'UTC', format: 'csv', map: MAP});
		assert.equal(result.status, 'loaded');
		if (result.status !== 'loaded') return;
		assert.deepEqual([result.records, result.rejected, result.skipped], [4, 4, 0]);
		assert.deepEqual(result.rejects.map(r => r.line), [6, 7, 8, 9]);
		assert.match(result.rejects[3]!.reason, /expected 10 fields as in the header, found 5/);
	});

	test('a mapped column missing from the header refuses the file, nothing loaded', async () => {
		const db = openMemoryDb();
		const result = await loadFile(db, csv, {tz: 'UTC', format: 'csv', map: {...MAP, user: 'Login'}});
		assert.equal(result.status, 'refused');
		if (result.status === 'refused') assert.match(result.reason, /column "Login" \(mapped to user\) is not in the header \(columns: When, Result, /);
		assert.equal(countLogons(db), 0);
	});

	test('never detected: a CSV without --map is not guessed as csv', async () => {
		await assert.rejects(detectFormat(csv), (e: unknown) => e instanceof InputError && /not a recognised logon format/.test(e.reason));
	});
});

describe('command line', () => {
	const lateral = (args: string[]) => {
		const r = spawnSync(process.execPath, [path.join(root, 'bin/lateral.js'), ...args], {cwd: root, encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}});
		return {code: r.status, stdout: r.stdout, stderr: r.stderr};
	};

	test('load --map FILE, events --format json, hunt --profile qradar: the hand-computed finding', () => {
		const db = path.join(scratch, 'cli.sqlite');
		const load = lateral(['load', csv, '--map', mapFile, '--db', db]);
		assert.equal(load.code, 0, load.stderr);
		assert.match(load.stdout, /csv, 4 logons, 4 rejected, 0 other events skipped/);
		assert.match(load.stdout, /rejected line 7: outcome "maybe"/);
		const events = JSON.parse(lateral(['events', '--format', 'json', '--db', db]).stdout) as Array<Record<string, unknown>>;
		assert.deepEqual(events.map(e => [e['ts'], e['outcome'], e['src_ip'], e['user'], e['target'], e['logon_type'], e['line']]), [
			[Date.parse('2026-03-02T01:10:00Z'), 'success', '10.1.1.5', 'admin-kim', 'FS01', 3, 2],
			[Date.parse('2026-03-02T01:11:00Z'), 'failure', '10.1.1.5', 'admin-kim', '10.2.0.12', 3, 3],
			[Date.parse('2026-03-02T01:12:00Z'), 'success', '10.1.1.5', 'admin-kim', 'APP03', 10, 4],
			[Date.parse('2026-03-02T09:00:00Z'), 'success', '10.1.1.9', 'smith, j', 'FS01', 3, 5],
		]);

		// By hand: (10.1.1.5, admin-kim): 3 targets + 1 (admin) + 1 (01:xx after hours) + 0 (1 of 3 failed) = 5.
		const hunt = lateral(['hunt', '--profile', 'qradar', '--format', 'json', '--db', db]);
		assert.equal(hunt.code, 0, hunt.stderr);
		assert.deepEqual(JSON.parse(hunt.stdout), [{
			first_seen: '2026-03-02 01:10:00', last_seen: '2026-03-02 01:12:00', source_ip: '10.1.1.5', target_user: 'admin-kim',
			total_logons: 3, failed_logons: 1, success_logons: 2, unique_target_hosts: 3, is_privileged: 1, any_after_hours: 1, suspicion_score: 5,
		}]);
	});

	test('an inline map with event ids; the logscale seed sees svc-backup on two hosts', () => {
		const db = path.join(scratch, 'inline.sqlite');
		const load = lateral(['load', path.join(dir, 'eventcode.csv'), '--format', 'csv', '--map', 'ts=TimeGenerated,event_id=EventCode,user=TargetUserName,src_ip=IpAddress,dst_host=ComputerName,logon_type=LogonType', '--db', db]);
		assert.equal(load.code, 0, load.stderr);
		assert.match(load.stdout, /csv, 3 logons, 1 rejected, 1 other events skipped/);
		// By hand: 1 of 3 failed (0.33), 2 hosts (1), svc- (1), 01:xx (1): score 3.
		const hunt = JSON.parse(lateral(['hunt', '--profile', 'logscale', '--format', 'json', '--db', db]).stdout) as Array<Record<string, unknown>>;
		assert.equal(hunt.length, 1);
		assert.deepEqual([hunt[0]!['RemoteAddressIP4'], hunt[0]!['TargetUserName'], hunt[0]!['UniqueTargetHosts'], hunt[0]!['FailedLogons'], hunt[0]!['SuspicionScore']], ['10.3.0.4', 'svc-backup', 2, 1, 3]);
	});

	test('a wrong map file: exit 1, one line naming it; --format csv without --map and --map with another format: exit 2', () => {
		const bad = path.join(dir, 'bad-map-field.yaml');
		const r = lateral(['load', csv, '--map', bad, '--db', path.join(scratch, 'bad.sqlite')]);
		assert.equal(r.code, 1);
		assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
		assert.ok(r.stderr.includes(bad) && r.stderr.includes('unknown field "who"'), r.stderr);
		assert.equal(fs.existsSync(path.join(scratch, 'bad.sqlite')), false, 'nothing was opened or written');
		for (const args of [['--format', 'csv'], ['--format', 'qradar', '--map', mapFile]]) {
			const u = lateral(['load', csv, ...args, '--db', path.join(scratch, 'usage.sqlite')]);
			assert.equal(u.code, 2, args.join(' '));
			assert.equal(u.stderr.trim().split('\n').length, 1, u.stderr);
		}
	});
});
