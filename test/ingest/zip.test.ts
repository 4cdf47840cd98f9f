/**
 * Zip archives (source/ingest/zip.ts, loadPath in load.ts): each log file inside loads as a
 * dataset of its own, named ARCHIVE/MEMBER, with the rows the same file loads with unzipped.
 * The archives are written by Python's zipfile, a writer that is not ours.
 */
import {after, test} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {openMemoryDb} from '../../source/db/open.ts';
import {listDatasets} from '../../source/db/store.ts';
import {loadFile, loadPath, type FileResult, type LoadOptions} from '../../source/ingest/load.ts';
import {extractMember, isZipFile, zipMembers} from '../../source/ingest/zip.ts';
import type {Db} from '../../source/db/open.ts';

const root = path.resolve(import.meta.dirname, '../..');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lateral-zip-test-'));
after(() => fs.rmSync(scratch, {recursive: true, force: true}));

const ndjson = path.join(root, 'test/fixtures/cli/security.ndjson');
const evtx = path.join(root, 'test/fixtures/evtx/4624,4674,4688- CrackMap Exec SMB mimikatz.evtx');
const sshd = 'Nov  4 02:00:01 bastion sshd[811]: Accepted publickey for alice from 10.0.0.5 port 50122 ssh2\n';

/**
 * Writes a zip with Python: `members` are [name, content file or text, method, date] (method
 * deflated, stored or bzip2; date as (y, m, d, h, min, s)).
 */
function pyZip(name: string, members: Array<[string, {file: string} | {text: string}, 'deflated' | 'stored' | 'bzip2', number[]?]>): string {
	const archive = path.join(scratch, name);
	const script = `
import json, sys, zipfile
members = json.loads(sys.argv[2])
methods = {'deflated': zipfile.ZIP_DEFLATED, 'stored': zipfile.ZIP_STORED, 'bzip2': zipfile.ZIP_BZIP2}
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    for name, content, method, date in members:
        info = zipfile.ZipInfo(name, tuple(date or (2026, 11, 5, 12, 0, 0)))
        info.compress_type = methods[method]
        data = open(content['file'], 'rb').read() if 'file' in content else content['text'].encode()
        z.writestr(info, data)
`;
	execFileSync('python3', ['-c', script, archive, JSON.stringify(members.map(([n, c, m, d]) => [n, c, m, d ?? null]))]);
	return archive;
}

async function loadAll(db: Db, file: string, options: Partial<LoadOptions> = {}): Promise<FileResult[]> {
	const results: FileResult[] = [];
	for await (const result of loadPath(db, file, {tz: 'UTC', ...options})) results.push(result);
	return results;
}

/** The logons of a dataset, without the dataset id. */
function rowsOf(db: Db, datasetId: number): unknown[] {
	return db.prepare('SELECT * FROM logons WHERE dataset_id = ? ORDER BY id').all(datasetId).map(r => ({...r as object, id: undefined, dataset_id: undefined}));
}

const scratchFolders = () => fs.readdirSync(os.tmpdir()).filter(n => n.startsWith('lateral-zip-') && !n.startsWith('lateral-zip-test-'));

