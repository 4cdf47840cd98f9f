/**
 * Readers on small files: layouts (NDJSON, arrays, wrapped arrays, pretty-printed), encodings
 * (BOM, UTF-16, CRLF), CSV quoting, detection, and loading into the store: all or nothing per
 * file, rejected records with their line numbers, the same file twice loading nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import {execFileSync} from 'node:child_process';
import {after, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {readJsonRecords} from '../../source/ingest/json-records.ts';
import {readCsvObjects} from '../../source/ingest/csv.ts';
import {readHead, readLines, textBytes} from '../../source/ingest/text.ts';
import zlib from 'node:zlib';
import {detectFormat} from '../../source/ingest/detect.ts';
import {expandPaths, loadFile} from '../../source/ingest/load.ts';
import {openMemoryDb} from '../../source/db/open.ts';
import {countLogons, listDatasets} from '../../source/db/store.ts';
import type {RawRecord} from '../../source/ingest/types.ts';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lateral-readers-'));
after(() => fs.rmSync(scratch, {recursive: true, force: true}));

let files = 0;
function write(content: string | Buffer, name = `f${++files}.txt`): string {
	const file = path.join(scratch, name);
	fs.writeFileSync(file, content);
	return file;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
	const out: T[] = [];
	for await (const item of items) out.push(item);
	return out;
}

function summary(records: RawRecord[]): Array<[number, string]> {
	return records.map(r => [r.line, 'error' in r ? `error` : JSON.stringify(r.value)]);
}

describe('lines', () => {
	test('CRLF, a missing final newline and a UTF-8 BOM', async () => {
		const file = write(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a\r\nb\n\nc')]));
		assert.deepEqual(await collect(readLines(file)), [{line: 1, text: 'a'}, {line: 2, text: 'b'}, {line: 3, text: ''}, {line: 4, text: 'c'}]);
	});

	test('UTF-16 LE and BE with a BOM', async () => {
		const text = 'é1\r\nz2\n';
		const le = write(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
		const be = write(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]));
		const want = [{line: 1, text: 'é1'}, {line: 2, text: 'z2'}];
		assert.deepEqual(await collect(readLines(le)), want);
		assert.deepEqual(await collect(readLines(be)), want);
	});

	test('a line longer than the read buffer arrives whole', async () => {
		const long = 'x'.repeat(1_000_000);
		const file = write(`a\n${long}\nb\n`);
		const lines = await collect(readLines(file));
		assert.equal(lines.length, 3);
		assert.equal(lines[1]!.text.length, 1_000_000);
	});

	test('characters and CRLFs cut by the ends of the 64 KiB pieces a read is decoded in', async () => {
		// A 3-byte character over byte 65536, a CR at byte 131071 and its LF at 131072, a 4-byte
		// character over byte 196608, all within the first read of 256 KiB; the same again over the
		// first piece of the second read.
		const piece = 64 * 1024;
		const texts = [
			'a'.repeat(piece - 2) + '€z',
			'x'.repeat(2 * piece - 1 - (piece + 2) - 1),
			'y'.repeat(3 * piece - 2 - 2 * piece) + '😀',
			'b'.repeat(2 * piece - 6) + '€€',
			'c',
		];
		const ends = ['\n', '\r\n', '\n', '\n', '\n'];
		const bytes = Buffer.from(texts.map((t, i) => t + ends[i]).join(''));
		const continues = (at: number) => (bytes[at]! & 0xc0) === 0x80;
		assert.ok(continues(piece) && continues(3 * piece) && continues(5 * piece));
		assert.deepEqual([...bytes.subarray(2 * piece - 1, 2 * piece + 1)], [13, 10]);
		assert.deepEqual(await collect(readLines(write(bytes))), texts.map((text, i) => ({line: i + 1, text})));
	});

	test('line numbers run on across reads (256 KiB each), as NDJSON record numbers do', async () => {
		// Lines of varying length, a CRLF cut by a read's end somewhere among them, and blank lines.
		const texts = Array.from({length: 60_000}, (_, i) => i % 997 === 0 ? '' : `{"n":${i},"pad":"${'p'.repeat(i % 13)}"}`);
		const file = write(texts.map((t, i) => t + (i % 2 ? '\r\n' : '\n')).join(''));
		assert.ok(fs.statSync(file).size > 4 * 256 * 1024);
		const lines = await collect(readLines(file));
		assert.deepEqual(lines, texts.map((text, i) => ({line: i + 1, text})));
		const records = await collect(readJsonRecords(file));
		assert.deepEqual(records.map(r => r.line), texts.flatMap((t, i) => t === '' ? [] : [i + 1]));
		assert.ok(records.every(r => 'value' in r && (r.value as {n: number}).n === r.line - 1));
	});
});

describe('JSON layouts', () => {
	test('NDJSON: a bad line is an error with its number, the others are read', async () => {
		const file = write('{"a":1}\n{"a":2\n\n{"a":3}\n[1]\n');
		assert.deepEqual(summary(await collect(readJsonRecords(file))), [[1, '{"a":1}'], [2, 'error'], [4, '{"a":3}'], [5, 'error']]);
	});

	test('a pretty-printed array, each record with the line it starts on; braces in strings do not confuse it', async () => {
		const file = write('[\n  {\n    "a": "x}{]["\n  },\n  {"a": "\\"}"}\n]\n');
		assert.deepEqual(summary(await collect(readJsonRecords(file))), [[2, '{"a":"x}{]["}'], [5, '{"a":"\\"}"}']]);
	});

	test('the Ariel wrapper {"events": [...]} on one line or many', async () => {
		const oneLine = write('{"events":[{"a":1},{"a":2}]}');
		const many = write('{"meta":{"n":2},"events":[\n{"a":1},\n{"a":2}\n]}\n');
		const want: Array<[number, string]> = [[1, '{"a":1}'], [1, '{"a":2}']];
		assert.deepEqual(summary(await collect(readJsonRecords(oneLine))), want);
		assert.deepEqual(summary(await collect(readJsonRecords(many))), [[2, '{"a":1}'], [3, '{"a":2}']]);
	});

	test('a file cut off inside a record reports that record as truncated', async () => {
		const file = write('[\n{"a":1},\n{"a":');
		assert.deepEqual(summary(await collect(readJsonRecords(file))), [[2, '{"a":1}'], [3, 'error']]);
	});

	test('a pretty-printed single object is one record', async () => {
		const file = write('{\n  "EventID": 4624\n}\n');
		assert.deepEqual(summary(await collect(readJsonRecords(file))), [[1, '{"EventID":4624}']]);
	});
});

describe('CSV', () => {
	test('quoted commas, doubled quotes and line breaks; a short row is an error', async () => {
		const file = write('a,b,c\n1,"x, y",3\n4,"he said ""hi""",6\n7,"two\nlines",9\n10,11\n12,13,14\n');
		assert.deepEqual(summary(await collect(readCsvObjects(file))), [
			[2, '{"a":"1","b":"x, y","c":"3"}'],
			[3, '{"a":"4","b":"he said \\"hi\\"","c":"6"}'],
			[4, '{"a":"7","b":"two\\nlines","c":"9"}'],
			[6, 'error'],
			[7, '{"a":"12","b":"13","c":"14"}'],
		]);
	});

	test('a quote left open at the end of the file is an error naming the lines it swallowed', async () => {
		const rows = await collect(readCsvObjects(write('a,b\n1,2\n3,"x\n5,6\n7,8\n')));
		assert.deepEqual(rows.map(r => [r.line, 'error' in r ? r.error : r.value]), [
			[2, {a: '1', b: '2'}],
			[3, 'unterminated quoted field at the end of the file (lines 3-5 read as one row)'],
		]);
		const last = await collect(readCsvObjects(write('a,b\n1,"x\n')));
		assert.deepEqual(last, [{line: 2, error: 'unterminated quoted field at the end of the file'}]);
	});
});

const WINDOWS_LINE = (i: number) => JSON.stringify({EventID: 4624, TimeCreated: new Date(Date.UTC(2026, 10, 4, 2, i)).toISOString(), Computer: `SRV${i % 3}`, TargetUserName: 'alice', LogonType: '3', IpAddress: '10.0.0.5'});

describe('detection', () => {
	const cases: Array<[string, string | Buffer, string]> = [
		['windows-json NDJSON', `${WINDOWS_LINE(1)}\n`, 'windows-json'],
		['windows-json ECS', '{"@timestamp":"2026-11-04T02:13:00Z","winlog":{"event_id":4624,"event_data":{}}}\n', 'windows-json'],
		['windows-json EVTX-to-JSON array', '[{"Event":{"System":{"EventID":"4624"}}}]', 'windows-json'],
		['falcon', '{"event_simpleName":"UserLogon","ContextTimeStamp":"1.5"}\n', 'falcon'],
		['qradar JSON', '{"events":[{"starttime":1,"sourceip":"a","eventid":4624}]}', 'qradar'],
		['qradar CSV', 'starttime,sourceip,destinationip,username,eventid,LogonType,logsourcetypename\n1,a,b,c,4624,3,x\n', 'qradar'],
		['qradar CSV with a BOM and capitals', '\uFEFFStartTime,SourceIP,EventID\n1,a,4624\n', 'qradar'],
		['sshd classic', 'Nov  4 02:13:00 h sshd[1]: Accepted password for a from 1.2.3.4 port 22 ssh2\n', 'sshd'],
		['sshd ISO after other programs', '2026-11-04T02:13:00+00:00 h CRON[2]: x\n2026-11-04T02:13:00+00:00 h sshd[1]: Failed password for a from 1.2.3.4 port 22 ssh2\n', 'sshd'],
		['sshd after 600 lines of other programs', `${'Nov  4 02:13:00 h CRON[2]: (root) CMD (run-parts /etc/cron.hourly)\n'.repeat(600)}Nov  4 02:14:00 h sshd[1]: Accepted publickey for a from 1.2.3.4 port 22 ssh2\n`, 'sshd'],
	];
	for (const [name, content, want] of cases) {
		test(name, async () => {
			assert.equal((await detectFormat(write(content))).name, want);
		});
	}

	test('random bytes, plain text and an empty file are refused', async () => {
		await assert.rejects(detectFormat(write(crypto.randomBytes(4096))), /not a recognised logon format/);
		await assert.rejects(detectFormat(write('hello world\n')), /not a recognised logon format/);
		await assert.rejects(detectFormat(write('')), /empty file/);
	});
});

describe('loading', () => {
	test('1000 good and 5 bad records: 1000 loaded, 5 rejected with their line numbers', async () => {
		const bad = new Set([3, 250, 251, 800, 1005]);
		const lines: string[] = [];
		let good = 0;
		for (let line = 1; line <= 1005; line++) {
			if (bad.has(line)) lines.push(line % 2 ? '{"EventID": 4624, "TimeCreated": "not a time"}' : '{"EventID": 46');
			else lines.push(WINDOWS_LINE(good++));
		}

		const db = openMemoryDb();
		const result = await loadFile(db, write(`${lines.join('\n')}\n`), {tz: 'UTC'});
		assert.equal(result.status, 'loaded');
		if (result.status !== 'loaded') return;
		assert.equal(result.records, 1000);
		assert.equal(result.rejected, 5);
		assert.deepEqual(result.rejects.map(r => r.line), [...bad]);
		assert.equal(countLogons(db), 1000);
		// countLogons sums the datasets' records; the rows themselves must agree.
		assert.equal((db.prepare('SELECT count(*) AS n FROM logons').get() as {n: number}).n, 1000);
	});

	test('a format forced onto a file of another reads no logons: refused, nothing kept, and the file loads as what it is', async () => {
		const db = openMemoryDb();
		const file = write(`${WINDOWS_LINE(1)}\n${WINDOWS_LINE(2)}\n{"EventID": 4672}\n`);
		for (const format of ['falcon', 'sshd', 'qradar'] as const) {
			const forced = await loadFile(db, file, {tz: 'UTC', format});
			assert.equal(forced.status, 'refused', format);
			if (forced.status !== 'refused') return;
			assert.match(forced.reason, new RegExp(`^no logons when read as ${format} \\(.*\\), and it looks like windows-json: load it without --format ${format}$`));
		}
		assert.equal(listDatasets(db).length, 0);
		const right = await loadFile(db, file, {tz: 'UTC'});
		assert.equal(right.status, 'loaded');
		assert.equal(countLogons(db), 2);
		// A file of its own format that holds no logons still loads (as an empty dataset), forced or not.
		const none = await loadFile(db, write('{"EventID": 4672}\n{"EventID": 4688}\n'), {tz: 'UTC', format: 'windows-json'});
		assert.equal(none.status, 'loaded');
	});

	test('the same bytes loaded twice load nothing the second time, whatever the file name', async () => {
		const db = openMemoryDb();
		const content = `${WINDOWS_LINE(1)}\n${WINDOWS_LINE(2)}\n`;
		const first = await loadFile(db, write(content), {tz: 'UTC'});
		const second = await loadFile(db, write(content), {tz: 'UTC'});
		assert.equal(first.status, 'loaded');
		assert.equal(second.status, 'duplicate');
		assert.equal(countLogons(db), 2);
		assert.equal(listDatasets(db).length, 1);
	});

	test('a file is hashed alongside its parse: its sha256 (as sha256sum gives it) and size are recorded', async () => {
		for (const parseThread of [false, true]) {
			const db = openMemoryDb();
			const file = write(`${WINDOWS_LINE(1)}\n${WINDOWS_LINE(2)}\n${WINDOWS_LINE(3)}\n`);
			const result = await loadFile(db, file, {tz: 'UTC', parseThread});
			assert.equal(result.status, 'loaded');
			const [dataset] = listDatasets(db);
			assert.equal(dataset!.sha256, execFileSync('sha256sum', [file], {encoding: 'utf8'}).split(' ')[0]);
			assert.equal(dataset!.bytes, fs.statSync(file).size);
		}
	});

	test('a file the size of a loaded one is hashed first: a duplicate is answered before any parse, other bytes load', async () => {
		const db = openMemoryDb();
		const first = write(`${WINDOWS_LINE(1)}\n${WINDOWS_LINE(2)}\n`);
		const other = write(`${WINDOWS_LINE(3)}\n${WINDOWS_LINE(4)}\n`);
		assert.equal(fs.statSync(first).size, fs.statSync(other).size);
		assert.equal((await loadFile(db, first, {tz: 'UTC'})).status, 'loaded');
		// No batch parsed, no progress reported: the duplicate is answered first.
		let progress = 0;
		assert.equal((await loadFile(db, write(fs.readFileSync(first)), {tz: 'UTC', onProgress: () => progress++})).status, 'duplicate');
		assert.equal(progress, 0);
		assert.equal((await loadFile(db, other, {tz: 'UTC'})).status, 'loaded');
		assert.equal(countLogons(db), 4);
		assert.equal(listDatasets(db).length, 2);
	});

	test('the same bytes found only once parsed (recorded under another size, or before sizes were) load nothing', async () => {
		for (const bytes of [1, null]) {
			const db = openMemoryDb();
			const file = write(`${WINDOWS_LINE(5)}\n${WINDOWS_LINE(6)}\n`);
			const sha256 = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
			db.prepare(`INSERT INTO datasets (path, format, sha256, bytes, loaded_at, first_id) VALUES ('/elsewhere.json', 'windows-json', ?, ?, 0, 1)`).run(sha256, bytes);
			const result = await loadFile(db, file, {tz: 'UTC'});
			assert.equal(result.status, 'duplicate', `bytes ${bytes}`);
			assert.equal(countLogons(db), 0);
			assert.equal((db.prepare('SELECT count(*) AS n FROM logons').get() as {n: number}).n, 0);
			assert.deepEqual(listDatasets(db).map(d => d.path), ['/elsewhere.json']);
		}
	});

	test('a file that is not the forced format is refused whole: no dataset, no logons', async () => {
		const db = openMemoryDb();
		const result = await loadFile(db, write('{"x":1}\n{"y":2}\n'), {tz: 'UTC', format: 'windows-json'});
		assert.equal(result.status, 'refused');
		assert.equal(countLogons(db), 0);
		assert.equal(listDatasets(db).length, 0);
	});

	test('a cancelled load rolls the file back', async () => {
		const db = openMemoryDb();
		const lines = Array.from({length: 12_000}, (_, i) => WINDOWS_LINE(i)).join('\n');
		const result = await loadFile(db, write(lines), {tz: 'UTC', cancelled: () => true});
		assert.equal(result.status, 'refused');
		assert.equal(countLogons(db), 0);
		assert.equal(listDatasets(db).length, 0);
	});

	test('folder loads skip ground truth, READMEs and hidden files', () => {
		const dir = path.join(scratch, 'folder');
		fs.mkdirSync(path.join(dir, 'sub'), {recursive: true});
		for (const name of ['a.ndjson', 'ground-truth.json', 'README.md', '.hidden', 'sub/b.log', 'sub/c.log.1.gz', 'logs.tar.gz']) fs.writeFileSync(path.join(dir, name), 'x');
		assert.deepEqual(expandPaths([dir]).map(f => path.relative(dir, f)), ['a.ndjson', 'sub/b.log', 'sub/c.log.1.gz']);
	});
});

describe('gzip', () => {
	const lines = async (file: string) => (await collect(readLines(file))).map(l => [l.line, l.text]);

	test('a gzip-compressed file reads as the text it holds: encodings, line ends, a long line, several members', async () => {
		const long = 'x'.repeat(300_000);
		for (const text of [
			Buffer.from(`\ufeffone\r\ntwo\n${long}\nlast`),
			Buffer.from('\ufeffα\nβ\r\n', 'utf16le'),
		]) {
			const plain = write(text);
			const gz = write(zlib.gzipSync(text), `f${++files}.txt.gz`);
			assert.deepEqual(await lines(gz), await lines(plain));
			assert.deepEqual(readHead(gz, 5), readHead(plain, 5), 'the head is the text\'s');
			// The size of the text, from the gzip trailer; never less than the file's own.
			assert.equal(textBytes(gz, fs.statSync(gz).size), Math.max(text.length, fs.statSync(gz).size));
		}

		// Two members, as `cat a.gz b.gz` makes.
		const two = write(Buffer.concat([zlib.gzipSync('a\nb\n'), zlib.gzipSync('c\n')]), 'two.gz');
		assert.deepEqual(await lines(two), [[1, 'a'], [2, 'b'], [3, 'c']]);
	});

	test('damaged or cut short: one error naming the file, nothing loaded', async () => {
		const whole = zlib.gzipSync(Array.from({length: 5000}, (_, i) => WINDOWS_LINE(i)).join('\n'));
		const cut = write(whole.subarray(0, Math.floor(whole.length / 2)), 'cut.ndjson.gz');
		await assert.rejects(collect(readLines(cut)), new RegExp(`^InputError: ${cut}: the gzip data is damaged or cut short \\(unexpected end of file\\)$`));
		const db = openMemoryDb();
		const result = await loadFile(db, cut, {tz: 'UTC'});
		assert.deepEqual(result, {status: 'refused', file: cut, reason: 'the gzip data is damaged or cut short (unexpected end of file)'});
		assert.deepEqual([countLogons(db), listDatasets(db).length], [0, 0]);
	});

	test('compressed NDJSON and sshd logs load the rows their plain text does, with and without the parser thread', async () => {
		const ndjson = Array.from({length: 3000}, (_, i) => WINDOWS_LINE(i)).join('\n');
		const sshd = 'Nov  4 02:00:01 bastion sshd[811]: Accepted publickey for alice from 10.0.0.5 port 50122 ssh2\n';
		for (const [name, text] of [['w.ndjson', ndjson], ['auth.log.1', sshd]] as const) {
			const plain = write(text, name);
			const gz = write(zlib.gzipSync(text), `${name}.gz`);
			for (const parseThread of [false, true]) {
				const rows = [];
				for (const file of [plain, gz]) {
					const db = openMemoryDb();
					const result = await loadFile(db, file, {tz: 'UTC', year: 2026, parseThread});
					assert.equal(result.status, 'loaded', `${file}: ${JSON.stringify(result)}`);
					rows.push(db.prepare('SELECT * FROM logons ORDER BY id').all());
				}

				assert.ok(rows[0]!.length > 0);
				assert.deepEqual(rows[1], rows[0], `${name}, parser thread ${parseThread}`);
			}
		}
	});

	test('archives and compressions lateral does not open are refused with the command that does', async () => {
		const tar = Buffer.alloc(1024);
		tar.write('logs/security.ndjson', 0);
		tar.write('ustar', 257);
		const cases: Array<[string, Buffer, string]> = [
			['a.tar', tar, 'a tar archive: extract it first (tar -xf FILE) and load what it holds'],
			['a.tar.gz', zlib.gzipSync(tar), 'a tar archive: extract it first (tar -xf FILE) and load what it holds'],
			['a.7z', Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4, 1, 2, 3]), 'a 7-Zip archive: extract it first (7z x FILE) and load what it holds'],
			['a.rar', Buffer.from('Rar!\x1a\x07\x01\x00\x00\x01', 'latin1'), 'a RAR archive: extract it first (unrar x FILE) and load what it holds'],
			['a.bz2', Buffer.from('BZh91AY&SY\x00\x01\x02', 'latin1'), 'a bzip2-compressed file: extract it first (bunzip2 -k FILE) and load what it holds'],
			['a.xz', Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0, 0, 4, 0xe6]), 'an xz-compressed file: extract it first (unxz -k FILE) and load what it holds'],
			['a.zst', Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x24, 0, 1]), 'a zstd-compressed file: extract it first (unzstd FILE) and load what it holds'],
		];
		for (const [name, bytes, reason] of cases) {
			const file = write(bytes, name);
			assert.deepEqual(await loadFile(openMemoryDb(), file, {tz: 'UTC'}), {status: 'refused', file, reason}, name);
		}
	});

	test('a gzip-compressed EVTX file is refused with one line saying to decompress it', async () => {
		const evtx = path.join(import.meta.dirname, '../fixtures/evtx/4624,4674,4688- CrackMap Exec SMB mimikatz.evtx');
		const gz = write(zlib.gzipSync(fs.readFileSync(evtx)), 'security.evtx.gz');
		const db = openMemoryDb();
		const result = await loadFile(db, gz, {tz: 'UTC'});
		assert.deepEqual(result, {status: 'refused', file: gz, reason: 'a gzip-compressed EVTX file: decompress it first (gunzip -k FILE) and load the .evtx'});
		assert.equal(listDatasets(db).length, 0);
	});
});
