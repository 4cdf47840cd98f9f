/**
 * evtx: binary Windows event log files read natively (SPEC 3), chunk by chunk in bounded memory.
 * Each record becomes `{Event: {System: ..., EventData | UserData: ...}}` (./event.ts), cut down
 * to what the normalizer reads where ./logon-fields.ts can read just that, with the record number
 * as its line; damaged chunks and records come through as errors naming them, and the rest of the
 * file still loads. Which events become logons: see ./normalize.ts.
 */
import {InputError} from '../../util/errors.ts';
import type {Format, RawRecord} from '../types.ts';
import {hasFileSignature} from './chunk.ts';
import {eventToJson, type JsonObject} from './event.ts';
import {readLogonFields} from './logon-fields.ts';
import {normalizeEvtx} from './normalize.ts';
import {NotEvtxError, readEvtx, type DecodeRecord} from './reader.ts';

/** What the normalizer reads of a record: those parts alone when they can be read so, else the whole event. */
const forLogon: DecodeRecord<JsonObject> = (binxml, start, end) => readLogonFields(binxml, start, end) ?? eventToJson(binxml.decode(start, end));

async function* read(file: string): AsyncIterable<RawRecord> {
	try {
		for await (const item of readEvtx(file, forLogon)) {
			yield item.kind === 'record' ? {line: item.id, value: item.event} : {line: item.line, error: item.message};
		}
	} catch (error) {
		if (error instanceof NotEvtxError) throw new InputError(file, error.message);
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new InputError(file, 'no such file');
		throw error;
	}
}

export const evtxFormat: Format = {
	name: 'evtx',
	sniff: (_head, bytes) => hasFileSignature(bytes),
	read,
	normalize: normalizeEvtx,
};