test('each log file in a zip loads as ARCHIVE/MEMBER with the rows it loads with unzipped; documentation and folders are passed over', async () => {
	const archive = pyZip('case.zip', [
		['README.md', {text: '# collection notes'}, 'deflated'],
		['logs/', {text: ''}, 'stored'],
		['logs/security.ndjson', {file: ndjson}, 'deflated'],
		['__MACOSX/logs/._security.ndjson', {text: 'resource fork'}, 'stored'],
		['logs/Security.evtx', {file: evtx}, 'stored'],
	]);
	assert.equal(isZipFile(archive), true);
	assert.equal(isZipFile(ndjson), false);
	assert.deepEqual(zipMembers(archive).map(m => m.name), ['README.md', 'logs/security.ndjson', '__MACOSX/logs/._security.ndjson', 'logs/Security.evtx']);

	const before = scratchFolders();
	const db = openMemoryDb();
	const results = await loadAll(db, archive);
	assert.deepEqual(results.map(r => [r.status, r.file]), [['loaded', `${archive}/logs/security.ndjson`], ['loaded', `${archive}/logs/Security.evtx`]]);
	assert.deepEqual(listDatasets(db).map(d => [d.path, d.format]), [[`${archive}/logs/security.ndjson`, 'windows-json'], [`${archive}/logs/Security.evtx`, 'evtx']]);
	assert.deepEqual(scratchFolders(), before, 'the extracted members are removed');

	for (const [i, plain] of [ndjson, evtx].entries()) {
		const alone = openMemoryDb();
		const result = await loadFile(alone, plain, {tz: 'UTC'});
		assert.equal(result.status, 'loaded');
		assert.ok(rowsOf(alone, 1).length > 0);
		assert.deepEqual(rowsOf(db, i + 1), rowsOf(alone, 1), plain);
	}

	// Loaded again: every member is recognised by its bytes.
	assert.deepEqual((await loadAll(db, archive)).map(r => r.status), ['duplicate', 'duplicate']);
});

test('a member that cannot be read is refused by name and the others load; a damaged archive is one line', async () => {
	const archive = pyZip('mixed.zip', [
		['a.ndjson', {file: ndjson}, 'stored'],
		['b.ndjson', {file: ndjson}, 'bzip2'],
		['c.log', {text: sshd}, 'stored'],
		['empty.log', {text: ''}, 'stored'],
	]);
	// Flip a byte inside the first member's data: its CRC-32 no longer matches.
	const bytes = fs.readFileSync(archive);
	const member = zipMembers(archive)[0]!;
	bytes[member.offset + 30 + 'a.ndjson'.length + 10]! ^= 0x20;
	const damaged = path.join(scratch, 'damaged.zip');
	fs.writeFileSync(damaged, bytes);

	const db = openMemoryDb();
	const results = await loadAll(db, damaged, {year: 2026});
	assert.equal(results[0]!.status, 'refused');
	assert.match((results[0] as {reason: string}).reason, /^a damaged zip member \(\d+ bytes with CRC-32 [0-9a-f]+, the directory says \d+ with [0-9a-f]+\)$/);
	assert.deepEqual(results.slice(1), [
		{status: 'refused', file: `${damaged}/b.ndjson`, reason: 'a zip member compressed with method 12; only stored and deflated members are read (extract it with unzip or 7z first)'},
		results[2],
		{status: 'refused', file: `${damaged}/empty.log`, reason: 'empty file'},
	]);
	assert.equal(results[2]!.status, 'loaded');
	assert.deepEqual(listDatasets(db).map(d => d.path), [`${damaged}/c.log`]);

	const cut = path.join(scratch, 'cut.zip');
	fs.writeFileSync(cut, bytes.subarray(0, bytes.length - 30));
	assert.deepEqual(await loadAll(openMemoryDb(), cut), [{status: 'refused', file: cut, reason: 'not a zip archive, or cut short (no end of central directory)'}]);
	const empty = pyZip('empty.zip', [['notes.md', {text: 'x'}, 'stored']]);
	assert.deepEqual(await loadAll(openMemoryDb(), empty), [{status: 'refused', file: empty, reason: 'a zip archive with no log files in it'}]);
});

test('a syslog member takes its year from its date in the archive, as unzipped it would', async () => {
	const archive = pyZip('old.zip', [['var/log/auth.log', {text: sshd}, 'deflated', [2019, 11, 30, 8, 0, 0]]]);
	const db = openMemoryDb();
	const [result] = await loadAll(db, archive);
	assert.equal(result!.status, 'loaded');
	assert.equal(new Date((db.prepare('SELECT ts FROM logons').get() as {ts: number}).ts).toISOString(), '2019-11-04T02:00:01.000Z');
});

