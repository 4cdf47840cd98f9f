import {test} from 'node:test';
import assert from 'node:assert/strict';
import {openMemoryDb} from '../../source/db/open.ts';
import {insertDataset, logonInserter} from '../../source/db/store.ts';
import {insertEntries, listEntries, sameRuleEntries} from '../../source/db/allowlist.ts';
import {suggestEntries} from '../../source/allowlist/suggest.ts';
import {hunt} from '../../source/detect/hunt.ts';
import type {Logon} from '../../source/ingest/types.ts';

const DAY = 86_400_000;
const DAY0 = Date.parse('2026-11-02T00:00:00Z');

test('suggestions find a VDI broker, a nightly sweep, a backup account, a jump server and a DC; none apply until enabled', () => {
	const db = openMemoryDb();
	const insert = logonInserter(db, insertDataset(db, {path: 'f', format: 'windows-json', sha256: 's'}));
	let n = 0;
	const L = (src: string, user: string, target: string, ts: number, type = 3, srcHost: string | null = null): Logon => ({
		ts, outcome: 'success', event_id: 4624, logon_type: type, src_ip: src, src_port: null, src_host: srcHost, user, domain: 'C',
		target, dst_host: target, dst_ip: null, service: null, auth_package: null, log_source_type: null, raw_ref: ++n,
	});
	const workstations = Array.from({length: 20}, (_, i) => `WS-${i}`);
	const users = Array.from({length: 12}, (_, i) => `user${i}`);
	for (let day = 0; day < 3; day++) {
		const t = DAY0 + day * DAY;
		// VDI broker: 12 users over RDP to 6 desktops during the day.
		users.forEach((u, i) => insert(L('10.20.0.5', u, `VDI-${i % 6}`, t + 10 * 3_600_000 + i * 60_000, 10)));
		// SCCM sweeps all 20 workstations at 02:00; backup reaches them at 03:00.
		workstations.forEach((w, i) => insert(L('10.20.0.9', 'svc-sccm', w, t + 2 * 3_600_000 + i * 1000)));
		workstations.forEach((w, i) => insert(L('10.20.0.7', 'svc-backup', w, t + 3 * 3_600_000 + i * 1000)));
		// Three admins RDP to JUMP01, which then logs on to five servers.
		['adm-a', 'adm-b', 'adm-c'].forEach((u, i) => insert(L(`10.10.0.${i + 1}`, u, 'JUMP01', t + 9 * 3_600_000, 10)));
		['SRV1', 'SRV2', 'SRV3', 'SRV4', 'SRV5'].forEach((h, i) => insert(L('10.30.0.2', 'adm-a', h, t + 9 * 3_600_000 + i * 60_000, 3, 'JUMP01')));
		// Every user's workstation authenticates to DC01.
		users.forEach((u, i) => insert(L(`10.40.0.${i + 1}`, u, 'DC01', t + 8 * 3_600_000 + i * 1000)));
	}

	const found = suggestEntries(db, 'UTC').map(s => `${s.class} ${s.entry.kind} ${s.entry.src_ip ?? s.entry.pattern}${s.entry.user ? ` ${s.entry.user}` : ''}`);
	assert.deepEqual(found, [
		'backup pair 10.20.0.7 svc-backup',
		'domain-controller target DC01',
		'jump-server src_ip 10.30.0.2',
		'software-distribution pair 10.20.0.9 svc-sccm',
		'vdi-broker src_ip 10.20.0.5',
	]);

	const before = hunt(db, {profile: 'qradar', tz: 'UTC', window: null}).findings.length;
	const suggestions = suggestEntries(db, 'UTC');
	insertEntries(db, suggestions.map(s => s.entry), 'lateral', e => suggestions.find(s => s.entry === e)?.class);
	assert.ok(listEntries(db).every(e => !e.enabled && e.suggested));
	assert.equal(hunt(db, {profile: 'qradar', tz: 'UTC', window: null}).findings.length, before, 'disabled suggestions suppress nothing');
	assert.ok(suggestions.every(s => sameRuleEntries(db, s.entry).length > 0));
});
