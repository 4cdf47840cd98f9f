/**
 * Zip archives, as logs often arrive (a triage collection of EVTX files, the OTRF security
 * datasets): the members are listed from the archive's central directory and each is extracted,
 * one at a time, to a temporary file that loads like any other file (EVTX is read by seeking, so a
 * member cannot be read as a stream). Stored and deflated members are read (node:zlib), with their
 * CRC-32 checked; encrypted members and other methods are refused by name. Zip64 sizes and offsets
 * are read. No dependency: the format's few records are read here.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {pipeline} from 'node:stream/promises';
import {Readable, Transform} from 'node:stream';
import zlib from 'node:zlib';
import {InputError} from '../util/errors.ts';
import {crc32} from './evtx/crc32.ts';
import {isZlibError, readAt, readBytes} from './text.ts';

export interface ZipMember {
	/** The member's path inside the archive, `/`-separated. */
	name: string;
	/** 0 stored, 8 deflated; anything else is refused when extracted. */
	method: number;
	encrypted: boolean;
	crc: number;
	compressedSize: number;
	size: number;
	/** Offset of the member's local header in the archive. */
	offset: number;
	/** Last modified, epoch ms, from the archive's DOS date and time (local time, read as UTC). */
	modified: number;
}

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
const END64_LOCATOR = 0x07064b50;
const END64 = 0x06064b50;

/** Whether the file starts as a zip archive does (a local header, or the end record of an empty one). */
export function isZipFile(file: string): boolean {
	const head = readBytes(file, 0, 4);
	return head.length === 4 && (head.readUInt32LE(0) === LOCAL || head.readUInt32LE(0) === END);
}

/** The members of a zip archive that are files (not folders), in the central directory's order. */
export function zipMembers(file: string): ZipMember[] {
	const fd = fs.openSync(file, 'r');
	try {
		const size = fs.fstatSync(fd).size;
		// The end record is the last 22 bytes, or earlier by a comment of up to 64 KiB.
		const tailStart = Math.max(0, size - 22 - 0xffff);
		const tail = readAt(fd, tailStart, size - tailStart);
		let at = -1;
		for (let i = tail.length - 22; i >= 0; i--) {
			if (tail.readUInt32LE(i) === END) {
				at = i;
				break;
			}
		}

		if (at < 0) throw new InputError(file, 'not a zip archive, or cut short (no end of central directory)');
		let count = tail.readUInt16LE(at + 10);
		let directorySize = tail.readUInt32LE(at + 12);
		let directoryOffset = tail.readUInt32LE(at + 16);
		// Zip64: the locator sits just before the end record and points at the zip64 end record.
		if (at >= 20 && tail.readUInt32LE(at - 20) === END64_LOCATOR) {
			const end64 = readAt(fd, Number(tail.readBigUInt64LE(at - 20 + 8)), 56);
			if (end64.length < 56 || end64.readUInt32LE(0) !== END64) throw new InputError(file, 'a damaged zip64 archive (no zip64 end record)');
			count = Number(end64.readBigUInt64LE(32));
			directorySize = Number(end64.readBigUInt64LE(40));
			directoryOffset = Number(end64.readBigUInt64LE(48));
		}

		if (directoryOffset + directorySize > size) throw new InputError(file, 'a damaged zip archive (its central directory lies past the end of the file)');
		const directory = readAt(fd, directoryOffset, directorySize);
		const members: ZipMember[] = [];
		let p = 0;
		for (let n = 0; n < count; n++) {
			if (p + 46 > directory.length || directory.readUInt32LE(p) !== CENTRAL) throw new InputError(file, `a damaged zip archive (central directory entry ${n + 1} of ${count})`);
			const flags = directory.readUInt16LE(p + 8);
			const nameLength = directory.readUInt16LE(p + 28);
			const extraLength = directory.readUInt16LE(p + 30);
			const commentLength = directory.readUInt16LE(p + 32);
			const nameBytes = directory.subarray(p + 46, p + 46 + nameLength);
			// Bit 11: the name is UTF-8; otherwise IBM code page 437, read here as Latin-1.
			const name = nameBytes.toString(flags & 0x800 ? 'utf8' : 'latin1');
			const member: ZipMember = {
				name,
				method: directory.readUInt16LE(p + 10),
				encrypted: (flags & 1) !== 0,
				crc: directory.readUInt32LE(p + 16),
				compressedSize: directory.readUInt32LE(p + 20),
				size: directory.readUInt32LE(p + 24),
				offset: directory.readUInt32LE(p + 42),
				modified: dosTime(directory.readUInt16LE(p + 14), directory.readUInt16LE(p + 12)),
			};
			readZip64(directory.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength), member);
			if (!name.endsWith('/')) members.push(member);
			p += 46 + nameLength + extraLength + commentLength;
		}

		return members;
	} finally {
		fs.closeSync(fd);
	}
}

