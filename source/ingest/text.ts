/**
 * Streaming text: a file as numbered lines, whatever its encoding (UTF-8 with or without a BOM,
 * UTF-16 LE/BE with a BOM) and line ends (LF, CRLF), gzip-compressed or not (rotated sshd logs,
 * Falcon Data Replicator files and SIEM exports usually are). Memory holds the lines of one read
 * (256 KiB) at a time, however long the file.
 */
import fs from 'node:fs';
import {StringDecoder} from 'node:string_decoder';
import zlib from 'node:zlib';
import {InputError} from '../util/errors.ts';

export interface Line {
	/** 1-based line number in the file. */
	line: number;
	/** The line without its end (no trailing CR or LF). */
	text: string;
}

/** The encoding a file's first bytes announce; UTF-8 when there is no BOM. */
export function encodingOf(bytes: Uint8Array): {encoding: 'utf8' | 'utf16le' | 'utf16be'; bom: number} {
	if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return {encoding: 'utf8', bom: 3};
	if (bytes[0] === 0xff && bytes[1] === 0xfe) return {encoding: 'utf16le', bom: 2};
	if (bytes[0] === 0xfe && bytes[1] === 0xff) return {encoding: 'utf16be', bom: 2};
	return {encoding: 'utf8', bom: 0};
}

/** Decodes the head of a file (for sniffing) the same way `readLines` decodes the whole. */
export function decodeHead(bytes: Uint8Array): string {
	const {encoding, bom} = encodingOf(bytes);
	const body = Buffer.from(bytes.buffer, bytes.byteOffset + bom, bytes.byteLength - bom);
	if (encoding === 'utf16be') return swap16(body).toString('utf16le');
	return new StringDecoder(encoding).write(body);
}

function swap16(buffer: Buffer): Buffer {
	const even = Buffer.from(buffer.subarray(0, buffer.length - (buffer.length % 2)));
	return even.swap16();
}

/** Whether bytes start as gzip data does (RFC 1952: 1f 8b, then deflate, method 8). */
export function isGzip(bytes: Uint8Array): boolean {
	return bytes[0] === 0x1f && bytes[1] === 0x8b && bytes[2] === 8;
}

/** Whether the file is gzip-compressed. */
export function isGzipFile(file: string): boolean {
	return isGzip(readBytes(file, 0, 3));
}

/** Up to `length` bytes of an open file, from byte `position` on (fewer at its end). */
export function readAt(fd: number, position: number, length: number): Buffer {
	const buffer = Buffer.alloc(length);
	const read = fs.readSync(fd, buffer, 0, length, position);
	return buffer.subarray(0, read);
}

/** Up to `length` bytes of the file as stored, from byte `position` on (fewer at its end). */
export function readBytes(file: string, position: number, length: number): Buffer {
	const fd = fs.openSync(file, 'r');
	try {
		return readAt(fd, position, length);
	} finally {
		fs.closeSync(fd);
	}
}

/**
 * Reads the first `size` bytes of a file; of a gzip-compressed file, the first `size` bytes of what
 * it holds (as much of its start as needed, decompressed as far as it goes).
 */
export function readHead(file: string, size = 64 * 1024): Uint8Array {
	let raw = readBytes(file, 0, Math.max(size, 3));
	if (!isGzip(raw)) return raw.subarray(0, size);
	for (let want = Math.max(size, 64 * 1024); ; want *= 2) {
		raw = readBytes(file, 0, want);
		let text: Buffer;
		try {
			text = zlib.gunzipSync(raw, {finishFlush: zlib.constants.Z_SYNC_FLUSH});
		} catch (error) {
			throw gzipError(file, error);
		}

		if (text.length >= size || raw.length < want) return text.subarray(0, size);
	}
}

/**
 * The bytes a file's text takes: its size, or for a gzip-compressed file the size its trailer
 * records (modulo 4 GiB, so at least the compressed size). For decisions by size and estimates of
 * progress, not for telling files apart.
 */
export function textBytes(file: string, size: number): number {
	if (size < 18 || !isGzipFile(file)) return size;
	return Math.max(size, readBytes(file, size - 4, 4).readUInt32LE(0));
}

/** Whether an error is zlib's about its input (code Z_DATA_ERROR, Z_BUF_ERROR, ...): damaged data, not a bug. */
export function isZlibError(error: unknown): error is Error {
	const code = (error as {code?: unknown} | null)?.code;
	return typeof code === 'string' && code.startsWith('Z_');
}

