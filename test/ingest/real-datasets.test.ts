/**
 * The real public files in ../shared/datasets load with the counts their provenance README and
 * the third-party parse oracles give (loghub's hand-checked structured CSV for OpenSSH_2k.log),
 * with no rejected records, and spot values match the README's descriptions.
 *
 * The folder sits outside the repository; on a fresh clone without it these tests say so and skip.
 */
import fs from 'node:fs';
import path from 'node:path';
import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {repoRoot, openMemoryDb, type Db} from '../../source/db/open.ts';
import {queryEvents} from '../../source/db/store.ts';
import {expandPaths, loadFile, type FileResult} from '../../source/ingest/load.ts';

const shared = path.resolve(repoRoot, '..', 'shared', 'datasets');
const absent = fs.existsSync(shared) ? false : `the shared datasets folder ${shared} is absent on this machine`;

type Loaded = Extract<FileResult, {status: 'loaded'}>;

async function loadAll(db: Db, paths: string[], year?: number): Promise<Loaded[]> {
	const out: Loaded[] = [];
	for (const file of expandPaths(paths)) {
		const result = await loadFile(db, file, {tz: 'UTC', year});
		assert.equal(result.status, 'loaded', `${file}: ${JSON.stringify(result)}`);
		if (result.status === 'loaded') out.push(result);
	}

	return out;
}

function totals(results: Loaded[]): {records: number; rejected: number; skipped: number} {
	return results.reduce((t, r) => ({records: t.records + r.records, rejected: t.rejected + r.rejected, skipped: t.skipped + r.skipped}), {records: 0, rejected: 0, skipped: 0});
}

