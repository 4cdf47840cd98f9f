import {after, test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {InputError} from '../../source/util/errors.ts';
import {writeTextFile} from '../../source/util/files.ts';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lateral-files-'));
after(() => fs.rmSync(scratch, {recursive: true, force: true}));

test('writeTextFile writes, and names the file and the reason in one line when it cannot', () => {
	const file = path.join(scratch, 'case.md');
	writeTextFile(file, 'one');
	writeTextFile(file, 'two');
	assert.equal(fs.readFileSync(file, 'utf8'), 'two');
	const missing = path.join(scratch, 'no-such-folder', 'case.md');
	assert.throws(() => writeTextFile(missing, 'x'), (e: unknown) => e instanceof InputError && e.message === `${missing}: cannot write: no such folder`);
	assert.throws(() => writeTextFile(scratch, 'x'), (e: unknown) => e instanceof InputError && e.message === `${scratch}: cannot write: it is a folder`);
});
