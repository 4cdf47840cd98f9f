import {after, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {BinXmlError, ChunkBinXml, type XmlElement} from '../../source/ingest/evtx/binxml.ts';
import {checkChunk, chunkRecords} from '../../source/ingest/evtx/chunk.ts';
import {crc32} from '../../source/ingest/evtx/crc32.ts';
import {elementToJson, eventToJson} from '../../source/ingest/evtx/event.ts';
import {evtxFormat} from '../../source/ingest/evtx/index.ts';
import {normalizeEvtx} from '../../source/ingest/evtx/normalize.ts';
import {readEvtx} from '../../source/ingest/evtx/reader.ts';
import {decodeValue, formatFiletime} from '../../source/ingest/evtx/values.ts';
import {address, integer} from '../../source/ingest/fields.ts';
import type {Logon, RawRecord} from '../../source/ingest/types.ts';
import {InputError} from '../../source/util/errors.ts';
import {buildChunk, buildFile, CHUNK, ChunkState, guidBytes, isoToFiletime, type LogonSpec, sidBytes, v, Writer, writeLogonEvent, writeNodes, writeTemplateInstance} from '../helpers/evtx-builder.ts';
import {parseEvents} from '../helpers/xml-oracle.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The shared real-data folder (LATERAL_SHARED_DATASETS overrides, e.g. to check the absent case). */
const DATASETS = path.resolve(root, process.env['LATERAL_SHARED_DATASETS'] ?? '../shared/datasets');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lateral-evtx-'));
after(() => fs.rmSync(scratch, {recursive: true, force: true}));

const bytes = (...parts: Array<number[] | Uint8Array>) => Uint8Array.from(parts.flatMap(p => [...p]));
const le16 = (n: number) => [n & 0xff, n >>> 8];
const le32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
const le64 = (n: bigint) => Array.from({length: 8}, (_, i) => Number((n >> BigInt(8 * i)) & 0xffn));
const flip = (b: Uint8Array, i: number, mask: number) => void (b[i] = b[i]! ^ mask);
const utf16 = (s: string) => [...Buffer.from(s, 'utf16le')];

async function collect(file: string): Promise<RawRecord[]> {
	const out: RawRecord[] = [];
	for await (const r of evtxFormat.read(file, {tz: 'UTC'})) out.push(r);
	return out;
}

function writeTemp(name: string, data: Uint8Array): string {
	const file = path.join(scratch, name);
	fs.writeFileSync(file, data);
	return file;
}

describe('value types', () => {
	const cases: Array<[string, number, Uint8Array, string | string[]]> = [
		['UTF-16 string (terminator dropped)', 0x01, bytes(utf16('admin01'), [0, 0]), 'admin01'],
		['UTF-16 string with non-ASCII', 0x01, bytes(utf16('Jürgen Ω')), 'Jürgen Ω'],
		['ANSI string', 0x02, bytes([...Buffer.from('PC01', 'latin1')], [0]), 'PC01'],
		['int8', 0x03, bytes([0xfe]), '-2'],
		['uint8', 0x04, bytes([0xfe]), '254'],
		['int16', 0x05, bytes(le16(0xfffe)), '-2'],
		['uint16', 0x06, bytes(le16(4624)), '4624'],
		['int32', 0x07, bytes(le32(0xfffffffe)), '-2'],
		['uint32', 0x08, bytes(le32(0xfffffffe)), '4294967294'],
		['int64', 0x09, bytes(le64(-2n & 0xffffffffffffffffn)), '-2'],
		['uint64', 0x0a, bytes(le64(18446744073709551614n)), '18446744073709551614'],
		['real64', 0x0c, bytes([...new Uint8Array(new Float64Array([1.5]).buffer)]), '1.5'],
		['bool true', 0x0d, bytes(le32(1)), 'true'],
		['bool false', 0x0d, bytes(le32(0)), 'false'],
		['binary (upper-case hex)', 0x0e, bytes([0x00, 0xab, 0x10]), '00AB10'],
		['GUID (mixed-endian, upper-case, braces)', 0x0f, guidBytes('{54849625-5478-4994-a5ba-3e3b0328c30d}'), '{54849625-5478-4994-A5BA-3E3B0328C30D}'],
		['size_t 64-bit', 0x10, bytes(le64(0x1234n)), '0x0000000000001234'],
		['FILETIME with 100 ns precision', 0x11, bytes(le64(isoToFiletime('2019-03-18T22:15:36.036Z') + 3760n)), '2019-03-18T22:15:36.036376000Z'],
		['SYSTEMTIME', 0x12, bytes(...[2020, 9, 3, 2, 8, 38, 5, 123].map(le16)), '2020-09-02T08:38:05.123000000Z'],
		['SID', 0x13, sidBytes('S-1-5-21-3461203602-4096304019-2269080069-1003'), 'S-1-5-21-3461203602-4096304019-2269080069-1003'],
		['SID well-known', 0x13, sidBytes('S-1-5-18'), 'S-1-5-18'],
		['hex int32', 0x14, bytes(le32(0xc000006d)), '0xc000006d'],
		['hex int64', 0x15, bytes(le64(0x10fac2n)), '0x000000000010fac2'],
		['array of UTF-16 strings', 0x81, bytes(utf16('a'), [0, 0], utf16('bc'), [0, 0], utf16(''), [0, 0]), ['a', 'bc', '']],
		['array of uint16', 0x86, bytes(le16(1), le16(2)), ['1', '2']],
		['array of hex int32', 0x94, bytes(le32(1), le32(0xff)), ['0x00000001', '0x000000ff']],
	];
	for (const [name, type, data, expected] of cases) {
		test(name, () => assert.deepEqual(decodeValue(type, data, 0, data.length), expected));
	}

	test('values are read at an offset inside a larger buffer', () => {
		const data = bytes([9, 9, 9], le16(3), [9]);
		assert.equal(decodeValue(0x06, data, 3, 2), '3');
	});

	test('impossible values are errors, not guesses', () => {
		assert.throws(() => decodeValue(0x08, bytes([1, 2]), 0, 2), /needs 4 bytes/);
		assert.throws(() => decodeValue(0x13, bytes([1, 5, 0, 0, 0, 0, 0, 5]), 0, 8), /sub-authorities/);
		assert.throws(() => decodeValue(0x7f, bytes([1]), 0, 1), /unsupported value type 0x7f/);
		assert.throws(() => decodeValue(0x01, bytes([1, 0]), 0, 4), /past the end/);
	});

	test('FILETIME 0 is the FILETIME epoch', () => assert.equal(formatFiletime(0n), '1601-01-01T00:00:00.000000000Z'));
});

describe('Binary XML', () => {
	/** Decodes nodes written at chunk offset 512 of an otherwise empty chunk. */
	function decodeWritten(write: (w: Writer, state: ChunkState) => void): {el: XmlElement; parser: ChunkBinXml} {
		const chunk = new Uint8Array(CHUNK);
		const w = new Writer(512);
		write(w, new ChunkState());
		chunk.set(w.toBytes(), 512);
		const parser = new ChunkBinXml(chunk);
		return {el: parser.decode(512, 512 + w.length), parser};
	}

	test('a plain fragment: element, attributes, text, character and entity references', () => {
		const {el} = decodeWritten((w, s) => {
			w.u8(0x0f).u8(1).u8(1).u8(0);
			writeNodes(w, s, [{el: 'Event', attrs: [['a', [{text: 'x'}, {entity: 'amp'}, {text: 'y'}]]], children: [
				{el: 'Name', children: [{text: 'R'}, {charRef: 0xe9}, {entity: 'lt'}]},
				{el: 'Empty'},
				{el: 'Name', children: [{text: 'second'}]},
			]}]);
			w.u8(0);
		});
		assert.deepEqual(el, {name: 'Event', attrs: {a: 'x&y'}, children: [
			{name: 'Name', attrs: {}, children: ['R', 'é', '<']},
			{name: 'Empty', attrs: {}, children: []},
			{name: 'Name', attrs: {}, children: ['second']},
		]});
	});

	test('elements written without the dependency identifier are read too', () => {
		const {el} = decodeWritten((w, s) => {
			w.u8(0x0f).u8(1).u8(1).u8(0);
			writeNodes(w, s, [{el: 'Event', noDependencyId: true, children: [{el: 'EventID', noDependencyId: true, children: [{text: '1149'}]}]}]);
			w.u8(0);
		});
		assert.deepEqual(elementToJson(el), {EventID: '1149'});
	});

	test('template instance: substitutions, optional ones, nested Binary XML and a cached definition', () => {
		const spec: LogonSpec = {id: 7, time: '2024-05-01T10:00:00.123Z', user: 'alice', ip: '::ffff:10.1.2.3', workstation: undefined};
		const chunk = new Uint8Array(CHUNK);
		const state = new ChunkState();
		const first = new Writer(512);
		writeLogonEvent(first, state, spec);
		chunk.set(first.toBytes(), 512);
		// A second event in the same chunk only points at the two definitions written by the first.
		const second = new Writer(512 + first.length);
		writeLogonEvent(second, state, {...spec, id: 8, user: 'bob', eventId: 4625});
		chunk.set(second.toBytes(), 512 + first.length);
		assert.ok(second.length < first.length / 2, 'second instance reuses the definitions');

		const parser = new ChunkBinXml(chunk);
		const a = eventToJson(parser.decode(512, 512 + first.length));
		assert.equal(parser.templateCount, 2);
		const b = eventToJson(parser.decode(second.base, second.base + second.length));
		assert.equal(parser.templateCount, 2, 'definitions are cached per chunk');

		assert.deepEqual(a, {Event: {
			'#attributes': {xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event'},
			System: {
				Provider: {'#attributes': {Name: 'Microsoft-Windows-Security-Auditing', Guid: '{54849625-5478-4994-A5BA-3E3B0328C30D}'}},
				EventID: '4624',
				TimeCreated: {'#attributes': {SystemTime: '2024-05-01T10:00:00.123000000Z'}},
				EventRecordID: '7',
				Correlation: null, // optional GUID with a null value: the attribute is dropped
				Channel: 'Security',
				Computer: 'HOST1.example.corp',
				Security: null,
			},
			EventData: {
				TargetUserSid: 'S-1-5-21-1-2-3-500', TargetUserName: 'alice', TargetDomainName: 'EXAMPLE', TargetLogonId: '0x1',
				LogonType: '3', WorkstationName: null, IpAddress: '::ffff:10.1.2.3', IpPort: '49152',
			},
		}});
		const bEvent = (b as {Event: {System: Record<string, unknown>; EventData: Record<string, unknown>}}).Event;
		assert.equal(bEvent.System['EventID'], '4625');
		assert.equal(bEvent.EventData['TargetUserName'], 'bob');
	});

	test('broken Binary XML is an error naming the chunk offset', () => {
		const chunk = new Uint8Array(CHUNK);
		chunk.set([0x0f, 1, 1, 0, 0x01, 0xff, 0xff, 0, 0, 0, 0, 0x99, 0x99, 0x99, 0x09], 512);
		assert.throws(() => new ChunkBinXml(chunk).decode(512, 530), (e: unknown) => e instanceof BinXmlError && /element name at chunk offset 516/.test(e.message));
		chunk.set([0x0f, 1, 1, 0, 0x77], 600);
		assert.throws(() => new ChunkBinXml(chunk).decode(600, 605), /unknown Binary XML token 0x77 at chunk offset 604/);
		// A template whose body asks for substitution 5 while the instance has one value.
		const w = new Writer(700);
		writeTemplateInstance(w, new ChunkState(), 't', [{el: 'E', children: [{sub: 5, type: 1}]}], [v.wstr('x')]);
		chunk.set(w.toBytes(), 700);
		assert.throws(() => new ChunkBinXml(chunk).decode(700, 700 + w.length), /substitution 5 has no value \(the instance has 1\)/);
	});
});

describe('checksums', () => {
	test('CRC-32 check value', () => {
		assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
		const data = Buffer.from('123456789');
		assert.equal(crc32(data, 4, 9, crc32(data, 0, 4)), 0xcbf43926, 'chained ranges');
	});

	test('chunk header and event-record checksums are both checked', () => {
		const reason = (c: Uint8Array) => {
			const check = checkChunk(c);
			if (check.status === 'corrupt') return check.reason;
			return check.status === 'ok' && check.unverified ? `unverified: ${check.unverified}` : check.status;
		};
		const chunk = buildChunk([{id: 1, time: '2024-01-01T00:00:00Z', user: 'u'}]);
		assert.equal(reason(chunk), 'ok');
		const header = chunk.slice();
		flip(header, 30, 0xff); // last record identifier
		assert.match(reason(header), /^header checksum mismatch \(stored 0x[\da-f]{8}, computed 0x[\da-f]{8}\)$/);
		const data = chunk.slice();
		flip(data, 700, 0x01);
		assert.match(reason(data), /^unverified: event records checksum mismatch \(stored 0x[\da-f]{8}, computed 0x[\da-f]{8}\)$/);
		const flags = chunk.slice();
		flip(flags, 122, 0xff); // bytes 120-127 (flags, the checksum itself) are outside the header CRC
		assert.equal(reason(flags), 'ok');
		assert.equal(reason(new Uint8Array(CHUNK)), 'empty');
		const signature = chunk.slice();
		signature[3] = 0x78;
		assert.equal(reason(signature), 'no "ElfChnk" signature');
		assert.match(reason(chunk.subarray(0, 4000)), /^truncated/);
	});
});

const day = (n: number, i: number) => `2024-05-0${n}T0${i % 10}:00:00.000Z`;
const chunkOf = (n: number, first: number): LogonSpec[] =>
	Array.from({length: 5}, (_, i) => ({id: first + i, time: day(n, i), user: `user${first + i}`, ip: `10.0.${n}.${i}`, logonType: i % 2 ? 10 : 3}));

describe('reading files', () => {
	const chunks = [buildChunk(chunkOf(1, 1), 0), buildChunk(chunkOf(2, 6), 1), buildChunk(chunkOf(3, 11), 2)];

	test('sniff looks for "ElfFile\\0" in the bytes', () => {
		const file = buildFile(chunks);
		assert.equal(evtxFormat.sniff('', file.subarray(0, 65_536)), true);
		assert.equal(evtxFormat.sniff('ElfFile', Buffer.from('ElfFilX\0')), false);
		assert.equal(evtxFormat.sniff('{"EventID":4624}', Buffer.from('{"EventID":4624}')), false);
	});

	test('records stream in order with the record number as line, and normalize to logons', async () => {
		const file = writeTemp('three.evtx', buildFile(chunks));
		const records = await collect(file);
		assert.deepEqual(records.map(r => r.line), Array.from({length: 15}, (_, i) => i + 1));
		const logons = records.map(r => ('value' in r ? evtxFormat.normalize(r.value, r.line, {tz: 'UTC'}) : r));
		const l = logons[1]!;
		assert.ok('kind' in l && l.kind === 'logon');
		assert.deepEqual(l.logon, {
			ts: Date.parse('2024-05-01T01:00:00Z'), outcome: 'success', event_id: 4624, logon_type: 10, src_ip: '10.0.1.1', src_port: 49_152,
			src_host: '', user: 'user2', domain: 'EXAMPLE', target: 'HOST1.example.corp', dst_host: 'HOST1.example.corp', dst_ip: null,
			service: 'rdp', auth_package: null, log_source_type: null, raw_ref: 2,
		} satisfies Logon);
	});

	/** Where `text` (UTF-16LE, as EVTX stores strings) first occurs in `chunk`. */
	const offsetOf = (chunk: Uint8Array, text: string) => Buffer.from(chunk).indexOf(Buffer.from(text, 'utf16le'));
	const users = (records: RawRecord[]) => records.flatMap(r => {
		if (!('value' in r)) return [];
		const l = evtxFormat.normalize(r.value, r.line, {tz: 'UTC'});
		return 'kind' in l && l.kind === 'logon' ? [`${r.line}:${l.logon.user}`] : [];
	});

	test('a chunk whose records fail their checksum is reported once and its records are read anyway', async () => {
		const bad = chunks.map(c => c.slice());
		const at = offsetOf(bad[1]!, 'user7');
		assert.ok(at > 512, 'record 7 names its user in the second chunk');
		bad[1]![at] = 'v'.charCodeAt(0); // one byte of record 7's user name, as a bad sector or a bit flip would
		const records = await collect(writeTemp('unverified.evtx', buildFile(bad)));
		const errors = records.filter(r => 'error' in r) as Array<{line: number; error: string}>;
		assert.deepEqual(errors.map(e => e.line), [6]);
		assert.match(errors[0]!.error, /^chunk 1 at byte 69632 \(records 6-10\): event records checksum mismatch \(stored 0x[\da-f]{8}, computed 0x[\da-f]{8}\); its records read anyway, their values unverified$/);
		assert.deepEqual(users(records), Array.from({length: 15}, (_, i) => `${i + 1}:${i === 6 ? 'vser7' : `user${i + 1}`}`));
	});

	test('in a chunk that fails its checksum, a record that cannot be decoded is rejected on its own', async () => {
		const bad = chunks.map(c => c.slice());
		const at = offsetOf(bad[1]!, 'user8');
		// A record's Binary XML ends with the end-of-fragment token (0x00): the bytes just before
		// record 8's user name are its template instance's value descriptors, damaged here.
		for (let i = at - 40; i < at - 24; i++) bad[1]![i] = 0xff;
		const records = await collect(writeTemp('unverified-record.evtx', buildFile(bad)));
		const errors = records.filter(r => 'error' in r) as Array<{line: number; error: string}>;
		assert.deepEqual(errors.map(e => e.line), [6, 8], JSON.stringify(errors));
		assert.match(errors[0]!.error, /^chunk 1 .*event records checksum mismatch .*read anyway/);
		assert.match(errors[1]!.error, /^record 8 \(chunk 1\): /);
		assert.deepEqual(records.filter(r => 'value' in r).map(r => r.line), [1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15]);
	});

	test('in a chunk that fails its checksum, a broken record frame ends the chunk; a damaged chunk header skips it', async () => {
		const framed = chunks.map(c => c.slice());
		// Record 8's signature ("**\0\0"): the walk cannot find the records after it.
		const eighth = Buffer.from(framed[1]!).indexOf(Buffer.from([0x2a, 0x2a, 0, 0]), offsetOf(framed[1]!, 'user7'));
		assert.ok(eighth > 0);
		framed[1]![eighth] = 0x2b;
		const walked = await collect(writeTemp('frame.evtx', buildFile(framed)));
		const walkErrors = walked.filter(r => 'error' in r) as Array<{line: number; error: string}>;
		assert.deepEqual(walkErrors.map(e => e.line), [6, 8]);
		assert.match(walkErrors[1]!.error, /^chunk 1, record at chunk offset \d+: no "\*\*" record signature; rest of the chunk skipped$/);
		assert.deepEqual(walked.filter(r => 'value' in r).map(r => r.line), [1, 2, 3, 4, 5, 6, 7, 11, 12, 13, 14, 15]);

		const header = chunks.map(c => c.slice());
		flip(header[1]!, 30, 0xff); // last record identifier, covered by the chunk header's CRC
		const skipped = await collect(writeTemp('chunk-header.evtx', buildFile(header)));
		const errors = skipped.filter(r => 'error' in r) as Array<{line: number; error: string}>;
		assert.equal(errors.length, 1);
		assert.match(errors[0]!.error, /^chunk 1 at byte 69632: header checksum mismatch .*; chunk skipped$/);
		assert.deepEqual(skipped.filter(r => 'value' in r).map(r => r.line), [1, 2, 3, 4, 5, 11, 12, 13, 14, 15]);
	});

	test('a damaged file header is reported and the chunks are still read', async () => {
		const file = buildFile(chunks);
		file[42] = 9; // number of chunks, covered by the header CRC
		const records = await collect(writeTemp('header.evtx', file));
		assert.match((records[0] as {error: string}).error, /^file header checksum mismatch/);
		assert.equal(records.filter(r => 'value' in r).length, 15);
	});

	test('unused (zero) chunks are skipped silently; a partial trailing chunk is reported', async () => {
		const file = Buffer.concat([buildFile([chunks[0]!, new Uint8Array(CHUNK)]), Buffer.alloc(1000, 7)]);
		const records = await collect(writeTemp('tail.evtx', file));
		assert.equal(records.filter(r => 'value' in r).length, 5);
		assert.deepEqual(records.filter(r => 'error' in r).map(r => (r as {error: string}).error), ['file ends with a partial chunk of 1000 bytes (truncated copy?); ignored']);
	});

	test('a file cut inside its header is refused as truncated, not as empty', async () => {
		const file = writeTemp('cut.evtx', buildFile(chunks).subarray(0, 3000));
		await assert.rejects(collect(file), (e: unknown) => e instanceof InputError && /truncated EVTX file: it ends inside its 4096-byte header, at byte 3000/.test(e.message));
	});

	test('a file that is not EVTX is refused with InputError', async () => {
		const file = writeTemp('not.evtx', Buffer.from('{"EventID": 4624}\n'));
		await assert.rejects(collect(file), (e: unknown) => e instanceof InputError && /not an EVTX file/.test(e.message));
	});

	test('a 100 MB file streams in bounded memory (one chunk at a time)', async () => {
		const distinct = Array.from({length: 16}, (_, i) => buildChunk(chunkOf(1 + (i % 9), 1 + 5 * i), i));
		const file = path.join(scratch, 'big.evtx');
		const count = 1600;
		fs.writeFileSync(file, buildFile([]));
		const fd = fs.openSync(file, 'r+');
		for (let i = 0; i < count; i++) fs.writeSync(fd, distinct[i % 16]!, 0, CHUNK, 4096 + i * CHUNK);
		fs.closeSync(fd);
		const before = process.memoryUsage();
		let n = 0;
		let peak = 0;
		for await (const r of evtxFormat.read(file, {tz: 'UTC'})) {
			if ('value' in r) n++;
			if (n % 500 === 0) {
				const now = process.memoryUsage();
				peak = Math.max(peak, now.rss - before.rss, now.arrayBuffers - before.arrayBuffers);
			}
		}

		const size = fs.statSync(file).size;
		assert.equal(n, 5 * count);
		assert.ok(size > 100e6);
		assert.ok(peak < 40e6, `memory grew by ${(peak / 1e6).toFixed(1)} MB reading a ${(size / 1e6).toFixed(0)} MB file`);
	});
});

describe('normalize', () => {
	const sys = (id: number, provider: string, extra: Record<string, unknown> = {}) => ({
		Provider: {'#attributes': {Name: provider}},
		EventID: String(id),
		TimeCreated: {'#attributes': {SystemTime: '2021-12-16T10:25:32.351835800Z'}},
		Channel: provider === 'Microsoft-Windows-Security-Auditing' ? 'Security' : `${provider}/Operational`,
		Computer: 'FS03.offsec.lan',
		...extra,
	});
	const SEC = 'Microsoft-Windows-Security-Auditing';
	const TS = Date.parse('2021-12-16T10:25:32.351Z');
	const base = {ts: TS, src_ip: null, src_port: null, src_host: null, user: null, domain: null, target: null, dst_host: null, dst_ip: null, service: null, auth_package: null, log_source_type: null, raw_ref: 9};
	const cases: Array<[string, unknown, ReturnType<typeof normalizeEvtx>]> = [
		['4624 network logon, IPv4-mapped source', {Event: {System: sys(4624, SEC), EventData: {TargetUserName: 'admmig', TargetDomainName: 'OFFSEC', LogonType: '3', IpAddress: '::ffff:10.23.123.11', IpPort: '50211', WorkstationName: null, AuthenticationPackageName: 'NTLM'}}},
			{kind: 'logon', timeField: 'System.TimeCreated.SystemTime', logon: {...base, outcome: 'success', event_id: 4624, logon_type: 3, src_ip: '10.23.123.11', src_port: 50_211, src_host: '', user: 'admmig', domain: 'OFFSEC', target: 'FS03.offsec.lan', dst_host: 'FS03.offsec.lan', service: 'network', auth_package: 'NTLM'}}],
		['4625 failure keeps "-" and the UPN-style user as written', {Event: {System: sys(4625, SEC), EventData: {TargetUserName: 'admmig@offsec.lan', TargetDomainName: '', LogonType: '8', IpAddress: '-', IpPort: '-', WorkstationName: '-'}}},
			{kind: 'logon', timeField: 'System.TimeCreated.SystemTime', logon: {...base, outcome: 'failure', event_id: 4625, logon_type: 8, src_ip: '-', src_host: '-', user: 'admmig@offsec.lan', domain: '', target: 'FS03.offsec.lan', dst_host: 'FS03.offsec.lan', service: 'network-cleartext'}}],
		['4776 (NTLM validation, no host logged on to) is skipped with its reason', {Event: {System: sys(4776, SEC), EventData: {PackageName: 'MICROSOFT_AUTHENTICATION_PACKAGE_V1_0', TargetUserName: 'Admin', Workstation: 'WIN', Status: '0xc000006a'}}},
			{kind: 'skip', reason: "event 4776 (NTLM credential validation): logged by the validating host (a DC or the local SAM), not the host logged on to; the target's 4624/4625 is the logon"}],
		['4648 is skipped with its reason', {Event: {System: sys(4648, SEC), EventData: {TargetUserName: 'x'}}}, {kind: 'skip', reason: 'event 4648 (explicit credentials): logged on the source host, an attempt without outcome'}],
		['4672 is skipped with its reason', {Event: {System: sys(4672, SEC), EventData: {}}}, {kind: 'skip', reason: 'event 4672 (special privileges): accompanies a 4624, no source'}],
		['RCM 1149', {Event: {System: sys(1149, 'Microsoft-Windows-TerminalServices-RemoteConnectionManager'), UserData: {EventXML: {'#attributes': {xmlns: 'Event_NS'}, Param1: 'admmig', Param2: null, Param3: '10.23.123.11'}}}},
			{kind: 'logon', timeField: 'System.TimeCreated.SystemTime', logon: {...base, outcome: 'success', event_id: 1149, logon_type: 10, src_ip: '10.23.123.11', user: 'admmig', domain: '', target: 'FS03.offsec.lan', dst_host: 'FS03.offsec.lan', service: 'rdp-1149'}}],
		['LSM 21 session logon', {Event: {System: sys(21, 'Microsoft-Windows-TerminalServices-LocalSessionManager'), UserData: {EventXML: {User: 'THESHIRE\\pgustavo', SessionID: '3', Address: '1.2.3.4'}}}},
			{kind: 'logon', timeField: 'System.TimeCreated.SystemTime', logon: {...base, outcome: 'success', event_id: 21, logon_type: 10, src_ip: '1.2.3.4', user: 'pgustavo', domain: 'THESHIRE', target: 'FS03.offsec.lan', dst_host: 'FS03.offsec.lan', service: 'rdp-lsm'}}],
		['LSM 25 reconnection', {Event: {System: sys(25, 'Microsoft-Windows-TerminalServices-LocalSessionManager'), UserData: {EventXML: {User: 'PC\\bob', SessionID: '2', Address: '10.0.0.9'}}}},
			{kind: 'logon', timeField: 'System.TimeCreated.SystemTime', logon: {...base, outcome: 'success', event_id: 25, logon_type: 10, src_ip: '10.0.0.9', user: 'bob', domain: 'PC', target: 'FS03.offsec.lan', dst_host: 'FS03.offsec.lan', service: 'rdp-lsm'}}],
		['LSM 21 from LOCAL is a console session', {Event: {System: sys(21, 'Microsoft-Windows-TerminalServices-LocalSessionManager'), UserData: {EventXML: {User: 'PC\\bob', Address: 'LOCAL'}}}},
			{kind: 'skip', reason: 'event 21 (Microsoft-Windows-TerminalServices-LocalSessionManager): console session (Address LOCAL), not RDP'}],
		['Sysmon 21 is not an RDP logon', {Event: {System: sys(21, 'Microsoft-Windows-Sysmon'), EventData: {}}}, {kind: 'skip', reason: 'event 21 (Microsoft-Windows-Sysmon)'}],
		['4688 is skipped', {Event: {System: sys(4688, SEC), EventData: {}}}, {kind: 'skip', reason: 'event 4688 (Microsoft-Windows-Security-Auditing)'}],
		['4624 without a time is rejected', {Event: {System: {...sys(4624, SEC), TimeCreated: null}, EventData: {}}}, {kind: 'reject', reason: 'event 4624: no usable System/TimeCreated/@SystemTime'}],
		['not an event', {foo: 1}, {kind: 'reject', reason: 'not a decoded EVTX event (no Event/System)'}],
	];
	for (const [name, raw, expected] of cases) test(name, () => assert.deepEqual(normalizeEvtx(raw, 9, {tz: 'UTC'}), expected));
});

// ---- the oracle: real public samples against two independent decoders ---------------------------

function findEvtx(dir: string): string[] {
	return fs.readdirSync(dir, {withFileTypes: true}).flatMap(e => {
		const full = path.join(dir, e.name);
		if (e.isDirectory()) return findEvtx(full);
		return e.name.endsWith('.evtx') ? [full] : [];
	}).sort();
}

/** The decoders' XML for a sample: shipped next to it, else produced now when the tools exist. */
function oracleXml(file: string): {libevtx?: string; python?: string} {
	const stem = file.replace(/\.evtx$/, '');
	const out: {libevtx?: string; python?: string} = {};
	if (fs.existsSync(`${stem}.libevtx.xml`)) out.libevtx = fs.readFileSync(`${stem}.libevtx.xml`, 'utf8');
	if (fs.existsSync(`${stem}.python-evtx.xml`)) out.python = fs.readFileSync(`${stem}.python-evtx.xml`, 'utf8');
	if (!out.libevtx) {
		const r = spawnSync('evtxexport', ['-f', 'xml', file], {encoding: 'utf8', maxBuffer: 1 << 28});
		if (r.status === 0) out.libevtx = r.stdout;
	}

	if (!out.python) {
		const r = spawnSync('evtx_dump.py', [file], {encoding: 'utf8', maxBuffer: 1 << 28});
		if (r.status === 0) out.python = r.stdout;
	}

	return out;
}

type Json = Record<string, unknown>;
const get = (o: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((x, k) => (x && typeof x === 'object' ? (x as Json)[k] : undefined), o);
const txt = (x: unknown) => (x === null ? '' : typeof x === 'string' ? x : typeof get(x, '#text') === 'string' ? (get(x, '#text') as string) : undefined);

/**
 * The logon fields as a decoder's XML shows them (the oracle's side of the comparison): Security
 * 4624/4625 from EventData, TerminalServices-RemoteConnectionManager 1149 from UserData.
 */
function oracleLogon(event: XmlElement) {
	const e = elementToJson(event);
	const eventId = Number(txt(get(e, 'System', 'EventID')));
	const provider = get(e, 'System', 'Provider', '#attributes', 'Name');
	const kind = (eventId === 4624 || eventId === 4625) && provider === 'Microsoft-Windows-Security-Auditing' ? 'security'
		: eventId === 1149 && provider === 'Microsoft-Windows-TerminalServices-RemoteConnectionManager' ? 'rcm' : null;
	const data = kind === 'rcm' ? get(e, 'UserData', 'EventXML') : get(e, 'EventData');
	return {
		kind,
		eventId,
		time: get(e, 'System', 'TimeCreated', '#attributes', 'SystemTime') as string,
		user: txt(get(data, kind === 'rcm' ? 'Param1' : 'TargetUserName')) ?? null,
		domain: txt(get(data, kind === 'rcm' ? 'Param2' : 'TargetDomainName')) ?? null,
		logonType: kind === 'rcm' ? 10 : integer(txt(get(data, 'LogonType'))),
		srcIp: address(txt(get(data, kind === 'rcm' ? 'Param3' : 'IpAddress'))),
		computer: txt(get(e, 'System', 'Computer')) ?? null,
	};
}

/** Microseconds since the epoch from either decoder's time text (python-evtx: space, 6 digits). */
function micros(time: string): bigint {
	const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z?$/.exec(time.replace(' ', 'T'));
	assert.ok(m, `time ${time}`);
	return BigInt(Date.parse(`${m[1]}Z`)) * 1000n + BigInt((m[2] ?? '').padEnd(6, '0').slice(0, 6));
}

interface Row {sample: string; records: number; oracle: string; identical: number; logons: number; matched: number; mismatches: number}

/**
 * For every .evtx under `dir`: our record count equals each decoder's; every record equals
 * libevtx's decoding field for field; each logon's time, user, domain, logon type, source
 * address and computer equal what both decoders show. Returns the summary table.
 */
async function runOracle(dir: string): Promise<{table: string; problems: string[]; logons: number}> {
	const samples = findEvtx(dir);
	assert.ok(samples.length > 0, `no .evtx files under ${dir}`);
	const rows: Row[] = [];
	const problems: string[] = [];
	for (const file of samples) {
		const name = path.relative(dir, file);
		const ours: Array<{id: number; written: bigint; event: XmlElement}> = [];
		for await (const item of readEvtx(file)) {
			if (item.kind === 'error') problems.push(`${name}: our reader reported ${item.message}`);
			else ours.push(item);
		}

		const {libevtx, python} = oracleXml(file);
		const row: Row = {sample: name, records: ours.length, oracle: '', identical: 0, logons: 0, matched: 0, mismatches: 0};
		rows.push(row);
		if (!libevtx && !python) {
			// Neither decoder can read this file (see the datasets README): its record headers are the oracle.
			const tsv = file.replace(/\.evtx$/, '.record-headers.tsv');
			if (!fs.existsSync(tsv)) {
				problems.push(`${name}: no decoded XML, no record-headers.tsv and no decoder installed`);
				continue;
			}

			const lines = fs.readFileSync(tsv, 'utf8').trim().split('\n').slice(1).map(l => l.split('\t'));
			row.oracle = 'record headers';
			if (lines.length !== ours.length) problems.push(`${name}: ${ours.length} records, record headers list ${lines.length}`);
			lines.forEach(([id, filetime], i) => {
				if (ours[i]?.id !== Number(id) || ours[i]?.written !== BigInt(filetime!)) problems.push(`${name}: record ${i + 1} header differs: ours ${ours[i]?.id}/${ours[i]?.written}, tsv ${id}/${filetime}`);
				else row.identical++;
			});
			continue;
		}

		const decoders = [['libevtx', libevtx], ['python-evtx', python]].filter((d): d is [string, string] => d[1] !== undefined).map(([n, x]) => [n, parseEvents(x)] as const);
		row.oracle = decoders.map(d => d[0]).join(' + ');
		for (const [decoder, events] of decoders) {
			if (events.length !== ours.length) problems.push(`${name}: ${ours.length} records, ${decoder} shows ${events.length}`);
		}

		// Every record, every field, against libevtx (exact: same value rendering conventions).
		const lib = decoders.find(d => d[0] === 'libevtx')?.[1];
		if (lib) {
			ours.forEach((r, i) => {
				const a = elementToJson(r.event);
				const b = lib[i] && elementToJson(lib[i]!);
				try {
					assert.deepEqual(a, b);
					row.identical++;
				} catch {
					problems.push(`${name}: record ${r.id} differs from libevtx`);
				}
			});
		}

		// Each 4624/4625 (and RDP 1149) logon: the fields we use, against both decoders.
		for (let i = 0; i < ours.length; i++) {
			const raw = {Event: elementToJson(ours[i]!.event)};
			const normalized = normalizeEvtx(raw, ours[i]!.id);
			const views = decoders.map(([decoder, events]) => [decoder, events[i] && oracleLogon(events[i]!)] as const);
			const isLogon = views.some(([, o]) => o?.kind);
			if (!isLogon) continue;
			row.logons++;
			const bad: string[] = [];
			if (normalized.kind !== 'logon') {
				bad.push(`normalized to ${normalized.kind}`);
			} else {
				const l = normalized.logon;
				const ourTime = get(raw, 'Event', 'System', 'TimeCreated', '#attributes', 'SystemTime') as string;
				for (const [decoder, o] of views) {
					if (!o) {
						bad.push(`${decoder} has no record ${i + 1}`);
						continue;
					}

					if (decoder === 'libevtx') {
						if (ourTime !== o.time) bad.push(`time ${ourTime} vs ${o.time}`);
						if (l.ts !== Number(micros(o.time) / 1000n)) bad.push(`ts ${l.ts} vs ${o.time}`);
					} else {
						// python-evtx goes through a float: up to 2 µs off (datasets README).
						const d = micros(ourTime) - micros(o.time);
						if (d > 2n || d < -2n) bad.push(`time ${ourTime} vs ${decoder} ${o.time}`);
					}

					const pairs: Array<[string, unknown, unknown]> = [['event_id', l.event_id, o.eventId], ['user', l.user, o.user], ['domain', l.domain, o.domain], ['logon_type', l.logon_type, o.logonType], ['src_ip', l.src_ip, o.srcIp], ['dst_host', l.dst_host, o.computer], ['target', l.target, o.computer]];
					for (const [field, mine, theirs] of pairs) if (mine !== theirs) bad.push(`${field} ${JSON.stringify(mine)} vs ${decoder} ${JSON.stringify(theirs)}`);
				}
			}

			if (bad.length) {
				row.mismatches++;
				problems.push(`${name}: record ${ours[i]!.id}: ${bad.join('; ')}`);
			} else {
				row.matched++;
			}
		}
	}

	const total = rows.reduce((s, r) => ({records: s.records + r.records, identical: s.identical + r.identical, logons: s.logons + r.logons, matched: s.matched + r.matched, mismatches: s.mismatches + r.mismatches}), {records: 0, identical: 0, logons: 0, matched: 0, mismatches: 0});
	const table = [
		'| sample | oracle | records | records identical to oracle | logons (4624/4625/1149) | fields matched | mismatches |',
		'|---|---|---:|---:|---:|---:|---:|',
		...rows.map(r => `| ${r.sample} | ${r.oracle} | ${r.records} | ${r.identical} | ${r.logons} | ${r.matched} | ${r.mismatches} |`),
		`| **${rows.length} samples** | | ${total.records} | ${total.identical} | ${total.logons} | ${total.matched} | ${total.mismatches} |`,
	].join('\n');
	return {table, problems, logons: total.logons};
}

test('ORACLE: every shared EVTX sample decodes as libevtx and python-evtx decode it', async t => {
	if (!fs.existsSync(DATASETS)) {
		t.skip(`shared datasets folder ${DATASETS} is absent: the real-data oracle comparison did NOT run`);
		return;
	}

	const {table, problems, logons} = await runOracle(DATASETS);
	t.diagnostic(`\n${table}`);
	if (process.env['EVTX_ORACLE_TABLE']) fs.writeFileSync(process.env['EVTX_ORACLE_TABLE'], `${table}\n`);
	assert.deepEqual(problems, []);
	assert.ok(logons > 0, 'the samples hold logons');
});

test('ORACLE: the bundled CC0 samples (datasets/real/evtx) decode as both decoders decode them', async t => {
	const {table, problems, logons} = await runOracle(path.join(root, 'datasets/real/evtx'));
	t.diagnostic(`\n${table}`);
	assert.deepEqual(problems, []);
	assert.equal(logons, 26);
});

/**
 * Damages 16 bytes of a copy of `original`, 20,000 bytes after the start of chunk `chunk` (inside
 * one record's Binary XML), and checks that the copy reports the chunk's checksum once (matching
 * `error`), reads its records anyway, and loads every record but the damaged one unchanged; the
 * damaged one is either rejected on its own or read with what its bytes now say.
 */
async function assertDamageContained(original: string, chunk: number, error: RegExp): Promise<void> {
	const clean = await collect(original);
	const bytes = new Uint8Array(fs.readFileSync(original));
	const chunkStart = 4096 + chunk * CHUNK;
	const cleanChunk = bytes.slice(chunkStart, chunkStart + CHUNK);
	const check = checkChunk(cleanChunk);
	assert.ok(check.status === 'ok' && !check.unverified, 'the original chunk is sound');
	const hit = [...chunkRecords(cleanChunk, check.header)].find(r => 'id' in r && r.start <= 20_000 && 20_016 <= r.end);
	assert.ok(hit && 'id' in hit, 'the damage falls inside one record\'s Binary XML');
	const copy = bytes.slice();
	for (let i = 0; i < 16; i++) flip(copy, chunkStart + 20_000 + i, 0xff);
	const damaged = await collect(writeTemp(`damaged-${path.basename(original)}`, copy));

	const errors = damaged.filter(r => 'error' in r) as Array<{line: number; error: string}>;
	assert.match(errors[0]!.error, error);
	assert.deepEqual(errors.slice(1).map(e => e.line), errors.length > 1 ? [hit.id] : [], JSON.stringify(errors));
	const others = (records: RawRecord[]) => records.filter(r => 'value' in r && r.line !== hit.id);
	assert.deepEqual(others(damaged), others(clean), `every record but ${hit.id} loads, unchanged`);
	assert.equal(damaged.filter(r => 'value' in r).length, clean.length - errors.length + 1);
}

test('a corrupted copy of a real multi-chunk file reports the chunk once and loads every record but the damaged one', async t => {
	if (!fs.existsSync(DATASETS)) {
		t.skip(`shared datasets folder ${DATASETS} is absent: the real-file corruption test did NOT run (the synthetic one above and the bundled CC0 one below did)`);
		return;
	}

	const original = path.join(DATASETS, 'deepbluecli/evtx/sliver-security.evtx');
	assert.ok(fs.existsSync(original), `${original} is missing from the shared datasets`);
	await assertDamageContained(original, 2, /^chunk 2 at byte 135168 \(records \d+-\d+\): event records checksum mismatch .*; its records read anyway, their values unverified$/);
});

test('a corrupted first chunk of the bundled CC0 two-chunk file (test/fixtures/evtx) loads every record but the damaged one', async () => {
	// 63 records: 1-57 in chunk 0, 58-63 in chunk 1 (see test/fixtures/evtx/README.md).
	const original = path.join(root, 'test/fixtures/evtx/4624,4674,4688- CrackMap Exec SMB mimikatz.evtx');
	assert.equal((await collect(original)).length, 63);
	await assertDamageContained(original, 0, /^chunk 0 at byte 4096 \(records 1-57\): event records checksum mismatch .*; its records read anyway, their values unverified$/);
});
