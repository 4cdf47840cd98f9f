/**
 * Reading only what the logon normalizer needs of an EVTX record (source/ingest/evtx/logon-fields.ts)
 * against decoding it whole: on every record of the real EVTX files (the repository's fixture and,
 * when present, the shared datasets) and on built records with the layouts it must refuse, the
 * normalized result is the same, and a record the whole decode rejects is never read the short way.
 */
import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {ChunkBinXml} from '../../source/ingest/evtx/binxml.ts';
import {eventToJson} from '../../source/ingest/evtx/event.ts';
import {readLogonFields} from '../../source/ingest/evtx/logon-fields.ts';
import {normalizeEvtx} from '../../source/ingest/evtx/normalize.ts';
import {readEvtx} from '../../source/ingest/evtx/reader.ts';
import {CHUNK, ChunkState, type BNode, type BValue, v, Writer, writeLogonEvent, writeTemplateInstance} from '../helpers/evtx-builder.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DATASETS = path.resolve(root, process.env['LATERAL_SHARED_DATASETS'] ?? '../shared/datasets');

function evtxFiles(dir: string): string[] {
	if (!fs.existsSync(dir)) return [];
	return fs.readdirSync(dir, {recursive: true, encoding: 'utf8'}).filter(f => f.endsWith('.evtx')).map(f => path.join(dir, f)).sort();
}

/** The record written by `write` at offset 512 of a chunk: both readings of it. */
function readBoth(write: (w: Writer, state: ChunkState) => void) {
	const chunk = new Uint8Array(CHUNK);
	const w = new Writer(512);
	write(w, new ChunkState());
	chunk.set(w.toBytes(), 512);
	const parser = new ChunkBinXml(chunk);
	return {short: readLogonFields(parser, 512, 512 + w.length), whole: () => eventToJson(parser.decode(512, 512 + w.length))};
}

/** A record of one template instance: a Security event whose System names 4624 and whose EventData has `data`. */
function securityEvent(data: BNode[], values: BValue[], system: BNode[] = []) {
	return (w: Writer, state: ChunkState) => {
		w.u8(0x0f).u8(1).u8(1).u8(0);
		writeTemplateInstance(w, state, 'event', [{el: 'Event', children: [
			{el: 'System', children: [
				{el: 'Provider', attrs: [['Name', [{text: 'Microsoft-Windows-Security-Auditing'}]]]},
				{el: 'EventID', children: [{text: '4624'}]},
				{el: 'TimeCreated', attrs: [['SystemTime', [{text: '2024-05-01T10:00:00.000000000Z'}]]]},
				{el: 'Channel', children: [{text: 'Security'}]},
				{el: 'Computer', children: [{text: 'HOST1'}]},
				...system,
			]},
			{el: 'EventData', children: data},
		]}], values);
		w.u8(0x00);
	};
}

const dataField = (name: string, sub: number, type = 0x01): BNode => ({el: 'Data', attrs: [['Name', [{text: name}]]], children: [{sub, type}]});

