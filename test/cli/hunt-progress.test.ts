import {test} from 'node:test';
import assert from 'node:assert/strict';
import {whileHunting} from '../../source/commands/hunt.ts';
import {openMemoryDb} from '../../source/db/open.ts';
import {fixtureDb} from '../ui/fixture.ts';

/** A stderr that records what is written, on a terminal or not. */
function stderr(isTTY: boolean) {
	const written: string[] = [];
	const stream = {isTTY, columns: 200, write: (text: string) => written.push(text)} as unknown as NodeJS.WriteStream;
	return {stream, written};
}

test('while a hunt runs, a terminal is told what is hunted and how long the last hunt took; the line is erased after', () => {
	const db = fixtureDb();
	const {stream, written} = stderr(true);
	assert.equal(whileHunting(stream, db, 'qradar', () => {
		assert.deepEqual(written, ['hunting qradar over 8 logons...'], 'shown before the hunt runs');
		return 42;
	}), 42);
	assert.deepEqual(written.slice(1), ['\r\u001B[2K']);

	db.prepare("INSERT INTO hunt_cache (key, rows, ms, created_at, profile) VALUES ('k', '[]', 65000, 1, 'qradar')").run();
	written.length = 0;
	whileHunting(stream, db, 'qradar', () => 0);
	assert.deepEqual(written, ['hunting qradar over 8 logons... (its last hunt of this database took 1 min 5 s)', '\r\u001B[2K']);
	written.length = 0;
	whileHunting(stream, db, 'lateral', () => 0);
	assert.equal(written[0], 'hunting lateral over 8 logons...', 'another profile has no last hunt');
});

test('the hunting line: erased when the hunt fails; never off a terminal or on an empty store', () => {
	const {stream, written} = stderr(true);
	assert.throws(() => whileHunting(stream, fixtureDb(), 'qradar', () => {
		throw new Error('interrupted');
	}), /interrupted/);
	assert.deepEqual(written, ['hunting qradar over 8 logons...', '\r\u001B[2K']);

	const pipe = stderr(false);
	whileHunting(pipe.stream, fixtureDb(), 'qradar', () => 0);
	const empty = stderr(true);
	whileHunting(empty.stream, openMemoryDb(), 'qradar', () => 0);
	assert.deepEqual([pipe.written, empty.written], [[], []]);
});
