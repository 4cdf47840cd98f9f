/**
 * Bad input through the real command line: every file of test/fixtures/bad either loads its good
 * records and names each bad one by line, or is refused with one line naming the file and the
 * reason; nothing prints a stack trace unless --debug asks for one. Expectations are written by
 * hand from the fixture files (see test/fixtures/bad/README.md), not taken from a run.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {buildChunk, buildFile, type LogonSpec} from '../helpers/evtx-builder.ts';
import {load} from '../../source/commands/load.ts';
import {openDb} from '../../source/db/open.ts';
import {listDatasets, queryEvents} from '../../source/db/store.ts';
import {bad, inProcess, lateral, oneLine, scratch, windowsRecord} from './run.ts';

const dir = scratch('bad');
let dbs = 0;
const freshDb = () => path.join(dir, `db-${++dbs}.sqlite`);

/** The datasets and logon users of a database file, read directly. */
function stored(db: string) {
	const handle = openDb(db, {readOnly: true});
	try {
		return {datasets: listDatasets(handle), users: queryEvents(handle, {}).map(e => e.user)};
	} finally {
		handle.close();
	}
}

/** The `rejected line N: reason` lines of a load's stdout. */
function rejectsIn(stdout: string): Array<{line: number; reason: string}> {
	return [...stdout.matchAll(/^ {2}rejected line (\d+): (.*)$/gm)].map(m => ({line: Number(m[1]), reason: m[2]!}));
}

interface Loads {
	file: string;
	flags?: Record<string, unknown>;
	format: string;
	logons: number;
	rejected: Array<[number, RegExp]>;
	skipped?: number;
	users?: string[];
}

const LOADS: Loads[] = [
	{file: 'truncated.ndjson', format: 'windows-json', logons: 3, rejected: [[3, /not valid JSON/], [5, /not valid JSON/]]},
	{file: 'wrong-types.ndjson', format: 'windows-json', logons: 2, rejected: [[2, /no event id/], [3, /no usable time/], [4, /no usable time/], [5, /not a JSON object/], [6, /not a JSON object/]]},
	{file: 'null-fields.ndjson', format: 'windows-json', logons: 3, rejected: [[2, /no event id/], [3, /no usable time/], [5, /not a JSON object/]]},
	{file: 'bom.ndjson', format: 'windows-json', logons: 3, rejected: [], users: ['user1', 'user2', 'user3']},
	{file: 'crlf.ndjson', format: 'windows-json', logons: 3, rejected: [], users: ['user1', 'user2', 'user3']},
	{file: 'utf16le.ndjson', format: 'windows-json', logons: 3, rejected: [], users: ['user1', 'user2', 'user3']},
	{file: 'utf16be.ndjson', format: 'windows-json', logons: 3, rejected: [], users: ['user1', 'user2', 'user3']},
	{file: 'truncated-array.json', format: 'windows-json', logons: 3, rejected: [[5, /truncated record: the file ends inside it/]]},
	{file: 'unclosed-array.json', format: 'windows-json', logons: 3, rejected: [[4, /truncated file: it ends before the array of records is closed/]]},
	{file: 'qradar-missing-column.csv', format: 'qradar', logons: 2, rejected: [[3, /expected 6 fields as in the header, found 5/]], users: ['alice', 'alice']},
	{file: 'falcon-bad.ndjson', format: 'falcon', logons: 2, rejected: [[2, /no usable time/], [3, /not valid JSON/]]},
	// Line 2 (NUL bytes in the time) is no syslog line at all: skipped. Line 3 has day 99 of November.
	{file: 'sshd-garbage.log', flags: {year: 2026}, format: 'sshd', logons: 2, rejected: [[3, /time/]], skipped: 1, users: ['alice', 'eve']},
];

