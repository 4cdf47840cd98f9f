/**
 * The hunt command's table (huntTable): what a narrow terminal gives up first.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {huntTable} from '../../source/commands/hunt.ts';
import type {Finding, HuntResult} from '../../source/detect/types.ts';

const T = Date.parse('2026-11-08T02:59:00Z');

function finding(src_ip: string, user: string, targets: string[], score: number): Finding {
	return {
		src_ip, user, first_seen: T - 3_600_000, last_seen: T, targets, target_count: targets.length,
		total: targets.length * 3, failed: 0, success: targets.length * 3, after_hours: true, score, reasons: [],
	};
}

const result = {
	profile: 'qradar', now: T, since: T - 86_400_000, tz: 'UTC', rows: [],
	findings: [
		finding('10.20.0.20', 'svc-sccm', Array.from({length: 65}, (_, i) => `WS-${String(i + 1).padStart(4, '0')}`), 67),
		finding('10.20.0.21', 'svc-backup-adm', ['DC01', 'DC02', 'FS01'], 17),
		finding('10.10.1.75', 'david.anderson', ['SRV-APP01', 'SRV-APP02'], 8),
	],
} as unknown as HuntResult;

test('at 80 columns the first-seen time, the total and the night flag go before a user name of 14 is cut', () => {
	const lines = huntTable(result, 80).split('\n');
	assert.equal(lines[0], 'SCORE  SOURCE      USER            HOSTS  FAILED  LAST (UTC)        TARGETS');
	assert.match(lines[2]!, /^ {3}17 {2}10\.20\.0\.21 {2}svc-backup-adm {6}3 {7}0 {2}2026-11-08 02:59 {2}DC01,DC02,F…$/);
	assert.match(lines[3]!, / david\.anderson /);
	for (const line of lines) assert.ok(line.length <= 80, line);
});

test('at 120 columns every column shows, the targets cut', () => {
	const lines = huntTable(result, 120).split('\n');
	assert.equal(lines[0], 'SCORE  SOURCE      USER            HOSTS  TOTAL  FAILED  NIGHT  FIRST (UTC)       LAST (UTC)        TARGETS');
	assert.ok(lines[1]!.endsWith('…') && lines[1]!.length <= 120, lines[1]);
});
