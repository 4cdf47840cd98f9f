/**
 * The native EVTX reader and windows-json make the same record from the same event: the same
 * events go through both (decoded EVTX records re-read as EVTX-to-JSON, and the shared datasets'
 * JSON extracts of real EVTX), and must give the same kind (logon / skip / reject) and, for a
 * logon, the same normalized record field for field.
 *
 * The choices both follow (SPEC 2 "Keep the original strings"; SPEC 3 windows-json "other event
 * ids are counted and skipped"): TargetUserName / TargetDomainName as written; 4648, 4672 and
 * 4776 skipped; LSM 21/25 from Address LOCAL skipped; LSM's DOMAIN\user split.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {after, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {fileURLToPath} from 'node:url';
import {openMemoryDb} from '../../source/db/open.ts';
import {queryEvents} from '../../source/db/store.ts';
import {evtxFormat} from '../../source/ingest/evtx/index.ts';
import {normalizeEvtx} from '../../source/ingest/evtx/normalize.ts';
import {loadFile} from '../../source/ingest/load.ts';
import type {Normalized} from '../../source/ingest/types.ts';
import {normalizeWindowsJson} from '../../source/ingest/windows-json.ts';
import {buildChunk, buildFile} from '../helpers/evtx-builder.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bundled = path.join(root, 'datasets/real/evtx');
const shared = path.resolve(root, '../shared/datasets');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lateral-evtx-json-'));
after(() => fs.rmSync(scratch, {recursive: true, force: true}));

/** Logon or the kind alone (skip reasons may name the source differently). */
const outcomeOf = (n: Normalized) => (n.kind === 'logon' ? n.logon : n.kind);

interface Tally {logon: number; skip: number; reject: number; differences: string[]; upn: number; ntlm: number; rdp: number}

/** One decoded event through both normalizers. */
function both(raw: unknown, line: number, where: string, tally: Tally) {
	const evtx = normalizeEvtx(raw, line, {tz: 'UTC'});
	const json = normalizeWindowsJson(JSON.parse(JSON.stringify(raw)) as unknown, line, {tz: 'UTC'});
	tally[evtx.kind]++;
	if (evtx.kind === 'logon' && evtx.logon.user?.includes('@')) tally.upn++;
	if (evtx.kind === 'logon' && evtx.logon.logon_type === 10 && evtx.logon.service?.startsWith('rdp-')) tally.rdp++;
	if (evtx.kind === 'skip' && evtx.reason.startsWith('event 4776 ')) tally.ntlm++;
	try {
		assert.deepEqual(outcomeOf(json), outcomeOf(evtx));
	} catch {
		tally.differences.push(`${where} record ${line}: evtx ${JSON.stringify(outcomeOf(evtx))} vs windows-json ${JSON.stringify(outcomeOf(json))}`);
	}
}

const tally = (): Tally => ({logon: 0, skip: 0, reject: 0, differences: [], upn: 0, ntlm: 0, rdp: 0});

async function decoded(file: string): Promise<Array<{line: number; value: unknown}>> {
	const out: Array<{line: number; value: unknown}> = [];
	for await (const r of evtxFormat.read(file, {tz: 'UTC'})) {
		assert.ok('value' in r, `${file}: ${JSON.stringify(r)}`);
		out.push(r);
	}

	return out;
}

describe('the bundled real EVTX samples (datasets/real/evtx)', () => {
	const samples = fs.readdirSync(bundled).filter(f => f.endsWith('.evtx')).sort();

	test('every record gives the same result through both readers', async () => {
		assert.equal(samples.length, 2);
		const t = tally();
		for (const sample of samples) {
			for (const {line, value} of await decoded(path.join(bundled, sample))) both(value, line, sample, t);
		}

		assert.deepEqual(t.differences, []);
		// 10 x 4624 + 16 x 4625 (the samples' README and the oracle test's count).
		assert.deepEqual([t.logon, t.skip, t.reject], [26, 0, 0]);
	});

	test('loading each .evtx, and its records written out as NDJSON, gives the same rows', async () => {
		for (const sample of samples) {
			const file = path.join(bundled, sample);
			const records = await decoded(file);
			const ndjson = path.join(scratch, `${sample}.ndjson`);
			fs.writeFileSync(ndjson, records.map(r => JSON.stringify(r.value)).join('\n'));
			const db = openMemoryDb();
			const native = await loadFile(db, file, {tz: 'UTC'});
			const json = await loadFile(db, ndjson, {tz: 'UTC'});
			assert.ok(native.status === 'loaded' && json.status === 'loaded', JSON.stringify([native, json]));
			assert.equal(native.format, 'evtx');
			assert.equal(json.format, 'windows-json');
			assert.deepEqual([json.records, json.skipped, json.rejected], [native.records, native.skipped, native.rejected], sample);
			const rows = (id: number) => queryEvents(db, {dataset: id}).map(({id: _id, dataset_id: _d, path: _p, ...logon}) => logon);
			assert.deepEqual(rows(json.datasetId), rows(native.datasetId), sample);
			assert.ok(rows(native.datasetId).length > 0);
		}
	});
});

