/**
 * Fuzzing every reader with a seeded mutator (no dependency: a small deterministic PRNG is all a
 * mutator needs, and a failing seed replays exactly). Valid files of each format are mutated at
 * the byte level (flips, inserts, deletes, duplicated ranges, truncation) and, for JSON and CSV,
 * at the field level (a value replaced by null, a number, an array, an object, controls, a long
 * string). EVTX mutations get their chunk checksums recomputed so the Binary XML parser, not only
 * the checksum test, sees the damage.
 *
 * Whatever the bytes, loadFile must return (loaded, refused or duplicate; never throw), and the
 * database must stay consistent: PRAGMA integrity_check ok, every dataset's `records` equal to
 * its logons, no logon without its dataset, the indexes all still there.
 * Set LATERAL_FUZZ_SEED / LATERAL_FUZZ_ROUNDS to explore further.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {openDb, type Db} from '../../source/db/open.ts';
import {loadFile} from '../../source/ingest/load.ts';
import type {FormatName} from '../../source/ingest/types.ts';
import {crc32} from '../../source/ingest/evtx/crc32.ts';
import {buildChunk, buildFile, CHUNK, type LogonSpec} from '../helpers/evtx-builder.ts';
import {scratch, windowsRecord} from './run.ts';

const SEED = Number(process.env['LATERAL_FUZZ_SEED'] ?? 20_261_105);
const ROUNDS = Number(process.env['LATERAL_FUZZ_ROUNDS'] ?? 40);
const dir = scratch('fuzz');

/** mulberry32: a tiny seeded PRNG. */
function prng(seed: number) {
	let a = seed >>> 0;
	const next = () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};

	const int = (n: number) => Math.floor(next() * n);
	return {next, int, pick: <T>(items: readonly T[]): T => items[int(items.length)]!};
}

type Rng = ReturnType<typeof prng>;

const NASTY_VALUES: unknown[] = [
	null, 0, -1, 4624, 4625, 1e308, -1e308, 2 ** 53 + 1, '', ' ', 'null', 'NaN', '-', '::ffff:10.0.0.1', '999.999.1.1',
	'2026-02-30T25:61:61Z', '1793930400', '0x1F', [], [1, 2], {}, {a: {b: null}}, true, '\u0000\u001b]0;x\u0007', '\ud800', 'x'.repeat(70_000),
];

/** Byte-level damage to a copy of `bytes`, `from` bytes in (keeps a header intact when asked). */
function mutateBytes(bytes: Uint8Array, rng: Rng, from = 0): Uint8Array {
	let out = Buffer.from(bytes);
	const at = () => from + rng.int(Math.max(1, out.length - from));
	const n = 1 + rng.int(4);
	for (let i = 0; i < n; i++) {
		switch (rng.int(6)) {
			case 0: { // flip some bytes
				for (let k = 0, p = at(); k < 1 + rng.int(8); k++) out[Math.min(out.length - 1, p + k)] = rng.int(256);
				break;
			}

			case 1: { // insert random bytes
				const p = at();
				out = Buffer.concat([out.subarray(0, p), Buffer.from(Array.from({length: 1 + rng.int(32)}, () => rng.int(256))), out.subarray(p)]);
				break;
			}

			case 2: { // delete a range
				const p = at();
				out = Buffer.concat([out.subarray(0, p), out.subarray(Math.min(out.length, p + 1 + rng.int(64)))]);
				break;
			}

			case 3: { // duplicate a range
				const p = at();
				const q = Math.min(out.length, p + 1 + rng.int(200));
				out = Buffer.concat([out.subarray(0, q), out.subarray(p, q), out.subarray(q)]);
				break;
			}

			case 4: { // truncate
				out = out.subarray(0, Math.max(from, at()));
				break;
			}

			default: { // structural characters and line ends where they hurt
				out[at()] = rng.pick([0x7b, 0x7d, 0x5b, 0x5d, 0x22, 0x2c, 0x0a, 0x0d, 0x5c, 0x00, 0xff]);
			}
		}
	}

	return new Uint8Array(out);
}

/** Field-level damage to JSON lines: some values replaced by nasty ones. */
function mutateJsonLines(lines: string[], rng: Rng): string[] {
	return lines.map(line => {
		if (rng.next() > 0.3) return line;
		const value = JSON.parse(line) as Record<string, unknown>;
		const walk = (o: Record<string, unknown>) => {
			for (const key of Object.keys(o)) {
				const v = o[key];
				if (v && typeof v === 'object' && !Array.isArray(v)) walk(v as Record<string, unknown>);
				else if (rng.next() < 0.35) o[key] = rng.pick(NASTY_VALUES);
			}
		};

		walk(value);
		return JSON.stringify(value);
	});
}

