/**
 * A read-only database (a copy handed over with an incident) browses normally; an action that
 * would write says in one line why it cannot, in the words the command line uses.
 */
import {after, afterEach, test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {cleanup} from 'ink-testing-library';
import {openDb} from '../../source/db/open.ts';
import {openConsole, linesOf} from './harness.tsx';
import {fixtureDb} from './fixture.ts';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lateral-ui-ro-'));
after(() => fs.rmSync(scratch, {recursive: true, force: true}));
afterEach(() => cleanup());

test('read-only database: findings show; allowlisting and marking say at once, in one line, that they cannot', async () => {
	const file = path.join(scratch, 'copy.sqlite');
	const memory = fixtureDb();
	fs.writeFileSync(file, memory.serialize());
	memory.close();
	const db = openDb(file, {readOnly: true});
	const c = await openConsole({db});
	assert.match(linesOf(c.frame())[1]!, /^findings · profile qradar · 2 findings/);
	// No prompt opens: the keys typed next are not taken for a reason.
	await c.press('a');
	assert.match(c.frame(), /\nallowlisting needs a writable database; this one is read-only\n/);
	assert.doesNotMatch(c.frame(), /allowlist what\?/);
	await c.press('m');
	assert.match(c.frame(), /\nmarking needs a writable database; this one is read-only\n/);
	assert.doesNotMatch(c.frame(), /mark .* as:/);
	assert.match(linesOf(c.frame())[1]!, /^findings · profile qradar · 2 findings/);
	db.close();
});
