/**
 * Which format a file is in: each reader sniffs the first 64 KiB, most specific first (binary
 * EVTX, then the JSON dialects by their telltale keys, then text formats).
 */
import {InputError} from '../util/errors.ts';
import {csvMapFormat} from './csv-map.ts';
import {evtxFormat} from './evtx/index.ts';
import {falconFormat} from './falcon.ts';
import {lanlFormat} from './lanl.ts';
import {qradarFormat} from './qradar.ts';
import {sshdFormat} from './sshd.ts';
import {decodeHead, readHead} from './text.ts';
import type {Format, FormatName} from './types.ts';
import {windowsJsonFormat} from './windows-json.ts';

/**
 * Readers in sniffing order. Falcon and QRadar before windows-json: their keys are more specific.
 * LANL auth.txt is recognised by its nine-field lines ending in an orientation and a result.
 */
const READERS: Format[] = [evtxFormat, falconFormat, qradarFormat, windowsJsonFormat, lanlFormat, sshdFormat];

/** Formats never detected, only chosen: csv needs its --map. */
const BY_NAME_ONLY: Format[] = [csvMapFormat];

/** The reader for a format name; InputError for a name no reader has. */
export function formatByName(name: FormatName, file = ''): Format {
	const format = READERS.find(f => f.name === name) ?? BY_NAME_ONLY.find(f => f.name === name);
	if (format) return format;
	throw new InputError(file, `unknown format ${name}`);
}

/** The first reader whose sniff accepts this head of a file, if any. */
export function sniffFormat(head: Uint8Array): Format | undefined {
	const text = decodeHead(head);
	return READERS.find(f => f.sniff(text, head));
}

/**
 * Archives and compressions lateral does not open itself, by their first bytes (a tar archive by
 * `ustar` at byte 257, also inside gzip), with the command that opens them.
 */
const PACKED: Array<{what: string; how: string; test: (head: Uint8Array) => boolean}> = [
	{what: 'a tar archive', how: 'tar -xf FILE', test: h => Buffer.from(h.subarray(257, 262)).toString('latin1') === 'ustar'},
	{what: 'a 7-Zip archive', how: '7z x FILE', test: h => Buffer.from(h.subarray(0, 6)).equals(Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]))},
	{what: 'a RAR archive', how: 'unrar x FILE', test: h => Buffer.from(h.subarray(0, 4)).toString('latin1') === 'Rar!'},
	{what: 'a bzip2-compressed file', how: 'bunzip2 -k FILE', test: h => Buffer.from(h.subarray(0, 3)).toString('latin1') === 'BZh'},
	{what: 'an xz-compressed file', how: 'unxz -k FILE', test: h => Buffer.from(h.subarray(0, 6)).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))},
	{what: 'a zstd-compressed file', how: 'unzstd FILE', test: h => Buffer.from(h.subarray(0, 4)).equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))},
];

/** Detects the format of `file` from its first 64 KiB; InputError with one clear line when none fits. */
export async function detectFormat(file: string): Promise<Format> {
	const head = readHead(file);
	if (head.length === 0) throw new InputError(file, 'empty file');
	const format = sniffFormat(head);
	if (format) return format;
	const packed = PACKED.find(p => p.test(head));
	if (packed) throw new InputError(file, `${packed.what}: extract it first (${packed.how}) and load what it holds`);
	const looksBinary = head.subarray(0, 4096).includes(0) && !decodeHead(head).trim().startsWith('{');
	const names = READERS.map(f => f.name).join(', ');
	throw new InputError(file, `${looksBinary ? 'binary data, ' : ''}not a recognised logon format (tried ${names}); use --format to force one`);
}
