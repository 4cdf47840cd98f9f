/**
 * Nothing disappears silently: A lists the findings the allowlist suppresses beside the others,
 * marked `~`, and their detail says so; A again hides them.
 */
import {afterEach, test} from 'node:test';
import assert from 'node:assert/strict';
import {cleanup} from 'ink-testing-library';
import {insertEntries} from '../../source/db/allowlist.ts';
import {markPair} from '../../source/db/shortlist.ts';
import {validateEntry} from '../../source/allowlist/entry.ts';
import {openConsole, linesOf} from './harness.tsx';
import {fixtureDb} from './fixture.ts';

afterEach(() => cleanup());

test('A shows the allowlisted findings marked ~, Enter opens one, A hides them again', async () => {
	const db = fixtureDb();
	const entry = validateEntry({kind: 'user', pattern: 'adm-jdoe', reason: 'jump host admin'}, 0);
	insertEntries(db, [entry], 'tester');
	const c = await openConsole({db});
	const before = linesOf(c.frame());
	assert.equal(before[1], 'findings · profile qradar · 1 finding · 11-04 14:01 – 11-05 14:01 UTC');
	assert.doesNotMatch(c.frame(), /adm-jdoe/);

	const shown = linesOf(await c.press('A'));
	assert.equal(shown[1], 'findings · profile qradar · 1 finding (+1 ~) · 11-04 14:01 – 11-05 14:01 UTC');
	const row = shown.findIndex(l => /10\.0\.0\.5 +adm-jdoe/.test(l));
	assert.ok(row > 2, c.frame());
	assert.match(shown[row]!, /^.~/);
	assert.match(c.frame(), /~ marks findings the allowlist suppresses/);

	await c.press(...Array.from({length: row - 3}, () => 'down'), 'enter');
	assert.match(linesOf(c.frame())[1]!, /10\.0\.0\.5 → adm-jdoe +score \d+ \(\w+\) +suppressed by the allowlist \(entry 1\)$/);

	await c.press('backspace', 'A');
	assert.doesNotMatch(c.frame(), /adm-jdoe/);
	assert.equal(linesOf(c.frame())[1], before[1]);
});

test('A: a suppressed finding that is on the shortlist still shows ~, never looking like a live one', async () => {
	const db = fixtureDb();
	insertEntries(db, [validateEntry({kind: 'user', pattern: 'adm-jdoe', reason: 'jump host admin'}, 0)], 'tester');
	markPair(db, {src_ip: '10.0.0.5', user: 'adm-jdoe', status: 'escalated'});
	const c = await openConsole({db});
	const shown = linesOf(await c.press('A'));
	const row = shown.findIndex(l => /10\.0\.0\.5 +adm-jdoe/.test(l));
	assert.ok(row > 2, c.frame());
	assert.match(shown[row]!, /^.~/);
});

test('a live finding\'s events leave out the logons the allowlist suppresses; a suppressed one\'s (A) show them all', async () => {
	const db = fixtureDb();
	insertEntries(db, [validateEntry({kind: 'target', pattern: 'SRV-APP2', reason: 'patching server'}, 0)], 'tester');
	const c = await openConsole({db});
	const detail = await c.press('enter');
	assert.match(detail, /^10\.0\.0\.5 → adm-jdoe +score/m);
	assert.match(detail, /\n4 logons, 1 failed, 3 targets/);
	assert.match(detail, /\nevents 1-4 of 4 in the hunt window\n/);
	assert.doesNotMatch(detail, /SRV-APP2/);
});