test('builder-made EVTX: the decisions on Security events, native vs the same event as flat windows-json', async () => {
	const specs = [
		{id: 1, time: '2024-05-01T01:00:00Z', user: 'admmig@OFFSEC.LAN', domain: '', ip: '::ffff:10.0.0.7'},
		{id: 2, time: '2024-05-01T01:01:00Z', user: 'CORP\\alice', domain: 'CORP', eventId: 4625, logonType: 10},
		{id: 3, time: '2024-05-01T01:02:00Z', user: 'bob', eventId: 4776},
		{id: 4, time: '2024-05-01T01:03:00Z', user: 'bob', eventId: 4648},
		{id: 5, time: '2024-05-01T01:04:00Z', user: 'bob', eventId: 4672},
	];
	const file = path.join(scratch, 'decisions.evtx');
	fs.writeFileSync(file, buildFile([buildChunk(specs)]));
	const native = (await decoded(file)).map(r => outcomeOf(normalizeEvtx(r.value, r.line)));
	const flat = specs.map((s, i) => outcomeOf(normalizeWindowsJson({
		EventID: s.eventId ?? 4624, TimeCreated: `${s.time.slice(0, -1)}.000000000Z`, Computer: 'HOST1.example.corp', TargetUserName: s.user, TargetDomainName: s.domain ?? 'EXAMPLE',
		LogonType: String(s.logonType ?? 3), WorkstationName: '', IpAddress: s.ip ?? '10.0.0.5', IpPort: '49152',
	}, i + 1, {tz: 'UTC'})));
	assert.deepEqual(flat, native);
	assert.deepEqual(native.map(n => (typeof n === 'string' ? n : [n.user, n.domain, n.src_ip])), [
		['admmig@OFFSEC.LAN', '', '10.0.0.7'], ['CORP\\alice', 'CORP', '10.0.0.5'], 'skip', 'skip', 'skip',
	]);
});

describe('the shared datasets\' JSON extracts of real EVTX (logon_events.jsonl)', () => {
	// folder, then by the datasets README's per-event counts: 4776 records, RDP 1149 logons, and
	// (counted by our reader, checked equal through both) logons whose TargetUserName holds an @.
	const expected: Array<[string, number, number]> = [['evtx-attack-samples', 12, 11], ['evtx-to-mitre-attack', 10, 0], ['deepbluecli', 0, 0]];
	for (const [folder, ntlm, rdp] of expected) {
		const file = path.join(shared, folder, 'logon_events.jsonl');
		test(`${folder}: ${ntlm} x 4776 skipped by both, ${rdp} x 1149 logons alike`, {skip: !fs.existsSync(file) && `${file} is absent on this machine`}, () => {
			const t = tally();
			const lines = fs.readFileSync(file, 'utf8').split('\n');
			lines.forEach((text, i) => {
				if (text.trim() !== '') both(JSON.parse(text) as unknown, i + 1, folder, t);
			});
			assert.deepEqual(t.differences.slice(0, 5), []);
			assert.equal(t.reject, 0);
			assert.ok(t.logon > 0 && t.skip > 0);
			assert.deepEqual([t.ntlm, t.rdp], [ntlm, rdp]);
			if (folder === 'evtx-to-mitre-attack') assert.ok(t.upn > 0, 'user@domain names occur and are kept as written by both');
		});
	}
});