describe('real public datasets', {skip: absent}, () => {
	test('Mordor (NXLog JSON): 608 x 4624 + 7 x 4625 + 3 x 1149 + 3 x LSM 21/25 = 621 logons, the other 1,115 skipped', async () => {
		const db = openMemoryDb();
		const results = await loadAll(db, [path.join(shared, 'security-datasets', 'logon')]);
		assert.equal(results.length, 34);
		assert.ok(results.every(r => r.format === 'windows-json'));
		assert.deepEqual(totals(results), {records: 621, rejected: 0, skipped: 1115});
		// NXLog's EventTime is local and zone-less; a zoned time (TimeCreated or @timestamp) must be the one used.
		assert.ok(results.every(r => r.timeField === '@timestamp' || r.timeField === 'TimeCreated'), results.map(r => r.timeField).join());
		// empire_smbexec: WORKSTATION6 gets an NTLM type 3 logon from 172.18.39.5 as pgustavo at 2020-09-20T06:57:47Z.
		const smbexec = queryEvents(db, {src: '172.18.39.5', target: 'WORKSTATION6.theshire.local', since: Date.parse('2020-09-20T06:57:00Z'), until: Date.parse('2020-09-20T06:58:00Z')});
		assert.ok(smbexec.some(e => e.user === 'pgustavo' && e.logon_type === 3 && e.auth_package === 'NTLM'), JSON.stringify(smbexec));
		// RDP into WORKSTATION5 from 1.2.3.4: the 1149 from its message text.
		const rdp = queryEvents(db, {src: '1.2.3.4'}).filter(e => e.service === 'rdp-1149');
		assert.equal(rdp.length, 3);
		assert.ok(rdp.every(e => e.user === 'pgustavo' && e.target === 'WORKSTATION5.theshire.local'));
	});

	const evtxJsonl: Array<[string, number, number]> = [
		// folder, logons (4624 + 4625 + 1149), skipped (every other event id)
		['evtx-attack-samples', 87 + 1 + 11, 2 + 7 + 22 + 11 + 2 + 2 + 12],
		['evtx-to-mitre-attack', 147 + 28, 7 + 55 + 73 + 46 + 78 + 10 + 2 + 1 + 2],
		['deepbluecli', 13 + 3561, 1 + 294 + 13],
	];
	for (const [folder, records, skipped] of evtxJsonl) {
		test(`${folder}/logon_events.jsonl (EVTX-to-JSON shape): ${records} logons, ${skipped} skipped`, async () => {
			const db = openMemoryDb();
			const [result] = await loadAll(db, [path.join(shared, folder, 'logon_events.jsonl')]);
			assert.equal(result!.format, 'windows-json');
			assert.deepEqual(totals([result!]), {records, rejected: 0, skipped});
		});
	}

	test('evtx-attack-samples: the JSON extract repeats, per its own _source paths, the logons of the EVTX files beside it', async () => {
		const db = openMemoryDb();
		const folder = path.join(shared, 'evtx-attack-samples');
		const evtx = await loadAll(db, [path.join(folder, 'evtx')]);
		const [jsonl] = await loadAll(db, [path.join(folder, 'logon_events.jsonl')]);
		// The oracle: each JSON record names the EVTX file it was decoded from (libevtx); its logons
		// (4624, 4625, 1149) from a file that is in the folder are repeats, the others are not.
		const here = new Set(evtx.map(r => path.basename(r.file)));
		const expected = new Map<string, number>();
		for (const line of fs.readFileSync(path.join(folder, 'logon_events.jsonl'), 'utf8').split('\n')) {
			if (!line) continue;
			const record = JSON.parse(line) as {_source: {path: string}; Event: {System: {EventID: string}}};
			const file = path.basename(record._source.path);
			if (['4624', '4625', '1149'].includes(record.Event.System.EventID) && here.has(file)) expected.set(file, (expected.get(file) ?? 0) + 1);
		}

		const got = new Map(jsonl!.repeats!.datasets.map(d => [path.basename(d.path), d.logons]));
		assert.deepEqual(got, expected);
		assert.equal(jsonl!.repeats!.logons, 61);
		// And no EVTX file repeated an earlier one.
		assert.ok(evtx.every(r => r.repeats === undefined));
	});

	test('deepbluecli: the SMB password guessing burst from 192.168.198.149 against Administrator', async () => {
		const db = openMemoryDb();
		await loadAll(db, [path.join(shared, 'deepbluecli', 'logon_events.jsonl')]);
		const burst = queryEvents(db, {src: '192.168.198.149', limit: 10_000});
		assert.equal(burst.length, 3561);
		assert.equal(burst.filter(e => e.user === 'Administrator').length, 3560);
		assert.ok(burst.every(e => e.outcome === 'failure' && e.logon_type === 3 && e.target === 'DESKTOP-M5SN04R'));
		const first = Math.min(...burst.map(e => e.ts));
		const last = Math.max(...burst.map(e => e.ts));
		assert.equal(first - (first % 1000), Date.parse('2016-09-19T16:50:06Z'));
		assert.equal(last - (last % 1000), Date.parse('2016-09-19T16:52:49Z'));
	});

	test('Falcon FDR fixtures: the UserLogon and UserLogonFailed2 records are logons, the rest skipped', async () => {
		const db = openMemoryDb();
		const results = await loadAll(db, [path.join(shared, 'crowdstrike-fdr-elastic-fixtures')]);
		assert.ok(results.every(r => r.format === 'falcon'));
		assert.deepEqual(totals(results), {records: 4, rejected: 0, skipped: 11});
		const failed = queryEvents(db, {src: '67.43.156.14'});
		assert.equal(failed.length, 1);
		assert.equal(failed[0]!.outcome, 'failure');
		assert.equal(failed[0]!.user, 'user5');
		assert.equal(failed[0]!.logon_type, 3);
	});

	test("loghub OpenSSH_2k.log: counts equal loghub's hand-checked parse (E1 + E8 + E9 + E10 + 5 x E14)", async () => {
		const db = openMemoryDb();
		const [result] = await loadAll(db, [path.join(shared, 'loghub-ssh', 'OpenSSH_2k.log')], 2026);
		assert.equal(result!.format, 'sshd');
		// From OpenSSH_2k.log_structured.csv: E1 Accepted password x1; E8 Failed none x4; E9 Failed password x383;
		// E10 Failed password for invalid user x135; E14 "message repeated 5 times: [ Failed password" x2.
		assert.deepEqual(totals([result!]), {records: 1 + 4 + 383 + 135 + 2 * 5, rejected: 0, skipped: 2000 - (1 + 4 + 383 + 135 + 2)});
		const accepted = queryEvents(db, {user: 'fztu'});
		assert.equal(accepted.length, 1);
		assert.deepEqual([accepted[0]!.src_ip, accepted[0]!.src_port, accepted[0]!.target, accepted[0]!.ts], ['119.137.62.142', 49_116, 'LabSZ', Date.parse('2026-12-10T09:32:20Z')]);
	});

	test('loghub Linux_2k.log: PAM lines only, no logon to count: loads with 0 logons, nothing rejected', async () => {
		const db = openMemoryDb();
		const [result] = await loadAll(db, [path.join(shared, 'loghub-ssh', 'Linux_2k.log')], 2026);
		assert.deepEqual(totals([result!]), {records: 0, rejected: 0, skipped: 2000});
	});

	test('elastic auth.log (2017): 226 accepted, 632 failed lines + 410 repeated failures', async () => {
		const db = openMemoryDb();
		const [result] = await loadAll(db, [path.join(shared, 'elastic-examples-auth-log', 'auth.log')], 2017);
		assert.deepEqual(totals([result!]), {records: 226 + 632 + 410, rejected: 0, skipped: 7121 - 226 - 632 - 85});
		// The brute force then success on (24.151.103.17, elastic_user_0), Mar 30 2017.
		const pair = queryEvents(db, {src: '24.151.103.17', user: 'elastic_user_0', limit: 10_000});
		const success = pair.find(e => e.outcome === 'success' && e.src_port === 57_668);
		assert.ok(success, 'the success after the burst');
		assert.equal(success.ts, Date.parse('2017-03-30T16:01:36Z'));
		assert.ok(pair.filter(e => e.outcome === 'failure' && e.ts < success.ts).length >= 147);
	});
});
