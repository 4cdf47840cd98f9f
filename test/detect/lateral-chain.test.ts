/**
 * Hop chains laid out as paths (source/detect/chain.ts), on hand-made findings: which findings
 * belong to a chain, where it starts, and the order and depth of its lines.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {chainRows, inChain, type TargetTime} from '../../source/detect/chain.ts';
import type {Finding, Hop} from '../../source/detect/types.ts';

const T = Date.parse('2026-11-05T02:00:00Z');
const MIN = 60_000;

function finding(src: string, user: string, targets: string[], hop?: Hop): Finding {
	return {
		src_ip: src, user, first_seen: T, last_seen: T, targets, target_count: targets.length, total: targets.length,
		failed: 0, success: targets.length, after_hours: true, score: 10, reasons: [], ...(hop ? {hop} : {}),
	};
}

// WS (10.0.0.9) -> SRV1, SRV2; SRV1 (10.0.1.1) -> DB1, DB2; DB1 (10.0.2.1) -> APP1. Plus an unrelated pair.
const findings = [
	finding('10.0.0.9', 'adm-x', ['SRV1', 'SRV2']),
	finding('10.0.1.1', 'adm-x', ['DB1', 'DB2'], {from_ip: '10.0.0.9', from_user: 'adm-x', via: 'SRV1', ts: T}),
	finding('10.0.2.1', 'ADM-X', ['APP1'], {from_ip: '10.0.1.1', from_user: 'adm-x', via: 'db1', ts: T + 30 * MIN}),
	finding('10.0.0.7', 'bob', ['FS1']),
];
const times: Record<string, TargetTime[]> = {
	'10.0.0.9': [{target: 'SRV2', ts: T + 1 * MIN, failedOnly: false}, {target: 'SRV1', ts: T, failedOnly: false}],
	'10.0.1.1': [{target: 'DB2', ts: T + 33 * MIN, failedOnly: true}, {target: 'DB1', ts: T + 30 * MIN, failedOnly: false}, {target: 'NOT-A-TARGET', ts: T, failedOnly: false}],
	'10.0.2.1': [{target: 'APP1', ts: T + 60 * MIN, failedOnly: false}],
};
const targetsOf = (src: string) => times[src] ?? [];

test('a finding is in a chain when it hopped or a hop came from it', () => {
	assert.equal(inChain(findings, '10.0.0.9', 'adm-x'), true, 'the first link: a hop came from it');
	assert.equal(inChain(findings, '10.0.2.1', 'ADM-X'), true);
	assert.equal(inChain(findings, '10.0.0.7', 'bob'), false);
	assert.equal(chainRows(findings, '10.0.0.7', 'bob', targetsOf), undefined);
});

test('the path starts at the first source and nests each onward hop under the host it left', () => {
	const rows = chainRows(findings, '10.0.1.1', 'adm-x', targetsOf)!;
	const brief = rows.map(r => [r.depth, r.target ?? r.src, r.ts === undefined ? null : (r.ts - T) / MIN, r.via ?? null, r.selected]);
	assert.deepEqual(brief, [
		[0, '10.0.0.9', null, null, false],
		[1, 'SRV1', 0, '10.0.1.1', false],
		[2, 'DB1', 30, '10.0.2.1', true],
		[3, 'APP1', 60, null, false],
		[2, 'DB2', 33, null, true],
		[1, 'SRV2', 1, null, false],
	]);
	assert.equal(rows[4]!.failedOnly, true);
	assert.ok(!rows.some(r => r.target === 'NOT-A-TARGET'), 'only the finding\'s own targets');
	// Opened from any link, the chain is the same path; only the bold lines differ.
	const fromTop = chainRows(findings, '10.0.0.9', 'adm-x', targetsOf)!;
	assert.deepEqual(fromTop.map(r => r.target ?? r.src), rows.map(r => r.target ?? r.src));
	assert.deepEqual(fromTop.filter(r => r.selected).map(r => r.target ?? r.src), ['10.0.0.9', 'SRV1', 'SRV2']);
});

test('a chain whose first hop came from a pair that is not a finding starts at that source', () => {
	const only = [finding('10.0.1.1', 'adm-x', ['DB1'], {from_ip: '10.0.0.9', from_user: 'adm-x', via: 'SRV1', ts: T})];
	const rows = chainRows(only, '10.0.1.1', 'adm-x', targetsOf)!;
	assert.deepEqual(rows.map(r => [r.depth, r.target ?? r.src, r.via ?? null]), [[0, '10.0.0.9', null], [1, 'SRV1', '10.0.1.1'], [2, 'DB1', null]]);
	assert.equal(rows[0]!.finding, undefined);
});

test('a loop of hops ends instead of going round', () => {
	const loop = [
		finding('10.0.0.1', 'x', ['B'], {from_ip: '10.0.0.2', from_user: 'x', via: 'A', ts: T}),
		finding('10.0.0.2', 'x', ['A'], {from_ip: '10.0.0.1', from_user: 'x', via: 'B', ts: T + MIN}),
	];
	const rows = chainRows(loop, '10.0.0.1', 'x', () => [])!;
	assert.ok(rows.length > 0 && rows.length <= 4, JSON.stringify(rows));
});
