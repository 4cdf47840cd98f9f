import {test} from 'node:test';
import assert from 'node:assert/strict';
import {fileURLToPath} from 'node:url';
import {describeResult, describeTotals, progressReporter} from '../../source/commands/load.ts';
import type {FileResult} from '../../source/ingest/load.ts';

/** A stderr that records what is written, on a terminal or not. */
function stderr(isTTY: boolean, columns = 200) {
	const written: string[] = [];
	const stream = {isTTY, columns, write: (text: string) => written.push(text)} as unknown as NodeJS.WriteStream;
	return {stream, written};
}

test('progress: silent in the first second, then the share, rate and time left to read; then the finishing phase', () => {
	let clock = 10_000;
	const {stream, written} = stderr(true);
	const progress = progressReporter(stream, () => clock);
	progress.update('/nonexistent/a.ndjson', 1000, 0.1);
	clock += 500;
	progress.update('/nonexistent/a.ndjson', 5000, 0.2);
	assert.deepEqual(written, [], 'nothing in the first second');
	clock += 1500;
	progress.update('/nonexistent/a.ndjson', 20_000, 0.25);
	// 2 s for a quarter: 6 s left, 10,000 records a second.
	assert.equal(written.at(-1), '\r\u001B[2Kloading /nonexistent/a.ndjson 25%: 20,000 records, 10,000/s, about 6 s left to read');
	progress.finishing('/nonexistent/a.ndjson', 80_000);
	assert.equal(written.at(-1), '\r\u001B[2Kfinishing /nonexistent/a.ndjson: 80,000 records read; adding totals, building indexes...');
	progress.done();
	assert.equal(written.at(-1), '\r\u001B[2K', 'the line is cleared');
});

test('progress: on a narrow terminal a long path loses its middle, and the share, rate and time left stay in view', () => {
	let clock = 10_000;
	const {stream, written} = stderr(true, 80);
	const progress = progressReporter(stream, () => clock);
	const file = '/cases/ir-2026-117/collected/HOST-FINANCE-04/windows-security-export.ndjson';
	progress.update(file, 0, 0);
	clock += 2000;
	progress.update(file, 20_000, 0.25);
	const line = written.at(-1)!.slice('\r\u001B[2K'.length);
	// 79 columns: 8 + the name in 17 + 54.
	assert.equal(line, 'loading /case…port.ndjson 25%: 20,000 records, 10,000/s, about 6 s left to read');
	assert.ok(line.length <= 79, `${line.length} columns`);
	progress.finishing(file, 80_000);
	assert.equal(written.at(-1)!.slice('\r\u001B[2K'.length), 'finishing /ca…t.ndjson: 80,000 records read; adding totals, building indexes...');
	// The size of a file that is there comes last, when the line has room for it.
	const here = fileURLToPath(import.meta.url);
	for (const [columns, shown] of [[80, false], [400, true]] as const) {
		const narrow = stderr(true, columns);
		const each = progressReporter(narrow.stream, () => clock);
		each.update(here, 0, 0);
		clock += 2000;
		each.update(here, 20_000, 0.25);
		assert.equal(/about 6 s left to read \(0 MB file\)$/.test(narrow.written.at(-1)!), shown, `${columns} columns: ${narrow.written.at(-1)}`);
		assert.match(narrow.written.at(-1)!, /about 6 s left to read/);
	}

	// Dataset strings stay data in the line: the name is neutralised before it is cut.
	progress.finishing('/tmp/\u001B[31mred.ndjson', 1);
	assert.equal(written.at(-1), '\r\u001B[2Kfinishing /tmp/…1mred.ndjson: 1 record read; adding totals, building indexes...');
	assert.doesNotMatch(written.at(-1)!.slice(1), /\u001B\[3/);
});

test('progress: a load of under a second, or off a terminal, shows no finishing line either', () => {
	for (const isTTY of [true, false]) {
		let clock = 0;
		const {stream, written} = stderr(isTTY);
		const progress = progressReporter(stream, () => ++clock);
		progress.update('a.ndjson', 10, 0.5);
		if (!isTTY) {
			clock += 5000;
			progress.update('a.ndjson', 10, 0.5);
		}

		progress.finishing('a.ndjson', 20);
		progress.done();
		assert.deepEqual(written, [], isTTY ? 'quick load' : 'not a terminal');
	}
});

test('several files end with a line adding them up: loaded, logons, repeats, rejects, and the files not loaded', () => {
	const loaded = (records: number, rejected: number, repeats?: number): FileResult => ({
		status: 'loaded', file: `/x/${records}.json`, format: 'windows-json', datasetId: 1, records, rejected, skipped: 0,
		firstTs: null, lastTs: null, timeField: null, rejects: [],
		...(repeats === undefined ? {} : {repeats: {logons: repeats, datasets: [{id: 1, path: '/x/a.json', logons: repeats}]}}),
	});
	assert.equal(describeTotals([loaded(1200, 3), loaded(30, 0, 7), {status: 'duplicate', file: '/x/d.json', datasetId: 1, format: 'evtx'}, {status: 'refused', file: '/x/r.txt', reason: 'no'}, {status: 'refused', file: '/x/s.txt', reason: 'no'}]),
		'total: 2 files loaded, 1,230 logons (7 of them already loaded from other files), 3 rejected; 1 file already loaded, 2 files refused');
	assert.equal(describeTotals([loaded(5, 0), loaded(1, 0)]), 'total: 2 files loaded, 6 logons, 0 rejected');
	// One of a thing is not a plural.
	assert.equal(describeTotals([loaded(1, 0), {status: 'duplicate', file: '/x/d.json', datasetId: 1, format: 'evtx'}]), 'total: 1 file loaded, 1 logon, 0 rejected; 1 file already loaded');
	assert.equal(describeResult(loaded(1, 0), 'UTC'), '/x/1.json: windows-json, 1 logon, 0 rejected, 0 other events skipped; no logons');
	assert.equal(describeResult(loaded(1200, 0), 'UTC'), '/x/1200.json: windows-json, 1,200 logons, 0 rejected, 0 other events skipped; no logons');
	// A file loaded again with options that change how it is read is not read again: said so.
	const duplicate = {status: 'duplicate', file: '/x/auth.log', datasetId: 3, format: 'sshd'} as const;
	assert.equal(describeResult(duplicate, 'UTC'), '/x/auth.log: already loaded (dataset 3, sshd), nothing to do');
	assert.equal(describeResult(duplicate, 'UTC', ['--year', '--tz']), '/x/auth.log: already loaded (dataset 3, sshd), nothing to do; a file\'s bytes load once, read as they were the first time: to read them with --year and --tz, take the dataset out first (lateral datasets rm 3)');
});
