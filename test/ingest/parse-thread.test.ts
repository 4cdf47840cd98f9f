/**
 * Large files parse in a worker thread; small ones on the loading thread. Both paths must give
 * the same rows, rejects, counts, errors and totals: each file here is loaded both ways and compared.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {openMemoryDb, repoRoot} from '../../source/db/open.ts';
import {loadFile, type FileResult} from '../../source/ingest/load.ts';
import type {FormatName} from '../../source/ingest/types.ts';
import {buildChunk, buildFile} from '../helpers/evtx-builder.ts';
import {keepHoursFrom} from '../helpers/totals.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lateral-thread-'));
process.on('exit', () => fs.rmSync(dir, {recursive: true, force: true}));

function write(name: string, text: string | Uint8Array): string {
	const file = path.join(dir, name);
	fs.writeFileSync(file, text);
	return file;
}

async function loadBoth(file: string, year?: number, format?: FormatName) {
	const out = [];
	for (const parseThread of [false, true]) {
		const db = openMemoryDb();
		const result = await loadFile(db, file, {tz: 'Europe/Berlin', year, parseThread, format});
		const logons = db.prepare('SELECT * FROM logons ORDER BY id').all();
		const rejects = db.prepare('SELECT * FROM rejects ORDER BY rowid').all();
		const datasets = db.prepare('SELECT records, rejected, skipped, first_ts, last_ts, time_field FROM datasets').all();
		db.close();
		out.push({result: {...result, datasetId: 0} as FileResult, logons, rejects, datasets});
	}

	return out as [typeof out[0], typeof out[0]];
}

test('the sample week loads the same through the parser thread as without it', async () => {
	for (const name of ['windows-security.ndjson', 'auth.log']) {
		const [inline, thread] = await loadBoth(path.join(repoRoot, 'datasets', 'sample', name), 2026);
		assert.ok(inline.logons.length > 100, name);
		assert.deepEqual(thread, inline, name);
	}
});

test('rejects, skips and line numbers are the same both ways', async () => {
	const good = (i: number) => JSON.stringify({EventID: 4624, TimeCreated: `2026-11-05T0${i}:00:00Z`, Computer: 'SRV1', TargetUserName: `u${i}`, LogonType: '3', IpAddress: '10.0.0.1'});
	const file = write('mixed.ndjson', [good(1), '{"EventID": 4624, "TimeCr', good(2), JSON.stringify({EventID: 4634, TimeCreated: '2026-11-05T03:00:00Z'}), good(3), ''].join('\n'));
	const [inline, thread] = await loadBoth(file);
	assert.equal(inline.result.status, 'loaded');
	assert.equal(inline.logons.length, 3);
	assert.equal(inline.rejects.length, 1);
	assert.deepEqual(thread, inline);
});

test('EVTX loads the same both ways', async () => {
	const specs = Array.from({length: 6}, (_, i) => ({id: i + 1, time: `2024-05-01T0${i}:00:00.000Z`, user: `user${i}`, ip: `10.0.0.${i}`, logonType: 3}));
	const file = write('x.evtx', buildFile([buildChunk(specs.slice(0, 3), 0), buildChunk(specs.slice(3), 1)]));
	const [inline, thread] = await loadBoth(file);
	assert.equal(inline.logons.length, 6);
	assert.deepEqual(thread, inline);
});

test('a file that is not its format is refused with the same line both ways, and nothing is kept', async () => {
	const file = write('bad.ndjson', 'not json at all\nstill not\n');
	// Detected (refused before reading), forced as windows-json (every line rejected), forced as
	// EVTX (the reader itself throws, in the worker on the threaded path).
	for (const format of [undefined, 'windows-json', 'evtx'] as const) {
		const [inline, thread] = await loadBoth(file, undefined, format);
		assert.equal(inline.result.status, 'refused', String(format));
		assert.deepEqual(thread, inline);
		assert.equal(thread.logons.length, 0);
		assert.equal(thread.datasets.length, 0);
	}
});

test('cancelling a threaded load stops the worker and keeps nothing', async () => {
	const lines = Array.from({length: 20_000}, (_, i) => JSON.stringify({EventID: 4624, TimeCreated: new Date(Date.UTC(2026, 10, 5) + i * 1000).toISOString(), Computer: 'SRV1', TargetUserName: `u${i % 50}`, LogonType: '3', IpAddress: '10.0.0.1'}));
	const file = write('big.ndjson', `${lines.join('\n')}\n`);
	const db = openMemoryDb();
	let calls = 0;
	const result = await loadFile(db, file, {tz: 'UTC', parseThread: true, cancelled: () => ++calls >= 2});
	assert.equal(result.status, 'refused');
	assert.match(result.status === 'refused' ? result.reason : '', /cancelled/);
	assert.equal((db.prepare('SELECT count(*) AS n FROM logons').get() as {n: number}).n, 0);
	assert.equal((db.prepare('SELECT count(*) AS n FROM datasets').get() as {n: number}).n, 0);
	db.close();
});

test('a parser thread that runs out of heap loads the file again on the loading thread, with the same rows', async () => {
	// Distinct names, all held as running totals (foldKeys above their number), outgrow a 4 MB heap.
	const lines = Array.from({length: 30_000}, (_, i) => JSON.stringify({EventID: 4624, TimeCreated: new Date(Date.UTC(2026, 10, 5) + i * 1000).toISOString(),
		Computer: `SRV-${i}`, TargetUserName: `user-${i}-${'x'.repeat(40)}`, LogonType: '3', IpAddress: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`}));
	const file = write('wide.ndjson', `${lines.join('\n')}\n`);
	const rows = async (options: {parseThread: boolean; parserHeapMb?: number}) => {
		const db = openMemoryDb();
		const result = await loadFile(db, file, {tz: 'UTC', foldKeys: 1_000_000, ...options});
		const out = {status: result.status, logons: db.prepare('SELECT * FROM logons ORDER BY id').all(), datasets: db.prepare('SELECT count(*) AS n FROM datasets').get()};
		db.close();
		return out;
	};

	const inline = await rows({parseThread: false});
	assert.equal(inline.status, 'loaded');
	assert.equal(inline.logons.length, 30_000);
	assert.deepEqual(await rows({parseThread: true, parserHeapMb: 4}), inline);
});

/** The totals tables, sorted, and their reference: GROUP BYs over the logons. */
function totalsOf(db: ReturnType<typeof openMemoryDb>) {
	const all = (sql: string) => db.prepare(sql).all();
	const raw = {
		pairs: all(`SELECT src_ip, user, target, count(*) AS logons, sum(outcome = 'failure') AS failed, min(ts) AS first_ts, max(ts) AS last_ts
			FROM logons GROUP BY src_ip, user, target ORDER BY src_ip, user, target`),
		hours: all(['src_ip', 'user', 'target'].map(c => `SELECT '${c === 'src_ip' ? 'src' : c}' AS kind, ${c} AS value, ts / 3600000 - (ts % 3600000 < 0) AS hour,
			count(*) AS logons, sum(outcome = 'failure') AS failed FROM logons WHERE ${c} IS NOT NULL GROUP BY ${c}, hour`).join(' UNION ALL ') + ' ORDER BY kind, value, hour'),
	};
	const kept = {
		pairs: all('SELECT src_ip, user, target, logons, failed, first_ts, last_ts FROM pair_totals ORDER BY src_ip, user, target'),
		hours: all('SELECT kind, value, hour, logons, failed FROM hour_totals ORDER BY kind, value, hour'),
		entities: all('SELECT kind, value, logons, failed, first_ts, last_ts, pairs FROM entity_totals ORDER BY kind, value'),
	};
	return {raw, kept};
}

