/**
 * Builds EVTX bytes by hand for tests: Binary XML (elements, attributes, text, substitutions,
 * template definitions and instances), records, chunks with correct CRCs, and whole files.
 * Written from the format description (see source/ingest/evtx/chunk.ts), independently of the
 * reader, so a test can state exactly what the bytes hold.
 */
import {crc32} from '../../source/ingest/evtx/crc32.ts';

/** A growable little-endian byte writer that knows the chunk offset of its first byte. */
export class Writer {
	private bytes: number[] = [];
	constructor(readonly base: number) {}
	/** Chunk offset of the next byte. */
	get pos(): number {
		return this.base + this.bytes.length;
	}

	get length(): number {
		return this.bytes.length;
	}

	u8(n: number) {
		this.bytes.push(n & 0xff);
		return this;
	}

	u16(n: number) {
		return this.u8(n).u8(n >>> 8);
	}

	u32(n: number) {
		return this.u16(n & 0xffff).u16(n >>> 16);
	}

	u64(n: bigint) {
		for (let i = 0n; i < 8n; i++) this.u8(Number((n >> (8n * i)) & 0xffn));
		return this;
	}

	raw(bytes: ArrayLike<number>) {
		for (let i = 0; i < bytes.length; i++) this.bytes.push(bytes[i]!);
		return this;
	}

	/** UTF-16LE characters, no terminator. */
	utf16(s: string) {
		return this.raw(Buffer.from(s, 'utf16le'));
	}

	/** Overwrites a u32 at a byte index of this writer (for sizes known only later). */
	patch32(index: number, n: number) {
		for (let i = 0; i < 4; i++) this.bytes[index + i] = (n >>> (8 * i)) & 0xff;
	}

	toBytes(): Uint8Array {
		return Uint8Array.from(this.bytes);
	}
}

/** A template (or plain fragment) node to write. */
export type BNode =
	| {el: string; attrs?: Array<[string, BNode[]]>; children?: BNode[]; noDependencyId?: boolean}
	| {text: string}
	| {sub: number; type: number; optional?: boolean}
	| {charRef: number}
	| {entity: string};

/** Per-chunk state: where names and template definitions were already written. */
export class ChunkState {
	names = new Map<string, number>();
	templates = new Map<string, number>();
}

function writeName(w: Writer, state: ChunkState, name: string, offsetAt: number) {
	const known = state.names.get(name);
	if (known !== undefined) return known;
	// Inline: the offset field points just past itself, where the name structure follows.
	const here = offsetAt + 4;
	state.names.set(name, here);
	return here;
}

function nameStruct(w: Writer, name: string) {
	w.u32(0).u16(0).u16(name.length).utf16(name).u16(0);
}

/** Writes nodes as Binary XML tokens. */
export function writeNodes(w: Writer, state: ChunkState, nodes: BNode[]) {
	for (const node of nodes) {
		if ('el' in node) {
			const attrs = node.attrs ?? [];
			w.u8(attrs.length ? 0x41 : 0x01);
			if (!node.noDependencyId) w.u16(0xffff);
			const sizeAt = w.length;
			w.u32(0);
			const offset = writeName(w, state, node.el, w.pos);
			w.u32(offset);
			if (offset === w.pos) nameStruct(w, node.el);
			if (attrs.length) {
				const listAt = w.length;
				w.u32(0);
				attrs.forEach(([name, value], i) => {
					w.u8(i < attrs.length - 1 ? 0x46 : 0x06);
					const at = writeName(w, state, name, w.pos);
					w.u32(at);
					if (at === w.pos) nameStruct(w, name);
					writeNodes(w, state, value);
				});
				w.patch32(listAt, w.length - listAt - 4);
			}

			if (node.children === undefined) {
				w.u8(0x03);
			} else {
				w.u8(0x02);
				writeNodes(w, state, node.children);
				w.u8(0x04);
			}

			w.patch32(sizeAt, w.length - sizeAt - 4);
		} else if ('text' in node) {
			w.u8(0x05).u8(0x01).u16(node.text.length).utf16(node.text);
		} else if ('sub' in node) {
			w.u8(node.optional ? 0x0e : 0x0d).u16(node.sub).u8(node.type);
		} else if ('charRef' in node) {
			w.u8(0x08).u16(node.charRef);
		} else {
			w.u8(0x09);
			const at = writeName(w, state, node.entity, w.pos);
			w.u32(at);
			if (at === w.pos) nameStruct(w, node.entity);
		}
	}
}

/** A substitution value: its type and a function writing its bytes at the writer's position. */
export interface BValue {
	type: number;
	write: (w: Writer, state: ChunkState) => void;
}

/**
 * Writes a template instance (token 0x0c). The first use of `key` in a chunk stores the
 * definition inline; later uses point back at it. Values follow the MS-EVEN6 layout.
 */
