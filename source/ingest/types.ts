/**
 * The shapes every reader and normalizer share.
 */

/** Names of the input formats (SPEC section 3). */
export const FORMATS = ['windows-json', 'evtx', 'falcon', 'qradar', 'sshd', 'lanl', 'csv'] as const;
export type FormatName = (typeof FORMATS)[number];

/** One normalized logon attempt (SPEC section 2), as stored in the `logons` table. */
export interface Logon {
	/** Epoch ms, UTC. */
	ts: number;
	outcome: 'success' | 'failure';
	/** 4624 / 4625 where known. */
	event_id: number | null;
	logon_type: number | null;
	/** IPv4-mapped IPv6 already reduced to IPv4; '-' and '' kept as they were. */
	src_ip: string | null;
	src_port: number | null;
	src_host: string | null;
	user: string | null;
	domain: string | null;
	/** dst_host if known, else dst_ip. */
	target: string | null;
	dst_host: string | null;
	dst_ip: string | null;
	service: string | null;
	auth_package: string | null;
	log_source_type: string | null;
	/** Line (text formats) or record number (binary formats) in the file, 1-based. */
	raw_ref: number;
}

/** What a reader yields: one raw record with its position, or a record that did not parse. */
export type RawRecord =
	| {line: number; value: unknown}
	| {line: number; error: string};

/** What normalizing one raw record gives. */
export type Normalized =
	| {kind: 'logon'; logon: Logon; /** input field the time came from */ timeField?: string; /** the record stands for this many identical attempts (syslog "message repeated") */ repeat?: number}
	| {kind: 'skip'; reason: string}
	| {kind: 'reject'; reason: string};

/** Options that change how files are read. */
export interface ReadOptions {
	/** IANA zone for zone-less times (syslog, NXLog EventTime). Default UTC. */
	tz: string;
	/** Year for classic syslog timestamps that carry none. Default: the file's modification year. */
	year?: number;
	/** LANL time zero, epoch ms. */
	epoch?: number;
	/** csv: normalized field -> source column. */
	map?: Record<string, string>;
}

/** A format: how to recognise it, read it as a stream, and normalize each record. */
export interface Format {
	name: FormatName;
	/**
	 * True when the start of a file (up to 64 KiB, possibly cut mid-line) looks like this
	 * format. `head` is the decoded text; `bytes` the raw bytes (binary formats).
	 */
	sniff(head: string, bytes: Uint8Array): boolean;
	/** Streams raw records from the file. Throws InputError when the file is not this format. */
	read(file: string, options: ReadOptions): AsyncIterable<RawRecord>;
	/** Pure: one raw record to a logon, a skip (not a logon event) or a reject (bad record). */
	normalize(raw: unknown, line: number, options: ReadOptions): Normalized;
}
