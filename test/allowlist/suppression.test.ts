import {test} from 'node:test';
import assert from 'node:assert/strict';
import {openMemoryDb, type Db} from '../../source/db/open.ts';
import {finishDataset, insertDataset, logonInserter} from '../../source/db/store.ts';
import {hitCounts, insertEntries, setEntryEnabled} from '../../source/db/allowlist.ts';
import {validateEntry} from '../../source/allowlist/entry.ts';
import {hunt} from '../../source/detect/hunt.ts';
import type {Logon} from '../../source/ingest/types.ts';

const T0 = Date.parse('2026-11-05T02:00:00Z');

function logon(src: string, user: string, target: string, minute: number, outcome: 'success' | 'failure' = 'success'): Logon {
	return {
		ts: T0 + minute * 60_000, outcome, event_id: outcome === 'success' ? 4624 : 4625, logon_type: 3,
		src_ip: src, src_port: null, src_host: null, user, domain: 'CORP', target, dst_host: target, dst_ip: null,
		service: 'network', auth_package: null, log_source_type: null, raw_ref: minute + 1,
	};
}

/** A VDI broker to 5 hosts, an SCCM sweep to 4 workstations, and an attacker to 3 servers. */
function fixture(): Db {
	const db = openMemoryDb();
	const id = insertDataset(db, {path: 'fixture', format: 'windows-json', sha256: 'f'});
	const insert = logonInserter(db, id);
	['VDI-01', 'VDI-02', 'VDI-03', 'VDI-04', 'VDI-05'].forEach((h, i) => insert(logon('10.20.0.5', 'alice', h, i)));
	['WS-0001', 'WS-0002', 'WS-0003', 'WS-0004'].forEach((h, i) => insert(logon('10.20.0.9', 'svc-sccm', h, 10 + i)));
	['SRV-DB01', 'SRV-APP01', 'SRV-FS01'].forEach((h, i) => insert(logon('10.10.3.7', 'Adm-Jdoe', h, 20 + i)));
	// The attacker also touches one VDI host: a target entry for VDI hosts changes its counts.
	insert(logon('10.10.3.7', 'Adm-Jdoe', 'vdi-03', 30));
	finishDataset(db, id, {records: 13, rejected: 0, skipped: 0, first_ts: T0, last_ts: T0 + 30 * 60_000, time_field: null});
	return db;
}

const pairs = (db: Db, profile: string, allowlist = true) =>
	hunt(db, {profile, tz: 'UTC', window: null, allowlist}).findings.map(f => `${f.src_ip} ${f.user} ${f.target_count}`).sort();

test('entries suppress inside the SQL: groups vanish and counts are recomputed', () => {
	const db = fixture();
	assert.deepEqual(pairs(db, 'qradar'), ['10.10.3.7 Adm-Jdoe 4', '10.20.0.5 alice 5', '10.20.0.9 svc-sccm 4']);
	insertEntries(db, [
		validateEntry({kind: 'src_ip', pattern: '10.20.0.0/30', match: 'cidr', reason: 'not the broker: /30 stops at .3'}),
		validateEntry({kind: 'pair', src_ip: '10.20.0.9', user: 'SVC-SCCM', reason: 'SCCM (user case-insensitive)'}),
		validateEntry({kind: 'target', pattern: 'VDI-*', match: 'glob', reason: 'VDI pool (hosts case-insensitive)'}),
	], 'tester');
	// The broker's events all hit VDI-*; the attacker keeps 3 of 4 hosts; SCCM is gone.
	assert.deepEqual(pairs(db, 'qradar'), ['10.10.3.7 Adm-Jdoe 3']);
	assert.deepEqual(pairs(db, 'logscale'), ['10.10.3.7 Adm-Jdoe 3']);
	assert.deepEqual(pairs(db, 'qradar', false), ['10.10.3.7 Adm-Jdoe 4', '10.20.0.5 alice 5', '10.20.0.9 svc-sccm 4']);
});

test('disabled, expired and other-profile entries do not apply', () => {
	const db = fixture();
	const [disabled, expired, scoped] = insertEntries(db, [
		validateEntry({kind: 'user', pattern: 'alice', reason: 'r'}),
		validateEntry({kind: 'user', pattern: 'svc-sccm', reason: 'r', expires: '2020-01-01'}),
		validateEntry({kind: 'src_ip', pattern: '10.10.3.7', reason: 'r', profile: 'logscale'}),
	], 'tester');
	setEntryEnabled(db, disabled!, false);
	assert.equal(pairs(db, 'qradar').length, 3, 'qradar: nothing applies');
	assert.deepEqual(pairs(db, 'logscale'), ['10.20.0.5 alice 5', '10.20.0.9 svc-sccm 4'], 'logscale: only the scoped entry');
	assert.ok(expired && scoped);
});

test('hit counts: events each entry matches and findings it alone removes', () => {
	const db = fixture();
	const [broker, attackerHost, nothing] = insertEntries(db, [
		validateEntry({kind: 'src_ip', pattern: '10.20.0.5', reason: 'broker'}),
		validateEntry({kind: 'target', pattern: 'srv-db01', reason: 'one host of three'}),
		validateEntry({kind: 'user', pattern: '^nobody$', match: 'regex', reason: 'matches nothing'}),
	], 'tester');
	const hits = hitCounts(db, 'qradar', 'UTC');
	assert.deepEqual(hits.get(broker!), {events: 5, findings: 1});
	assert.deepEqual(hits.get(attackerHost!), {events: 1, findings: 0}, 'the attacker keeps 3 hosts, still a finding');
	assert.deepEqual(hits.get(nothing!), {events: 0, findings: 0});
});

test('hit counts: an entry that is off counts what it would suppress; one kept for another profile suppresses none of this one\'s', () => {
	const db = fixture();
	const [off, scoped] = insertEntries(db, [
		validateEntry({kind: 'src_ip', pattern: '10.20.0.5', reason: 'broker, not yet enabled'}),
		validateEntry({kind: 'user', pattern: 'svc-sccm', reason: 'SCCM, for logscale only', profile: 'logscale'}),
	], 'tester');
	setEntryEnabled(db, off!, false);
	const qradar = hitCounts(db, 'qradar', 'UTC');
	assert.deepEqual(qradar.get(off!), {events: 5, findings: 1});
	assert.deepEqual(qradar.get(scoped!), {events: 4, findings: 0}, 'qradar still lists 10.20.0.9 svc-sccm');
	assert.ok(pairs(db, 'qradar').includes('10.20.0.9 svc-sccm 4'));
	assert.deepEqual(hitCounts(db, 'logscale', 'UTC').get(scoped!), {events: 4, findings: 1});
});

test('SQL metacharacters in patterns and reasons stay data', () => {
	const db = fixture();
	insertEntries(db, [validateEntry({kind: 'user', pattern: "alice' OR '1'='1", reason: "'); DROP TABLE logons; --"})], 'tester');
	assert.equal(pairs(db, 'qradar').length, 3);
	assert.equal((db.prepare('SELECT count(*) AS n FROM logons').get() as {n: number}).n, 13);
});