export function writeTemplateInstance(w: Writer, state: ChunkState, key: string, body: BNode[], values: BValue[]) {
	w.u8(0x0c).u8(0x01).u32(0x1234);
	const known = state.templates.get(key);
	if (known === undefined) {
		const defAt = w.pos + 4;
		state.templates.set(key, defAt);
		w.u32(defAt);
		w.u32(0).raw(new Uint8Array(16).fill(0xab));
		const sizeAt = w.length;
		w.u32(0);
		w.u8(0x0f).u8(1).u8(1).u8(0);
		writeNodes(w, state, body);
		w.u8(0x00);
		w.patch32(sizeAt, w.length - sizeAt - 4);
	} else {
		w.u32(known);
	}

	// Sizes first: write each value once into a scratch writer at its final position.
	w.u32(values.length);
	const descriptorsAt = w.length;
	for (let i = 0; i < values.length; i++) w.u32(0);
	for (let i = 0; i < values.length; i++) {
		const value = values[i]!;
		const start = w.length;
		value.write(w, state);
		const size = w.length - start;
		w.patch32(descriptorsAt + 4 * i, (size & 0xffff) | (value.type << 16));
	}
}

// ---- value helpers ------------------------------------------------------------------------------

export const v = {
	null: (): BValue => ({type: 0x00, write: () => {}}),
	wstr: (s: string): BValue => ({type: 0x01, write: w => void w.utf16(s)}),
	ansi: (s: string): BValue => ({type: 0x02, write: w => void w.raw(Buffer.from(s, 'latin1'))}),
	u8: (n: number): BValue => ({type: 0x04, write: w => void w.u8(n)}),
	u16: (n: number): BValue => ({type: 0x06, write: w => void w.u16(n)}),
	u32: (n: number): BValue => ({type: 0x08, write: w => void w.u32(n)}),
	u64: (n: bigint): BValue => ({type: 0x0a, write: w => void w.u64(n)}),
	hex32: (n: number): BValue => ({type: 0x14, write: w => void w.u32(n)}),
	hex64: (n: bigint): BValue => ({type: 0x15, write: w => void w.u64(n)}),
	filetime: (iso: string, extraTicks = 0n): BValue => ({type: 0x11, write: w => void w.u64(isoToFiletime(iso) + extraTicks)}),
	sid: (text: string): BValue => ({type: 0x13, write: w => void w.raw(sidBytes(text))}),
	guid: (text: string): BValue => ({type: 0x0f, write: w => void w.raw(guidBytes(text))}),
	/** A nested Binary XML value: a fragment holding one template instance. */
	binxml: (key: string, body: BNode[], values: BValue[]): BValue => ({
		type: 0x21,
		write(w, state) {
			w.u8(0x0f).u8(1).u8(1).u8(0);
			writeTemplateInstance(w, state, key, body, values);
			w.u8(0x00);
		},
	}),
};

export function isoToFiletime(iso: string): bigint {
	return (BigInt(Date.parse(iso)) + 11_644_473_600_000n) * 10_000n;
}

export function sidBytes(text: string): Uint8Array {
	const [, rev, auth, ...subs] = text.split('-');
	const w = new Writer(0).u8(Number(rev)).u8(subs.length);
	const a = BigInt(auth!);
	for (let i = 5n; i >= 0n; i--) w.u8(Number((a >> (8n * i)) & 0xffn));
	for (const s of subs) w.u32(Number(s));
	return w.toBytes();
}

export function guidBytes(text: string): Uint8Array {
	const h = text.replace(/[{}-]/g, '');
	const w = new Writer(0).u32(Number.parseInt(h.slice(0, 8), 16)).u16(Number.parseInt(h.slice(8, 12), 16)).u16(Number.parseInt(h.slice(12, 16), 16));
	w.raw(Buffer.from(h.slice(16), 'hex'));
	return w.toBytes();
}

// ---- a Security logon event ---------------------------------------------------------------------

const SYSTEM_BODY: BNode[] = [{
	el: 'Event',
	attrs: [['xmlns', [{text: 'http://schemas.microsoft.com/win/2004/08/events/event'}]]],
	children: [
		{el: 'System', children: [
			{el: 'Provider', attrs: [['Name', [{sub: 0, type: 0x01, optional: true}]], ['Guid', [{sub: 1, type: 0x0f, optional: true}]]]},
			{el: 'EventID', children: [{sub: 2, type: 0x06}]},
			{el: 'TimeCreated', attrs: [['SystemTime', [{sub: 3, type: 0x11, optional: true}]]]},
			{el: 'EventRecordID', children: [{sub: 4, type: 0x0a, optional: true}]},
			{el: 'Correlation', attrs: [['ActivityID', [{sub: 5, type: 0x0f, optional: true}]]]},
			{el: 'Channel', children: [{sub: 6, type: 0x01, optional: true}]},
			{el: 'Computer', children: [{sub: 7, type: 0x01}]},
			{el: 'Security', attrs: [['UserID', [{sub: 8, type: 0x13, optional: true}]]]},
		]},
		{sub: 9, type: 0x21, optional: true},
	],
}];