function dosTime(date: number, time: number): number {
	return Date.UTC(1980 + (date >> 9), ((date >> 5) & 15) - 1, date & 31, time >> 11, (time >> 5) & 63, (time & 31) * 2);
}

/** Fills in the sizes and offset that the zip64 extra field holds when the 32-bit ones are full. */
function readZip64(extra: Buffer, member: ZipMember): void {
	for (let p = 0; p + 4 <= extra.length;) {
		const id = extra.readUInt16LE(p);
		const length = extra.readUInt16LE(p + 2);
		if (id === 1) {
			let q = p + 4;
			// A value the field is too short for keeps the 32-bit one (the member then fails its checks).
			const next = (fallback: number) => {
				if (q + 8 > Math.min(extra.length, p + 4 + length)) return fallback;
				const value = Number(extra.readBigUInt64LE(q));
				q += 8;
				return value;
			};

			if (member.size === 0xffffffff) member.size = next(member.size);
			if (member.compressedSize === 0xffffffff) member.compressedSize = next(member.compressedSize);
			if (member.offset === 0xffffffff) member.offset = next(member.offset);
			return;
		}

		p += 4 + length;
	}
}

/** Bytes free to an unprivileged writer in `folder`. */
function freeBytes(folder: string): number {
	const {bavail, bsize} = fs.statfsSync(folder);
	return bavail * bsize;
}

/**
 * Writes a member's bytes to `target`, checking its size and CRC-32; InputError naming the member
 * when it cannot. `free` tells the bytes free in a folder (tests give their own).
 */
export async function extractMember(file: string, member: ZipMember, target: string, free = freeBytes): Promise<void> {
	const where = `${file}/${member.name}`;
	if (member.encrypted) throw new InputError(where, 'an encrypted zip member; extract it with its password first');
	if (member.method !== 0 && member.method !== 8) throw new InputError(where, `a zip member compressed with method ${member.method}; only stored and deflated members are read (extract it with unzip or 7z first)`);
	const local = readBytes(file, member.offset, 30);
	if (local.length < 30 || local.readUInt32LE(0) !== LOCAL) throw new InputError(where, 'a damaged zip archive (no local header where the directory says)');
	const start = member.offset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);

	// Jump boxes often have a small /tmp: say so before filling it.
	const room = free(path.dirname(target));
	if (member.size > room) {
		throw new InputError(where, `extracting it needs ${sizeText(member.size)} in ${path.dirname(path.dirname(target))}, which has ${sizeText(room)} free (set TMPDIR to a folder on a larger disk)`);
	}

	let crc = 0;
	let written = 0;
	// Stops at the size the directory gives, so that a member cannot fill the disk beyond it.
	const check = new Transform({
		transform(chunk: Buffer, _encoding, done) {
			crc = crc32(chunk, 0, chunk.length, crc);
			written += chunk.length;
			done(written > member.size ? new InputError(where, `a damaged zip member (it holds more than the ${member.size} bytes the directory says)`) : null, chunk);
		},
	});
	// An empty member has no bytes to read (a read stream cannot end before it starts).
	const source = member.compressedSize === 0 ? Readable.from([]) : fs.createReadStream(file, {start, end: start + member.compressedSize - 1, highWaterMark: 256 * 1024});
	try {
		await (member.method === 8
			? pipeline(source, zlib.createInflateRaw({chunkSize: 256 * 1024}), check, fs.createWriteStream(target))
			: pipeline(source, check, fs.createWriteStream(target)));
	} catch (error) {
		if (isZlibError(error)) throw new InputError(where, `a damaged zip member (${error.message})`);
		throw error;
	}

	if (written !== member.size || crc !== member.crc) throw new InputError(where, `a damaged zip member (${written} bytes with CRC-32 ${crc.toString(16)}, the directory says ${member.size} with ${member.crc.toString(16)})`);
	// Its time, as unzip sets it: classic syslog lines take their year from it.
	const modified = new Date(member.modified);
	await fsp.utimes(target, modified, modified);
}

/** `12 KB`, `340 MB`, `7.5 GB`. */
function sizeText(bytes: number): string {
	if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
	return bytes >= 1e6 ? `${Math.round(bytes / 1e6)} MB` : `${Math.ceil(bytes / 1e3)} KB`;
}

/** A fresh folder for extracted members (in $TMPDIR, else the system's), removed by the returned function. */
export async function scratchFolder(): Promise<{dir: string; remove: () => Promise<void>}> {
	const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'lateral-zip-'));
	return {dir, remove: () => fsp.rm(dir, {recursive: true, force: true})};
}