for (const c of LOADS) {
	test(`${c.file}: ${c.logons} logons load, ${c.rejected.length} bad record(s) rejected by line`, async () => {
		const db = freshDb();
		const r = await inProcess(load, [bad(c.file)], {db, ...c.flags});
		assert.equal(r.code, 0, r.stderr);
		assert.equal(r.stderr, '');
		assert.match(r.stdout, new RegExp(`^${bad(c.file).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${c.format}, ${c.logons} logons, ${c.rejected.length} rejected, ${c.skipped ?? 0} other events skipped`));
		const rejects = rejectsIn(r.stdout);
		assert.deepEqual(rejects.map(x => x.line), c.rejected.map(([line]) => line));
		c.rejected.forEach(([, reason], i) => assert.match(rejects[i]!.reason, reason, `line ${rejects[i]!.line}`));
		const {datasets: [dataset, ...more], users} = stored(db);
		assert.equal(more.length, 0);
		assert.deepEqual([dataset!.format, dataset!.records, dataset!.rejected, dataset!.skipped], [c.format, c.logons, c.rejected.length, c.skipped ?? 0]);
		assert.equal(users.length, c.logons);
		if (c.users) assert.deepEqual(users, c.users);
	});
}

const REFUSED: Array<{file: string; flags?: Record<string, string>; reason: RegExp}> = [
	{file: 'empty.json', reason: /^empty file$/},
	{file: 'garbage.bin', reason: /^binary data, not a recognised logon format \(tried .*\); use --format to force one$/},
	{file: 'prose.txt', reason: /^not a recognised logon format \(tried .*\); use --format to force one$/},
	// Forcing a format the file is not in: every record fails, so the file is refused, not loaded empty.
	{file: 'bom.ndjson', flags: {format: 'qradar'}, reason: /^not a valid qradar file: none of its 3 record\(s\) could be read \(line 1: /},
	{file: 'garbage.bin', flags: {format: 'evtx'}, reason: /not an EVTX file/},
];

for (const c of REFUSED) {
	test(`${c.file}${c.flags ? ` --format ${c.flags['format']}` : ''}: refused with one line naming the file, nothing stored`, async () => {
		const db = freshDb();
		const r = await inProcess(load, [bad(c.file)], {db, ...c.flags});
		assert.equal(r.code, 1);
		assert.equal(r.stdout, '');
		assert.ok(oneLine(r.stderr), r.stderr);
		const prefix = `lateral: ${bad(c.file)}: `;
		assert.ok(r.stderr.startsWith(prefix), r.stderr);
		assert.match(r.stderr.slice(prefix.length).trim(), c.reason);
		assert.deepEqual(stored(db).datasets, []);
	});
}

test('a folder of good and bad files: the good ones load, each refused file gets its own line, exit 1', () => {
	const db = freshDb();
	const r = lateral(['load', path.dirname(bad('x')), '--db', db, '--year', '2026']);
	assert.equal(r.code, 1);
	const refused = r.stderr.trim().split('\n');
	assert.deepEqual(refused.map(l => path.basename(l.split(': ')[1]!)), ['empty.json', 'garbage.bin', 'prose.txt']);
	assert.ok(!/^\s+at /m.test(r.stderr));
	const loaded = stored(db).datasets.map(d => path.basename(d.path)).sort();
	assert.deepEqual(loaded, LOADS.map(c => c.file).sort(), 'README.md is documentation and is not tried');
});

test('DONE WHEN: 1000 good and 5 bad records load 1000 and report the 5 rejects with their line numbers', () => {
	const file = path.join(dir, 'mixed.ndjson');
	const badLines = new Map<number, string>([
		[17, '{"EventID": 4624, "TimeCreated": "2026-11-05T00:00:17Z", "Comp'], // cut off
		[250, windowsRecord(250, {EventID: 'x'})], // wrong type
		[501, 'not json at all'],
		[777, windowsRecord(777, {TimeCreated: null})], // null time
		[1005, '\u0000\u0001\u00ff\ufffd'], // binary junk, last line
	]);
	const lines: string[] = [];
	let good = 0;
	for (let line = 1; line <= 1005; line++) lines.push(badLines.get(line) ?? windowsRecord(good++));
	fs.writeFileSync(file, `${lines.join('\n')}\n`);
	assert.equal(good, 1000);

	const db = freshDb();
	const r = lateral(['load', file, '--db', db]);
	assert.equal(r.code, 0, r.stderr);
	assert.match(r.stdout, /: windows-json, 1,000 logons, 5 rejected, 0 other events skipped;/);
	assert.deepEqual(rejectsIn(r.stdout).map(x => x.line), [17, 250, 501, 777, 1005]);
	const {datasets: [d], users} = stored(db);
	assert.deepEqual([d!.records, d!.rejected], [1000, 5]);
	assert.equal(users.length, 1000, 'lateral events would list 1000 logons');
});

test('a 10 MB line (generated here) is rejected by its line number without echoing it; the rest loads', async () => {
	const file = path.join(dir, 'long-line.ndjson');
	const huge = `{"EventID": 4624, "TargetUserName": "${'A'.repeat(10 * 1024 * 1024)}`; // never closed
	fs.writeFileSync(file, [windowsRecord(1), huge, windowsRecord(2), windowsRecord(3)].join('\n'));
	const db = freshDb();
	const r = await inProcess(load, [file], {db});
	assert.equal(r.code, 0, r.stderr);
	assert.deepEqual(rejectsIn(r.stdout).map(x => x.line), [2]);
	assert.ok(r.stdout.length < 1000, `the output stays short (${r.stdout.length} characters)`);
	assert.equal(stored(db).datasets[0]!.records, 3);
});

test('an EVTX file with a damaged chunk (built here) loads every record: the chunk header fails and is skipped, the records fail and are read anyway', async () => {
	const spec = (chunk: number, i: number): LogonSpec => ({id: chunk * 4 + i + 1, time: `2026-11-05T0${chunk}:0${i}:00.000Z`, user: `user${chunk * 4 + i + 1}`, ip: `10.0.${chunk}.${i}`});
	const chunks = [0, 1, 2].map(c => buildChunk([0, 1, 2, 3].map(i => spec(c, i)), c));
	const second = chunks[1]!;
	for (let i = 1500; i < 1508; i++) second[i] = second[i]! ^ 0xff; // inside the second chunk's records, outside the values read
	const file = path.join(dir, 'corrupt-chunk.evtx');
	fs.writeFileSync(file, buildFile(chunks));
	const db = freshDb();
	const r = await inProcess(load, [file], {db});
	assert.equal(r.code, 0, r.stderr);
	assert.match(r.stdout, /: evtx, 12 logons, 1 rejected/);
	const rejects = rejectsIn(r.stdout);
	assert.equal(rejects.length, 1);
	assert.equal(rejects[0]!.line, 5, 'the first record number of the damaged chunk');
	assert.match(rejects[0]!.reason, /^chunk 1 .*event records checksum mismatch .*; its records read anyway, their values unverified$/);
	assert.deepEqual(stored(db).users, Array.from({length: 12}, (_, i) => `user${i + 1}`));

	const third = chunks[2]!;
	third[30] = third[30]! ^ 0xff; // the third chunk's last record number, covered by its header's checksum
	const headerFile = path.join(dir, 'corrupt-chunk-header.evtx');
	fs.writeFileSync(headerFile, buildFile(chunks));
	const headerDb = freshDb();
	const h = await inProcess(load, [headerFile], {db: headerDb});
	assert.equal(h.code, 0, h.stderr);
	assert.match(h.stdout, /: evtx, 8 logons, 2 rejected/);
	assert.match(rejectsIn(h.stdout)[1]!.reason, /^chunk 2 at byte \d+: header checksum mismatch .*; chunk skipped$/);
	assert.deepEqual(stored(headerDb).users, Array.from({length: 8}, (_, i) => `user${i + 1}`));
});

test('no stack trace unless --debug: a file that is not a database, a missing input', () => {
	const notDb = path.join(dir, 'not-a-db.sqlite');
	fs.copyFileSync(bad('garbage.bin'), notDb);
	const plain = lateral(['hunt', '--db', notDb]);
	assert.equal(plain.code, 1);
	assert.ok(oneLine(plain.stderr), plain.stderr);
	assert.match(plain.stderr, /^lateral: .*not a (lateral )?database/);
	const debug = lateral(['hunt', '--db', notDb, '--debug']);
	assert.equal(debug.code, 1);
	assert.match(debug.stderr, /^\s+at /m, 'with --debug the stack is shown');

	const missing = lateral(['load', path.join(dir, 'no-such-file.json'), '--db', freshDb()]);
	assert.equal(missing.code, 1);
	assert.ok(oneLine(missing.stderr), missing.stderr);
	assert.match(missing.stderr, /no-such-file\.json: no such file or folder/);
});
