/**
 * The chains view (key c): a hop chain found by the lateral profile, drawn as an indented path
 * with times, at 80x24 with NO_COLOR so the frame is the text a hunter reads.
 */
import {afterEach, test} from 'node:test';
import assert from 'node:assert/strict';
import {cleanup} from 'ink-testing-library';
import {openConsole} from './harness.tsx';
import {dbWith, logon} from '../helpers/logons.ts';

afterEach(() => cleanup());

const DAY = 86_400_000;
const D0 = Date.parse('2026-11-02T10:00:00Z');
const N = Date.parse('2026-11-05T02:00:00Z');
const MIN = 60_000;

/**
 * Two quiet baseline days, then one night: WS-9 (10.0.0.9) -> SRV1 and SRV2; SRV1 (10.0.1.1)
 * -> DB1 and DB2; DB1 (10.0.2.1) -> APP1. And bob's night fan-out from 10.0.0.6, no chain.
 */
function chainDb() {
	return dbWith([
		logon({ts: D0, src_ip: '10.0.0.5', user: 'alice', target: 'FS1'}),
		logon({ts: D0 + DAY, src_ip: '10.0.0.5', user: 'alice', target: 'FS1'}),
		logon({ts: N, src_ip: '10.0.0.9', src_host: 'WS-9', user: 'adm-x', target: 'SRV1'}),
		logon({ts: N + MIN, src_ip: '10.0.0.9', src_host: 'WS-9', user: 'adm-x', target: 'SRV2'}),
		logon({ts: N + 30 * MIN, src_ip: '10.0.1.1', src_host: 'SRV1', user: 'adm-x', target: 'DB1'}),
		logon({ts: N + 33 * MIN, src_ip: '10.0.1.1', src_host: 'SRV1', user: 'adm-x', target: 'DB2'}),
		logon({ts: N + 60 * MIN, src_ip: '10.0.2.1', src_host: 'DB1', user: 'adm-x', target: 'APP1'}),
		...['FS2', 'FS3', 'FS4'].map((t, i) => logon({ts: N + (120 + i) * MIN, src_ip: '10.0.0.6', user: 'bob', target: t})),
		logon({ts: N + 8 * 60 * MIN, src_ip: '10.0.0.5', user: 'alice', target: 'FS1'}),
	], {path: '/cases/chain.json'});
}

/** A full screen: the top lines, blank lines, then the bottom lines, `height` lines in all. */
function screen(top: string[], bottom: string[], height = 24): string {
	return [...top, ...Array.from({length: height - top.length - bottom.length}, () => ''), ...bottom].join('\n');
}

const PATH = [
	'chain · 10.0.1.1 / adm-x · 2 hops, 5 targets · times UTC',
	'each line: first logon to a target; indented: onward from the host above',
	'›10.0.0.9  (score 9)',
	'   11-05 02:00  adm-x -> SRV1  = 10.0.1.1, moves on:',
	'     11-05 02:30  adm-x -> DB1  = 10.0.2.1, moves on:',
	'       11-05 03:00  adm-x -> APP1',
	'     11-05 02:33  adm-x -> DB2',
	'   11-05 02:01  adm-x -> SRV2',
];

test('chains view: c on a finding in a hop chain shows the whole path, from its first source, with times', async () => {
	const c = await openConsole({db: chainDb(), profile: 'lateral'});
	const list = c.frame().split('\n');
	assert.match(list[3]!, /^›\s+12 10\.0\.1\.1 +adm-x /, 'the hop out of SRV1 leads the findings');
	assert.equal(await c.press('c'), screen(['lateral › findings › chain 10.0.1.1 / adm-x', ...PATH], ['', 'test.sqlite · lateral · 4 findings  Enter open  Backspace back  ? help  q quit']));
	// Back returns to the findings where the cursor was.
	assert.equal((await c.press('backspace')).split('\n')[0], 'lateral › findings');
});

test('chains view: reached from the finding detail too; Enter opens the finding behind a line', async () => {
	const c = await openConsole({db: chainDb(), profile: 'lateral'});
	await c.press('enter', 'c');
	assert.equal(c.frame().split('\n')[0], 'lateral › findings › finding 10.0.1.1 / adm-x › chain 10.0.1.1 / adm-x');
	// The root line belongs to the first hop's finding; DB1's line to SRV1's.
	await c.press('enter');
	assert.match(c.frame().split('\n')[0]!, /› finding 10\.0\.0\.9 \/ adm-x$/);
	assert.match(c.frame().split('\n')[1]!, /^10\.0\.0\.9 → adm-x {2}score 9/);
	await c.press('backspace', 'j', 'j', 'enter');
	assert.match(c.frame().split('\n')[0]!, /chain 10\.0\.1\.1 \/ adm-x › finding 10\.0\.1\.1 \/ adm-x$/);
});

test('chains view: c on a finding outside any chain says so and stays', async () => {
	const c = await openConsole({db: chainDb(), profile: 'lateral'});
	const rows = c.frame().split('\n');
	const bob = rows.findIndex(r => r.includes('bob'));
	assert.ok(bob > 3, 'bob is a finding');
	const frame = await c.press(...Array.from({length: bob - 3}, () => 'j'), 'c');
	assert.equal(frame.split('\n')[0], 'lateral › findings');
	assert.ok(frame.split('\n').includes('10.0.0.6 / bob is not part of a hop chain in this hunt'));
});

test('chains view: c under a seed profile says hop chains come from scored profiles such as lateral', async () => {
	const c = await openConsole({db: chainDb(), profile: 'qradar'});
	const frame = await c.press('c');
	assert.equal(frame.split('\n')[0], 'lateral › findings');
	assert.ok(frame.split('\n').includes('no hop chains under qradar: scored profiles such as lateral find them (p)'), frame);
});

test('help lists c from the one keymap table', async () => {
	const c = await openConsole({db: chainDb(), profile: 'lateral'});
	assert.ok((await c.press('?')).split('\n').some(l => /^ c {15}hop chain of the finding: an indented path with times$/.test(l)));
});