/** Field-level damage to CSV rows: cells replaced, dropped or doubled. */
function mutateCsv(rows: string[], rng: Rng): string[] {
	return rows.map((row, i) => {
		if (i === 0 || rng.next() > 0.3) return row;
		const cells = row.split(',');
		const p = rng.int(cells.length);
		const choice = rng.int(4);
		if (choice === 0) cells.splice(p, 1);
		else if (choice === 1) cells.splice(p, 0, 'extra');
		else cells[p] = JSON.stringify(String(rng.pick(NASTY_VALUES))).replace(/\\"/g, '""');
		return cells.join(',');
	});
}

/** Recomputes the CRCs of every chunk (header and records) so damage reaches the parser. */
function fixEvtxChecksums(file: Uint8Array): Uint8Array {
	const out = Buffer.from(file);
	for (let start = 4096; start + CHUNK <= out.length; start += CHUNK) {
		const chunk = out.subarray(start, start + CHUNK);
		if (chunk.subarray(0, 8).toString('latin1') !== 'ElfChnk\0') continue;
		const view = new DataView(chunk.buffer, chunk.byteOffset, CHUNK);
		const free = Math.min(CHUNK, Math.max(512, view.getUint32(48, true)));
		view.setUint32(52, crc32(chunk, 512, free), true);
		view.setUint32(124, crc32(chunk, 128, 512, crc32(chunk, 0, 120)), true);
	}

	return new Uint8Array(out);
}

// ---- valid seeds, one per reader -------------------------------------------------------------------

const T0 = Date.parse('2026-11-05T01:00:00Z');
const windowsLines = Array.from({length: 12}, (_, i) => i % 4 === 3
	? JSON.stringify({Event: {System: {EventID: '4625', TimeCreated: {'#attributes': {SystemTime: new Date(T0 + i * 60_000).toISOString()}}, Computer: `SRV-${i}`}, EventData: {TargetUserName: `u${i}`, TargetDomainName: 'CORP', LogonType: '3', IpAddress: '10.1.1.1', IpPort: '445'}}})
	: windowsRecord(i));
const falconLines = Array.from({length: 12}, (_, i) => JSON.stringify({
	event_simpleName: i % 3 ? 'UserLogon' : 'UserLogonFailed2', aid: 'a1', ComputerName: `SRV-${i}`, ContextTimeStamp: `${(T0 + i * 60_000) / 1000}.000`,
	LogonType: '3', UserName: `u${i}`, LogonDomain: 'CORP', RemoteAddressIP4: `10.2.0.${i}`, AuthenticationPackage: 'NTLM',
}));
const qradarRecords = Array.from({length: 12}, (_, i) => ({
	starttime: T0 + i * 60_000, sourceip: `10.3.0.${i}`, destinationip: `10.3.1.${i % 4}`, username: `u${i}`, eventid: i % 5 ? 4624 : 4625, LogonType: '3',
	logsourcetypename: 'Microsoft Windows Security Event Log',
}));
const qradarJsonLines = ['{"events":[', ...qradarRecords.map((r, i) => `${JSON.stringify(r)}${i < qradarRecords.length - 1 ? ',' : ''}`), ']}'];
const qradarCsvRows = ['starttime,sourceip,destinationip,username,eventid,LogonType,logsourcetypename', ...qradarRecords.map(r => Object.values(r).join(','))];
const sshdLines = Array.from({length: 12}, (_, i) => `Nov  5 0${i % 10}:1${i % 6}:00 lnx-${i % 3} sshd[${100 + i}]: ${i % 3 ? 'Accepted password' : 'Failed password for invalid user'} ${i % 3 ? 'for ' : ''}u${i} from 10.4.0.${i} port ${40_000 + i} ssh2`);
const evtxSpec = (c: number, i: number): LogonSpec => ({id: c * 5 + i + 1, time: new Date(T0 + (c * 5 + i) * 60_000).toISOString(), user: `u${c}${i}`, ip: `10.5.${c}.${i}`, logonType: i % 2 ? 10 : 3, eventId: i === 4 ? 4625 : 4624});
const evtxFile = buildFile([0, 1].map(c => buildChunk([0, 1, 2, 3, 4].map(i => evtxSpec(c, i)), c)));

interface Target {
	name: string;
	format: FormatName;
	ext: string;
	/** The valid file the mutations start from. */
	seed: Uint8Array;
	/** A mutated file's bytes for round `rng`. */
	mutate: (rng: Rng) => Uint8Array;
}

const text = (lines: string[]) => new Uint8Array(Buffer.from(`${lines.join('\n')}\n`));
const jsonTarget = (name: string, format: FormatName, lines: string[]): Target => ({
	name, format, ext: 'json', seed: text(lines),
	mutate: rng => (rng.next() < 0.5 ? text(mutateJsonLines(lines, rng)) : mutateBytes(text(lines), rng)),
});

const TARGETS: Target[] = [
	jsonTarget('windows-json', 'windows-json', windowsLines),
	jsonTarget('falcon', 'falcon', falconLines),
	{name: 'qradar json', format: 'qradar', ext: 'json', seed: text(qradarJsonLines), mutate: rng => (rng.next() < 0.5
		? text([qradarJsonLines[0]!, ...mutateJsonLines(qradarJsonLines.slice(1, -1).map(l => l.replace(/,$/, '')), rng).map((l, i, all) => `${l}${i < all.length - 1 ? ',' : ''}`), qradarJsonLines.at(-1)!])
		: mutateBytes(text(qradarJsonLines), rng))},
	{name: 'qradar csv', format: 'qradar', ext: 'csv', seed: text(qradarCsvRows), mutate: rng => (rng.next() < 0.5 ? text(mutateCsv(qradarCsvRows, rng)) : mutateBytes(text(qradarCsvRows), rng))},
	{name: 'sshd', format: 'sshd', ext: 'log', seed: text(sshdLines), mutate: rng => mutateBytes(text(sshdLines), rng)},
	{name: 'evtx', format: 'evtx', ext: 'evtx', seed: evtxFile, mutate: rng => {
		const damaged = mutateBytes(evtxFile, rng, 4096 + 512); // past the file header and the first chunk header
		return rng.next() < 0.7 ? fixEvtxChecksums(damaged) : damaged;
	}},
];

function consistency(db: Db) {
	return {
		integrity: db.pragma('integrity_check', {simple: true}),
		mismatched: db.prepare('SELECT d.id, d.records, (SELECT count(*) FROM logons l WHERE l.dataset_id = d.id) AS logons FROM datasets d WHERE d.records <> (SELECT count(*) FROM logons l WHERE l.dataset_id = d.id)').all(),
		orphans: (db.prepare('SELECT count(*) AS n FROM logons WHERE dataset_id NOT IN (SELECT id FROM datasets)').get() as {n: number}).n,
		indexes: (db.prepare("SELECT group_concat(name) AS names FROM (SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name)").get() as {names: string | null}).names,
	};
}

for (const [t, target] of TARGETS.entries()) {
	test(`fuzz ${target.name}: ${ROUNDS} mutated files never crash the loader nor corrupt the database (seed ${SEED})`, {timeout: 60_000}, async () => {
		const dbFile = path.join(dir, `${target.name.replace(/\W/g, '-')}.sqlite`);
		const db = openDb(dbFile);
		const clean = consistency(db);
		const outcomes = {loaded: 0, refused: 0, duplicate: 0, rejected: 0};
		try {
			// The unmutated seed loads: the mutations start from a file the reader accepts.
			const seedFile = path.join(dir, `seed-${t}.${target.ext}`);
			fs.writeFileSync(seedFile, target.seed);
			const base = await loadFile(db, seedFile, {tz: 'UTC', format: target.format, year: 2026});
			assert.equal(base.status, 'loaded', JSON.stringify(base));
			assert.equal(base.status === 'loaded' && base.rejected, 0, JSON.stringify(base));

			for (let round = 0; round < ROUNDS; round++) {
				const rng = prng(SEED + t * 100_003 + round);
				const file = path.join(dir, `${t}-${round}.${target.ext}`);
				fs.writeFileSync(file, target.mutate(rng));
				const detect = rng.next() < 0.3;
				let result;
				try {
					result = await loadFile(db, file, {tz: 'UTC', format: detect ? undefined : target.format, year: 2026});
				} catch (error) {
					assert.fail(`round ${round} (seed ${SEED}, ${target.name}, ${detect ? 'detected' : 'forced'} format) threw: ${(error as Error).stack}\nfile kept at ${file}`);
				}

				outcomes[result.status]++;
				if (result.status === 'loaded') outcomes.rejected += result.rejected;
				assert.ok(!db.inTransaction, `round ${round}: the load left a transaction open`);
				fs.rmSync(file);
			}

			assert.deepEqual(consistency(db), {...clean, integrity: 'ok', mismatched: [], orphans: 0}, `after ${ROUNDS} rounds: ${JSON.stringify(outcomes)}`);
			// The mutator does damage: some files lose records or are refused outright.
			assert.ok(outcomes.rejected + outcomes.refused > 0, `no mutation was noticed: ${JSON.stringify(outcomes)}`);
		} finally {
			db.close();
		}
	});
}

test('regressions the fuzzer found: numbers too large for an INTEGER column are rejected or dropped, not a crash', async () => {
	const file = path.join(dir, 'huge-numbers.ndjson');
	fs.writeFileSync(file, [
		windowsRecord(1, {LogonType: 1e308}), // logon type unknown, the logon loads
		windowsRecord(2, {EventID: '123456789012345678901234567890'}), // no usable event id: rejected
		windowsRecord(3, {TimeCreated: 1e308}), // no usable time: rejected
		windowsRecord(4, {IpPort: 2 ** 60}), // no port
	].join('\n'));
	const db = openDb(path.join(dir, 'huge.sqlite'));
	try {
		const r = await loadFile(db, file, {tz: 'UTC'});
		assert.equal(r.status, 'loaded', JSON.stringify(r));
		assert.deepEqual(r.status === 'loaded' && [r.records, r.rejects.map(x => x.line)], [2, [2, 3]]);
		assert.deepEqual(db.prepare('SELECT logon_type, src_port FROM logons ORDER BY raw_ref').all(), [{logon_type: null, src_port: null}, {logon_type: 3, src_port: null}]);
	} finally {
		db.close();
	}
});
