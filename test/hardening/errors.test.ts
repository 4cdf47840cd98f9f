/**
 * The CLI's error line (describeError): each failure class gives one line and the right exit
 * code. SQLITE_FULL comes from SQLite itself (a page limit on an in-memory database), so this
 * holds even where the full-disk test in faults.test.ts cannot mount a tmpfs.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import {describeError, InputError, RuntimeError, UsageError} from '../../source/util/errors.ts';

function thrownBy(fn: () => unknown): unknown {
	try {
		fn();
	} catch (error) {
		return error;
	}

	assert.fail('expected an error');
}

test('a real SQLITE_FULL: one line saying the disk is full and nothing was kept', () => {
	const db = new Database(':memory:');
	db.pragma('max_page_count = 3');
	db.exec('CREATE TABLE t (b BLOB)');
	const error = thrownBy(() => db.prepare('INSERT INTO t VALUES (zeroblob(100000))').run());
	assert.equal((error as {code: string}).code, 'SQLITE_FULL');
	assert.deepEqual(describeError(error), {code: 1, message: 'database error: the disk is full or cannot be written; nothing from the current file was kept (SQLITE_FULL)'});
	assert.deepEqual(describeError(error, false, '/cases/ir-2291.sqlite'), {code: 1, message: 'database error: /cases/ir-2291.sqlite: the disk is full or cannot be written; nothing from the current file was kept (SQLITE_FULL)'}, 'the store named');
});

test('extended SQLite codes map by their class; unknown ones keep SQLite\'s message', () => {
	const sqlite = (code: string, message = 'boom') => new Database.SqliteError(message, code);
	const cases: Array<[string, RegExp]> = [
		['SQLITE_BUSY', /locked by another process/],
		['SQLITE_BUSY_SNAPSHOT', /locked by another process/],
		['SQLITE_READONLY_DIRECTORY', /cannot be written \(read-only file, folder or --read-only\)/],
		['SQLITE_IOERR_WRITE', /disk is full or cannot be written/],
		['SQLITE_NOTADB', /not a lateral database or is damaged/],
		['SQLITE_CORRUPT_INDEX', /not a lateral database or is damaged/],
		['SQLITE_CANTOPEN', /cannot be opened/],
		['SQLITE_MISMATCH', /^database error: boom \(SQLITE_MISMATCH\)$/],
	];
	for (const [code, expected] of cases) {
		const {code: exit, message} = describeError(sqlite(code));
		assert.equal(exit, 1, code);
		assert.match(message, expected, code);
		assert.ok(message.endsWith(`(${code})`), code);
	}
});

test('our own errors keep their message and exit code; anything else says how to see more', () => {
	assert.deepEqual(describeError(new UsageError('bad flag')), {code: 2, message: 'bad flag'});
	assert.deepEqual(describeError(new InputError('/x.json', 'empty file')), {code: 1, message: '/x.json: empty file'});
	assert.deepEqual(describeError(new InputError('/x.json', 'bad', 7)), {code: 1, message: '/x.json:7: bad'});
	assert.deepEqual(describeError(new RuntimeError('no')), {code: 1, message: 'no'});
	assert.deepEqual(describeError(new TypeError('x is undefined\n    at foo (bar.ts:1:1)')), {code: 1, message: 'unexpected error: x is undefined (run with --debug for details)'});
	assert.deepEqual(describeError(new TypeError('x'), true), {code: 1, message: 'unexpected error: x'});
	const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), {code: 'ENOSPC'});
	assert.match(describeError(enospc).message, /disk is full/);
});