describe('EVTX: reading the logon fields alone', () => {
	test('a 4624 as Windows lays it out (EventData embedded in the System template) is read the short way, the same', () => {
		const {short, whole} = readBoth((w, s) => writeLogonEvent(w, s, {id: 1, time: '2024-05-01T10:00:00.123Z', user: 'alice', ip: '::ffff:10.1.2.3', workstation: undefined}));
		assert.ok(short, 'read the short way');
		assert.deepEqual(normalizeEvtx(short, 1), normalizeEvtx(whole(), 1));
		// The values it does not need are not rendered.
		const data = (short as {Event: {EventData: Record<string, unknown>}}).Event.EventData;
		assert.equal(data['TargetUserSid'], undefined);
		assert.equal(data['TargetUserName'], 'alice');
		assert.equal(data['WorkstationName'], '', 'a null value renders nothing: present and empty, as the whole decode has it');
	});

	test('an optional attribute whose value is null is left out, as the whole decode leaves it out', () => {
		const event = (time: BValue) => readBoth((w, s) => {
			w.u8(0x0f).u8(1).u8(1).u8(0);
			writeTemplateInstance(w, s, 'event', [{el: 'Event', children: [{el: 'System', children: [
				{el: 'Provider', attrs: [['Name', [{sub: 0, type: 0x01, optional: true}]]]},
				{el: 'EventID', children: [{sub: 1, type: 0x06}]},
				{el: 'TimeCreated', attrs: [['SystemTime', [{sub: 2, type: 0x11, optional: true}]]]},
				{el: 'Channel', children: [{sub: 3, type: 0x01}]},
			]}]}], [v.null(), v.u16(4625), time, v.wstr('Security')]);
			w.u8(0x00);
		});
		const timed = event(v.filetime('2024-05-01T10:00:00Z'));
		assert.ok(timed.short);
		assert.deepEqual(normalizeEvtx(timed.short, 1), normalizeEvtx(timed.whole(), 1));
		assert.equal((normalizeEvtx(timed.short, 1) as {kind: string}).kind, 'logon');
		// No time at all, not an empty one: the rejection says so.
		const untimed = event(v.null());
		assert.ok(untimed.short);
		assert.deepEqual(normalizeEvtx(untimed.short, 1), {kind: 'reject', reason: 'event 4625: no usable System/TimeCreated/@SystemTime'});
		assert.deepEqual(normalizeEvtx(untimed.whole(), 1), normalizeEvtx(untimed.short, 1));
	});

	test('a field read twice is left to the whole decode (which makes it an array: read as missing)', () => {
		const {short, whole} = readBoth(securityEvent([dataField('TargetUserName', 0), dataField('TargetUserName', 1), dataField('LogonType', 2)], [v.wstr('a'), v.wstr('b'), v.wstr('3')]));
		assert.equal(short, undefined);
		assert.equal((normalizeEvtx(whole(), 1) as {logon: {user: unknown}}).logon.user, null);
	});

	test('a value the logon does not use that cannot be rendered leaves the record to the whole decode, which rejects it', () => {
		const bad: BValue = {type: 0x13, write: w => void w.raw(new Uint8Array([1, 5, 0, 0]))};
		const {short, whole} = readBoth(securityEvent([dataField('TargetUserSid', 0, 0x13), dataField('TargetUserName', 1)], [bad, v.wstr('alice')]));
		assert.equal(short, undefined);
		assert.throws(whole, /SID of 4 bytes is too short/);
	});

	test('a value missing from the instance leaves the record to the whole decode, which rejects it', () => {
		const {short, whole} = readBoth(securityEvent([dataField('TargetUserName', 0), dataField('SubjectLogonId', 3)], [v.wstr('alice')]));
		assert.equal(short, undefined);
		assert.throws(whole, /substitution 3 has no value/);
	});

	test('UserData (the TerminalServices events) and Binary XML inside System are left to the whole decode', () => {
		const userData = readBoth((w, s) => {
			w.u8(0x0f).u8(1).u8(1).u8(0);
			writeTemplateInstance(w, s, 'event', [{el: 'Event', children: [
				{el: 'System', children: [{el: 'EventID', children: [{text: '1149'}]}]},
				{el: 'UserData', children: [{el: 'EventXML', children: [{el: 'Param1', children: [{text: 'alice'}]}]}]},
			]}], []);
			w.u8(0x00);
		});
		assert.equal(userData.short, undefined);
		const nested = readBoth(securityEvent([dataField('TargetUserName', 0)], [v.wstr('alice'), v.binxml('x', [{el: 'X'}], [])], [{el: 'Extra', children: [{sub: 1, type: 0x21}]}]));
		assert.equal(nested.short, undefined);
		assert.equal((normalizeEvtx(nested.whole(), 1) as {logon: {user: unknown}}).logon.user, 'alice');
	});

	const files = [...evtxFiles(path.join(root, 'test/fixtures/evtx')), ...evtxFiles(DATASETS)];
	test(`every record of ${files.length} real EVTX files normalizes the same both ways`, async () => {
		let short = 0;
		let records = 0;
		for (const file of files) {
			const decode = (parser: ChunkBinXml, start: number, end: number) => {
				const fields = readLogonFields(parser, start, end);
				const whole = eventToJson(parser.decode(start, end));
				if (fields) {
					short++;
					assert.deepEqual(normalizeEvtx(fields, 1), normalizeEvtx(whole, 1), `${path.basename(file)}: a record at chunk offset ${start}`);
				}
			};
			for await (const item of readEvtx(file, decode)) if (item.kind === 'record') records++;
		}

		assert.ok(records > 0);
		// Nearly all are read the short way (the rest: TerminalServices events and their like).
		assert.ok(short > 0.8 * records, `${short} of ${records} records read the short way`);
	});
});
