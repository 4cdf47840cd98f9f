/**
 * Streams the records of an EVTX file chunk by chunk: one 64 KiB chunk in memory at a time, so
 * a file of any size is read in bounded memory. A chunk whose header fails its checks is reported
 * once (as an error naming the chunk) and skipped; one whose records fail their checksum is
 * reported once and its records read anyway, each record that cannot be decoded reported on its
 * own. The rest of the file is still read.
 */
import fs from 'node:fs/promises';
import {ChunkBinXml, type XmlElement} from './binxml.ts';
import {CHUNK_SIZE, checkChunk, chunkRecords, FILE_HEADER_SIZE, hasFileSignature, parseFileHeader} from './chunk.ts';

/** One item from an EVTX file: a decoded record, or a record / chunk / header that failed. */
export type EvtxItem<T = XmlElement> =
	| {kind: 'record'; id: number; written: bigint; event: T}
	/** `line`: the record number concerned (for a chunk, its first record; 0 for the file header). */
	| {kind: 'error'; line: number; message: string};

/** Thrown when the file is not EVTX at all (wrong signature), or is cut inside its header. */
export class NotEvtxError extends Error {
	override name = 'NotEvtxError';
}

/** Decodes the record whose Binary XML is `[start, end)` of the chunk; throws to report it as damaged. */
export type DecodeRecord<T> = (binxml: ChunkBinXml, start: number, end: number) => T;

const wholeEvent: DecodeRecord<XmlElement> = (binxml, start, end) => binxml.decode(start, end);

/** Reads `file` as EVTX: each record as its element tree, or as `decode` makes it. */
export function readEvtx(file: string): AsyncGenerator<EvtxItem>;
export function readEvtx<T>(file: string, decode: DecodeRecord<T>): AsyncGenerator<EvtxItem<T>>;
export async function* readEvtx(file: string, decode: DecodeRecord<unknown> = wholeEvent): AsyncGenerator<EvtxItem<unknown>> {
	const handle = await fs.open(file, 'r');
	try {
		const {size} = await handle.stat();
		const head = new Uint8Array(FILE_HEADER_SIZE);
		const {bytesRead} = await handle.read(head, 0, FILE_HEADER_SIZE, 0);
		if (bytesRead < 128 || !hasFileSignature(head)) throw new NotEvtxError('not an EVTX file (no "ElfFile" signature)');
		// Cut inside its header: no chunk of records can follow, and saying "empty" would hide the cut.
		if (size < FILE_HEADER_SIZE) throw new NotEvtxError(`truncated EVTX file: it ends inside its ${FILE_HEADER_SIZE}-byte header, at byte ${size} (a partial copy?)`);
		const header = parseFileHeader(head);
		if (header.storedChecksum !== header.computedChecksum) {
			yield {
				kind: 'error',
				line: 0,
				message: `file header checksum mismatch (stored 0x${header.storedChecksum.toString(16).padStart(8, '0')}, computed 0x${header.computedChecksum.toString(16).padStart(8, '0')}); chunks read anyway`,
			};
		}

		// Every whole chunk the file holds: the header's u16 count wraps on big files and is stale
		// on dirty ones, while unused chunks are all zero and cost nothing to skip.
		const chunks = Math.max(0, Math.floor((size - FILE_HEADER_SIZE) / CHUNK_SIZE));
		const chunk = new Uint8Array(CHUNK_SIZE);
		let lastId = 0;
		for (let index = 0; index < chunks; index++) {
			const at = FILE_HEADER_SIZE + index * CHUNK_SIZE;
			const read = await readFully(handle, chunk, at);
			const check = checkChunk(read === CHUNK_SIZE ? chunk : chunk.subarray(0, read));
			if (check.status === 'empty') continue;
			if (check.status === 'corrupt') {
				const ids = check.header ? ` (records ${check.header.firstRecordId}-${check.header.lastRecordId})` : '';
				const line = check.header ? Number(check.header.firstRecordId) : lastId + 1;
				yield {kind: 'error', line, message: `chunk ${index} at byte ${at}${ids}: ${check.reason}; chunk skipped`};
				continue;
			}

			if (check.unverified) {
				const {firstRecordId: first, lastRecordId: last} = check.header;
				yield {kind: 'error', line: Number(first), message: `chunk ${index} at byte ${at} (records ${first}-${last}): ${check.unverified}; its records read anyway, their values unverified`};
			}

			const binxml = new ChunkBinXml(chunk);
			for (const span of chunkRecords(chunk, check.header)) {
				if ('error' in span) {
					yield {kind: 'error', line: lastId + 1, message: `chunk ${index}, record at chunk offset ${span.offset}: ${span.error}; rest of the chunk skipped`};
					break;
				}

				lastId = span.id;
				let event: unknown;
				try {
					event = decode(binxml, span.start, span.end);
				} catch (error) {
					yield {kind: 'error', line: span.id, message: `record ${span.id} (chunk ${index}): ${(error as Error).message}`};
					continue;
				}

				yield {kind: 'record', id: span.id, written: span.written, event};
			}
		}

		const tail = (size - FILE_HEADER_SIZE) % CHUNK_SIZE;
		if (size > FILE_HEADER_SIZE && tail !== 0) {
			yield {kind: 'error', line: lastId + 1, message: `file ends with a partial chunk of ${tail} bytes (truncated copy?); ignored`};
		}
	} finally {
		await handle.close();
	}
}

async function readFully(handle: fs.FileHandle, into: Uint8Array, position: number): Promise<number> {
	let done = 0;
	while (done < into.length) {
		const {bytesRead} = await handle.read(into, done, into.length - done, position + done);
		if (bytesRead === 0) break;
		done += bytesRead;
	}

	return done;
}
