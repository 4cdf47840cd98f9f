/**
 * EVTX container structures (libevtx "Windows XML Event Log (EVTX) format"; A. Schuster):
 * a 4 KiB file header, then 64 KiB chunks, each with a 512-byte header (string and template
 * hash tables included) followed by event records. Every structure carries a CRC-32.
 *
 * File header (little-endian): 0 signature "ElfFile\0"; 8 first chunk number (u64); 16 last
 * chunk number (u64); 24 next record identifier (u64); 32 header size (u32, 128); 36 minor
 * version (u16); 38 major version (u16, 3); 40 header block size (u16, 4096); 42 number of
 * chunks (u16); 120 flags (u32: 1 dirty, 2 full); 124 CRC-32 of bytes 0-119.
 *
 * Chunk header: 0 signature "ElfChnk\0"; 8/16 first/last event record number (u64); 24/32
 * first/last event record identifier (u64); 40 header size (u32, 128); 44 offset of the last
 * record (u32); 48 free space offset (u32, end of the last record); 52 CRC-32 of the record
 * area [512, free space offset); 120 flags; 124 CRC-32 of bytes 0-119 and 128-511.
 *
 * Event record: 0 signature "**\0\0"; 4 size (u32, whole record); 8 record identifier (u64);
 * 16 written time (FILETIME); 24 Binary XML; size - 4: copy of the size.
 */
import {crc32} from './crc32.ts';

export const FILE_HEADER_SIZE = 4096;
export const CHUNK_SIZE = 65536;
export const CHUNK_HEADER_SIZE = 512;
export const RECORD_HEADER_SIZE = 24;

const FILE_SIGNATURE = Buffer.from('ElfFile\0', 'latin1');
const CHUNK_SIGNATURE = Buffer.from('ElfChnk\0', 'latin1');
const RECORD_SIGNATURE = 0x00002a2a;

/** True when `bytes` begins with the EVTX file signature "ElfFile\0". */
export function hasFileSignature(bytes: Uint8Array): boolean {
	return bytes.length >= 8 && FILE_SIGNATURE.equals(bytes.subarray(0, 8));
}

export interface FileHeader {
	nextRecordId: bigint;
	majorVersion: number;
	minorVersion: number;
	/** Chunks the header says the file holds (u16: a hint, the file size is what counts). */
	chunkCount: number;
	flags: number;
	/** Stored and computed CRC-32 of the first 120 bytes. */
	storedChecksum: number;
	computedChecksum: number;
}

/** Reads the file header; throws when the signature is not "ElfFile\0". */
export function parseFileHeader(bytes: Uint8Array): FileHeader {
	if (bytes.length < 128 || !hasFileSignature(bytes)) throw new Error('not an EVTX file (no "ElfFile" signature)');
	const view = new DataView(bytes.buffer, bytes.byteOffset, 128);
	return {
		nextRecordId: view.getBigUint64(24, true),
		minorVersion: view.getUint16(36, true),
		majorVersion: view.getUint16(38, true),
		chunkCount: view.getUint16(42, true),
		flags: view.getUint32(120, true),
		storedChecksum: view.getUint32(124, true),
		computedChecksum: crc32(bytes, 0, 120),
	};
}

export interface ChunkHeader {
	firstRecordId: bigint;
	lastRecordId: bigint;
	lastRecordOffset: number;
	freeSpaceOffset: number;
}

/**
 * What checking one chunk gave: its header, or why it cannot be used. A chunk whose header is
 * sound but whose records fail their checksum is still 'ok', with `unverified` saying so: its
 * records are walked and decoded one by one (as libevtx and python-evtx do), since the damage may
 * be a byte in one record, or the records a dirty log appended after the checksum was written.
 */
export type ChunkCheck =
	| {status: 'ok'; header: ChunkHeader; unverified?: string}
	/** All zero bytes: space the log has not used yet. */
	| {status: 'empty'}
	| {status: 'corrupt'; reason: string; header?: ChunkHeader};

const hex8 = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

/** Checks a chunk's signature, header CRC and record-area CRC (see ChunkCheck). */
export function checkChunk(chunk: Uint8Array): ChunkCheck {
	if (chunk.length < CHUNK_SIZE) return {status: 'corrupt', reason: `truncated: ${chunk.length} of ${CHUNK_SIZE} bytes`};
	if (!CHUNK_SIGNATURE.equals(chunk.subarray(0, 8))) {
		return chunk.every(b => b === 0) ? {status: 'empty'} : {status: 'corrupt', reason: 'no "ElfChnk" signature'};
	}

	const view = new DataView(chunk.buffer, chunk.byteOffset, CHUNK_HEADER_SIZE);
	const header: ChunkHeader = {
		firstRecordId: view.getBigUint64(24, true),
		lastRecordId: view.getBigUint64(32, true),
		lastRecordOffset: view.getUint32(44, true),
		freeSpaceOffset: view.getUint32(48, true),
	};
	const storedHeader = view.getUint32(124, true);
	const computedHeader = crc32(chunk, 128, CHUNK_HEADER_SIZE, crc32(chunk, 0, 120));
	if (storedHeader !== computedHeader) {
		return {status: 'corrupt', reason: `header checksum mismatch (stored ${hex8(storedHeader)}, computed ${hex8(computedHeader)})`};
	}

	if (header.freeSpaceOffset < CHUNK_HEADER_SIZE || header.freeSpaceOffset > CHUNK_SIZE) {
		return {status: 'corrupt', reason: `free space offset ${header.freeSpaceOffset} outside the chunk`, header};
	}

	const storedData = view.getUint32(52, true);
	const computedData = crc32(chunk, CHUNK_HEADER_SIZE, header.freeSpaceOffset);
	if (storedData !== computedData) {
		return {status: 'ok', header, unverified: `event records checksum mismatch (stored ${hex8(storedData)}, computed ${hex8(computedData)})`};
	}

	return {status: 'ok', header};
}

/** Where one event record's parts are inside its chunk. */
export interface RecordSpan {
	/** EventRecordID from the record header. */
	id: number;
	/** Written time, FILETIME (100 ns ticks since 1601-01-01 UTC). */
	written: bigint;
	/** Offset of the record in the chunk. */
	offset: number;
	/** Binary XML range in the chunk. */
	start: number;
	end: number;
}

/**
 * The records of a checked chunk, in order. A record whose framing is broken (signature, size
 * or trailing size copy) ends the walk with an error, since the next record cannot be found.
 */
export function* chunkRecords(chunk: Uint8Array, header: ChunkHeader): Generator<RecordSpan | {error: string; offset: number}> {
	const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
	let offset = CHUNK_HEADER_SIZE;
	while (offset + RECORD_HEADER_SIZE <= header.freeSpaceOffset) {
		if (view.getUint32(offset, true) !== RECORD_SIGNATURE) {
			yield {error: 'no "**" record signature', offset};
			return;
		}

		const size = view.getUint32(offset + 4, true);
		if (size < RECORD_HEADER_SIZE + 4 || offset + size > header.freeSpaceOffset) {
			yield {error: `record size ${size} does not fit in the chunk`, offset};
			return;
		}

		if (view.getUint32(offset + size - 4, true) !== size) {
			yield {error: 'record size and its trailing copy differ', offset};
			return;
		}

		yield {
			id: Number(view.getBigUint64(offset + 8, true)),
			written: view.getBigUint64(offset + 16, true),
			offset,
			start: offset + RECORD_HEADER_SIZE,
			end: offset + size - 4,
		};
		offset += size;
	}
}