const LOGON_FIELDS = ['TargetUserSid', 'TargetUserName', 'TargetDomainName', 'TargetLogonId', 'LogonType', 'WorkstationName', 'IpAddress', 'IpPort'] as const;

const LOGON_BODY: BNode[] = [{
	el: 'EventData',
	children: LOGON_FIELDS.map((name, i) => ({el: 'Data', attrs: [['Name', [{text: name}]]] as Array<[string, BNode[]]>, children: [{sub: i, type: 0x01}]})),
}];

export interface LogonSpec {
	id: number;
	eventId?: number;
	time: string;
	user: string;
	domain?: string;
	logonType?: number;
	ip?: string;
	port?: number;
	workstation?: string;
	computer?: string;
}

/** The Binary XML of a Security 4624/4625 record, as Windows lays it out (two templates). */
export function writeLogonEvent(w: Writer, state: ChunkState, spec: LogonSpec) {
	w.u8(0x0f).u8(1).u8(1).u8(0);
	writeTemplateInstance(w, state, 'system', SYSTEM_BODY, [
		v.wstr('Microsoft-Windows-Security-Auditing'),
		v.guid('{54849625-5478-4994-A5BA-3E3B0328C30D}'),
		v.u16(spec.eventId ?? 4624),
		v.filetime(spec.time),
		v.u64(BigInt(spec.id)),
		v.null(),
		v.wstr('Security'),
		v.wstr(spec.computer ?? 'HOST1.example.corp'),
		v.null(),
		v.binxml('logon', LOGON_BODY, [
			v.sid('S-1-5-21-1-2-3-500'),
			v.wstr(spec.user),
			v.wstr(spec.domain ?? 'EXAMPLE'),
			v.wstr('0x1'),
			v.wstr(String(spec.logonType ?? 3)),
			spec.workstation === undefined ? v.null() : v.wstr(spec.workstation),
			v.wstr(spec.ip ?? '10.0.0.5'),
			v.wstr(String(spec.port ?? 49_152)),
		]),
	]);
	w.u8(0x00);
}

// ---- records, chunks, files ---------------------------------------------------------------------

export const CHUNK = 65_536;

/** One chunk holding the given logon records, with correct header and data CRCs. */
export function buildChunk(specs: LogonSpec[], chunkNumber = 0): Uint8Array {
	const chunk = new Uint8Array(CHUNK);
	const state = new ChunkState();
	let offset = 512;
	let last = 512;
	for (const spec of specs) {
		const w = new Writer(offset + 24);
		writeLogonEvent(w, state, spec);
		const body = w.toBytes();
		const size = 24 + body.length + 4;
		if (offset + size > CHUNK) throw new Error('records do not fit in one chunk');
		const r = new Writer(0).u32(0x2a2a).u32(size).u64(BigInt(spec.id)).u64(isoToFiletime(spec.time)).raw(body).u32(size);
		chunk.set(r.toBytes(), offset);
		last = offset;
		offset += size;
	}

	const view = new DataView(chunk.buffer);
	chunk.set(Buffer.from('ElfChnk\0', 'latin1'), 0);
	const first = BigInt(specs[0]?.id ?? 0);
	const lastId = BigInt(specs.at(-1)?.id ?? 0);
	view.setBigUint64(8, first, true);
	view.setBigUint64(16, lastId, true);
	view.setBigUint64(24, first, true);
	view.setBigUint64(32, lastId, true);
	view.setUint32(40, 128, true);
	view.setUint32(44, last, true);
	view.setUint32(48, offset, true);
	view.setUint32(52, crc32(chunk, 512, offset), true);
	view.setUint32(120, chunkNumber, true);
	view.setUint32(124, crc32(chunk, 128, 512, crc32(chunk, 0, 120)), true);
	return chunk;
}

/** A whole EVTX file: header (with CRC) and the chunks. */
export function buildFile(chunks: Uint8Array[]): Uint8Array {
	const header = new Uint8Array(4096);
	const view = new DataView(header.buffer);
	header.set(Buffer.from('ElfFile\0', 'latin1'), 0);
	view.setBigUint64(16, BigInt(Math.max(0, chunks.length - 1)), true);
	view.setUint32(32, 128, true);
	view.setUint16(36, 1, true);
	view.setUint16(38, 3, true);
	view.setUint16(40, 4096, true);
	view.setUint16(42, chunks.length, true);
	view.setUint32(124, crc32(header, 0, 120), true);
	return Buffer.concat([header, ...chunks]);
}