/** A zlib error as one line naming the file. */
function gzipError(file: string, error: unknown): unknown {
	return isZlibError(error) ? new InputError(file, `the gzip data is damaged or cut short (${error.message})`) : error;
}

/** The file's bytes as a stream: decompressed when it is gzip-compressed, from byte `start` on. */
async function * fileBytes(file: string, start: number): AsyncGenerator<Buffer> {
	if (!isGzipFile(file)) {
		yield * fs.createReadStream(file, {start, highWaterMark: READ_BYTES}) as AsyncIterable<Buffer>;
		return;
	}

	const gunzip = zlib.createGunzip({chunkSize: READ_BYTES});
	const source = fs.createReadStream(file, {highWaterMark: READ_BYTES});
	source.on('error', error => gunzip.destroy(error));
	source.pipe(gunzip);
	let skip = start;
	try {
		for await (const chunk of gunzip as AsyncIterable<Buffer>) {
			if (skip >= chunk.length) {
				skip -= chunk.length;
				continue;
			}

			yield skip > 0 ? chunk.subarray(skip) : chunk;
			skip = 0;
		}
	} catch (error) {
		throw gzipError(file, error);
	} finally {
		source.destroy();
		gunzip.destroy();
	}
}

/** Lines in a row: `lines[0]` is line `first` (1-based) of the file; without their ends (no CR or LF). */
export interface LineChunk {
	first: number;
	lines: string[];
}

/** Bytes read at a time. */
const READ_BYTES = 256 * 1024;
/**
 * Bytes decoded into one string. V8 puts a string over 128 KiB in its large-object space, where
 * each one is mapped from the OS and faulted in page by page: a 330 MB NDJSON file decoded a read
 * (256 KiB) at a time took 1.2-1.6 s, in 64 KiB pieces 0.05-0.3 s.
 */
const DECODE_BYTES = 64 * 1024;

/**
 * Streams the lines of a text file, the whole lines of each read (256 KiB) at a time: a reader
 * that goes through them in a loop pays for one await per read rather than per line. The last
 * line is yielded even without a final newline.
 */
export async function * readLineChunks(file: string): AsyncGenerator<LineChunk> {
	const {encoding, bom} = encodingOf(readHead(file, 4));
	const stream = fileBytes(file, bom);
	const decoder = new StringDecoder(encoding === 'utf16be' ? 'utf16le' : encoding);
	let carry = '';
	let oddByte: Buffer | undefined;
	let next = 1;
	for await (const chunk of stream) {
		let bytes = chunk;
		if (encoding === 'utf16be') {
			// Swap byte pairs; an odd trailing byte waits for the next chunk.
			bytes = oddByte ? Buffer.concat([oddByte, chunk]) : chunk;
			const even = bytes.length - (bytes.length % 2);
			oddByte = even < bytes.length ? bytes.subarray(even) : undefined;
			bytes = Buffer.from(bytes.subarray(0, even)).swap16();
		}

		const lines: string[] = [];
		for (let at = 0; at < bytes.length; at += DECODE_BYTES) {
			const piece = decoder.write(bytes.subarray(at, at + DECODE_BYTES));
			// The carry holds no newline: a piece without one only lengthens it, unread, so a line of
			// many pieces is searched once, not once per piece over all of it so far.
			const first = piece.indexOf('\n');
			if (first === -1) {
				carry += piece;
				continue;
			}

			const text = carry + piece;
			let start = 0;
			for (let nl = carry.length + first; nl !== -1; nl = text.indexOf('\n', start)) {
				const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
				lines.push(text.slice(start, end));
				start = nl + 1;
			}

			carry = text.slice(start);
		}

		if (lines.length > 0) {
			yield {first: next, lines};
			next += lines.length;
		}
	}

	const rest = carry + decoder.end();
	if (rest.length > 0) yield {first: next, lines: [rest.endsWith('\r') ? rest.slice(0, -1) : rest]};
}

/** Streams the lines of a text file one at a time (readLineChunks). */
export async function * readLines(file: string): AsyncGenerator<Line> {
	for await (const {first, lines} of readLineChunks(file)) {
		for (let i = 0; i < lines.length; i++) yield {line: first + i, text: lines[i]!};
	}
}