test('the running totals kept by the two threads of a load: spilling every few keys, they equal a load without the thread and the GROUP BY of the logons', async () => {
	// Names repeating over hours, out of time order now and then, before 1970 too; NULL sources
	// ('-'), empty names, the text 'null', failures.
	const lines = Array.from({length: 3000}, (_, i) => {
		const ts = (i % 97 === 0 ? -5 * 3_600_000 : Date.UTC(2026, 10, 5)) + (i % 400 === 7 ? -i : i) * 37_000;
		return JSON.stringify({EventID: i % 5 === 0 ? 4625 : 4624, TimeCreated: new Date(ts).toISOString(), Computer: ['DC01', 'dc01', 'SRV-FS01', 'null'][i % 4],
			TargetUserName: i % 11 === 0 ? '' : `u${(i * 7) % 60}`, TargetDomainName: 'CORP', LogonType: '3', IpAddress: i % 13 === 0 ? '-' : `10.0.${i % 3}.${(i * 5) % 41}`, IpPort: '50000'});
	});
	const file = write('totals.ndjson', `${lines.join('\n')}\n`);
	const load = async (parseThread: boolean, foldKeys?: number, spills: {parserSpillMb?: number; loaderSlackMb?: number; loaderSpillMb?: number} = {}) => {
		const db = openMemoryDb();
		keepHoursFrom(db, 1);
		// Another dataset first: its totals are there to add to.
		const other = write(`other-${parseThread}-${foldKeys}.ndjson`, `${lines.slice(0, 500).map(l => l.replace('CORP', 'OTHER')).join('\n')}\n`);
		assert.equal((await loadFile(db, other, {tz: 'UTC', parseThread: false})).status, 'loaded');
		const result = await loadFile(db, file, {tz: 'UTC', parseThread, foldKeys, ...spills});
		assert.equal(result.status, 'loaded');
		const totals = totalsOf(db);
		db.close();
		return totals;
	};

	const inline = await load(false);
	assert.ok(inline.kept.pairs.length > 500, 'many triples');
	assert.ok(inline.kept.hours.length > 500, 'many hours');
	assert.deepEqual(inline.kept.pairs, inline.raw.pairs);
	assert.deepEqual(inline.kept.hours, inline.raw.hours);
	for (const foldKeys of [1, 7, 100, undefined]) {
		const thread = await load(true, foldKeys);
		assert.deepEqual(thread.kept.pairs, thread.raw.pairs, `pair totals, thread spilling every ${foldKeys} keys`);
		assert.deepEqual(thread.kept.hours, thread.raw.hours, `hour totals, thread spilling every ${foldKeys} keys`);
		assert.deepEqual(thread, inline, `thread spilling every ${foldKeys} keys`);
	}

	// Spilling whole whenever the heap passes 1 MB (always), with keys enough never to spill by count.
	const forced = await load(true, 1_000_000, {parserSpillMb: 1});
	assert.deepEqual(forced, inline, 'thread spilling by heap');
	// The loading thread collecting after every batch and spilling its triples each time, on either path.
	for (const parseThread of [true, false]) {
		assert.deepEqual(await load(parseThread, 1_000_000, {loaderSlackMb: 0, loaderSpillMb: 0}), inline, `loading thread spilling by heap, parser thread ${parseThread}`);
	}
});

test('a cancelled threaded load keeps none of the totals its parser thread spilled', async () => {
	const lines = Array.from({length: 9000}, (_, i) => JSON.stringify({EventID: 4624, TimeCreated: new Date(Date.UTC(2026, 10, 5) + i * 60_000).toISOString(), Computer: 'SRV1', TargetUserName: `u${i}`, LogonType: '3', IpAddress: '10.0.0.1'}));
	const file = write('spills.ndjson', `${lines.join('\n')}\n`);
	const db = openMemoryDb();
	// Cancelled after the first batch, when the worker has spilled totals every 5 keys.
	let calls = 0;
	const result = await loadFile(db, file, {tz: 'UTC', parseThread: true, foldKeys: 5, cancelled: () => ++calls >= 2});
	assert.match(result.status === 'refused' ? result.reason : '', /cancelled/);
	for (const table of ['logons', 'pair_totals', 'entity_totals', 'hour_totals']) {
		assert.equal((db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as {n: number}).n, 0, table);
	}

	db.close();
});