test('lateral load: a named zip loads its members; zips inside a named folder are skipped, and it says how to load them', () => {
	const folder = path.join(scratch, 'collection');
	fs.mkdirSync(folder);
	const archive = pyZip('collection/host1.zip', [['security.ndjson', {file: ndjson}, 'deflated']]);
	fs.writeFileSync(path.join(folder, 'auth.log'), sshd);
	const load = (target: string) => spawnSync(process.execPath, [path.join(root, 'bin/lateral.js'), 'load', target, '--year', '2026'], {
		encoding: 'utf8',
		env: {...process.env, LATERAL_DB: path.join(scratch, 'cli.sqlite')},
	});

	const named = load(archive);
	assert.equal(named.status, 0, named.stderr);
	assert.match(named.stdout, new RegExp(`^${archive}/security\\.ndjson: windows-json, \\d+ logons`));
	const inFolder = load(folder);
	assert.equal(inFolder.status, 0, inFolder.stderr);
	assert.match(inFolder.stdout, /auth\.log: sshd, 1 logon,/);
	assert.equal(inFolder.stderr, `lateral: 1 zip archive inside folders skipped: name them to load them (lateral load ${folder}/*.zip)\n`);
});

test('zip64: an archive of more than 65,535 members lists them all (from the zip64 end record)', () => {
	const archive = path.join(scratch, 'many.zip');
	execFileSync('python3', ['-c', `
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    for i in range(65537):
        z.writestr(f'f{i}.txt', '')
`, archive]);
	const members = zipMembers(archive);
	assert.equal(members.length, 65_537);
	assert.deepEqual([members[0]!.name, members.at(-1)!.name], ['f0.txt', 'f65536.txt']);
});

test('a member that holds more than its directory entry says stops being written at that size', async () => {
	const archive = pyZip('liar.zip', [['security.ndjson', {file: ndjson}, 'deflated']]);
	const bytes = fs.readFileSync(archive);
	// The central directory entry's uncompressed size (offset 24), cut to 100 bytes.
	const central = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
	bytes.writeUInt32LE(100, central + 24);
	const liar = path.join(scratch, 'liar-patched.zip');
	fs.writeFileSync(liar, bytes);
	assert.equal(zipMembers(liar)[0]!.size, 100);
	const db = openMemoryDb();
	assert.deepEqual(await loadAll(db, liar), [{status: 'refused', file: `${liar}/security.ndjson`, reason: 'a damaged zip member (it holds more than the 100 bytes the directory says)'}]);
	assert.equal(listDatasets(db).length, 0);
});

test('a member larger than the free space of the scratch folder is refused before writing, naming TMPDIR', async () => {
	const archive = pyZip('roomy.zip', [['security.ndjson', {file: ndjson}, 'deflated']]);
	const [member] = zipMembers(archive);
	const target = path.join(scratch, 'extract', 'security.ndjson');
	fs.mkdirSync(path.dirname(target));
	await assert.rejects(extractMember(archive, member!, target, () => 1000), {
		name: 'InputError',
		message: `${archive}/security.ndjson: extracting it needs 2 KB in ${scratch}, which has 1 KB free (set TMPDIR to a folder on a larger disk)`,
	});
	assert.equal(fs.existsSync(target), false);
	await extractMember(archive, member!, target);
	assert.deepEqual(fs.readFileSync(target), fs.readFileSync(ndjson));
});

test('a member\'s name is the archive\'s to choose: any name loads under it, and is never a path to write to', async () => {
	const name = `../../${'ü'.repeat(150)}\u0001 evil name.ndjson`;
	const archive = pyZip('names.zip', [[name, {file: ndjson}, 'deflated']]);
	const db = openMemoryDb();
	const [result] = await loadAll(db, archive);
	assert.deepEqual([result!.status, result!.file], ['loaded', `${archive}/${name}`]);
	assert.equal(fs.existsSync(path.join(scratch, '..', name)), false);

	// A central directory said to lie past the end of the file.
	const bytes = fs.readFileSync(archive);
	bytes.writeUInt32LE(bytes.length, bytes.length - 22 + 16);
	const bad = path.join(scratch, 'names-bad.zip');
	fs.writeFileSync(bad, bytes);
	assert.deepEqual(await loadAll(openMemoryDb(), bad), [{status: 'refused', file: bad, reason: 'a damaged zip archive (its central directory lies past the end of the file)'}]);
});
