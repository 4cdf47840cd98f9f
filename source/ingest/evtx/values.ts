/**
 * Binary XML value types (MS-EVEN6 2.2.x "Value type", libevtx "Value types") rendered as text
 * the way the reference decoders (libevtx `evtxexport`, Event Viewer) print them, so an oracle
 * comparison needs no translation: hex integers as 0x%08x / 0x%016x, GUIDs upper-case in braces,
 * booleans `true`/`false`, FILETIME/SYSTEMTIME as ISO 8601 UTC with nine fraction digits.
 */

/** Value type codes; `ARRAY` is or-ed onto a base type for arrays. */
export const ValueType = {
	Null: 0x00,
	WString: 0x01,
	String: 0x02,
	Int8: 0x03,
	UInt8: 0x04,
	Int16: 0x05,
	UInt16: 0x06,
	Int32: 0x07,
	UInt32: 0x08,
	Int64: 0x09,
	UInt64: 0x0a,
	Real32: 0x0b,
	Real64: 0x0c,
	Bool: 0x0d,
	Binary: 0x0e,
	Guid: 0x0f,
	SizeT: 0x10,
	FileTime: 0x11,
	SystemTime: 0x12,
	Sid: 0x13,
	HexInt32: 0x14,
	HexInt64: 0x15,
	EvtHandle: 0x20,
	BinXml: 0x21,
	EvtXml: 0x23,
	ARRAY: 0x80,
} as const;

/** Seconds between 1601-01-01 (FILETIME epoch) and 1970-01-01. */
const FILETIME_UNIX_OFFSET_S = 11_644_473_600n;

/** A FILETIME (100 ns ticks since 1601-01-01 UTC) as epoch ms, UTC (sub-ms truncated). */
export function filetimeToMs(ticks: bigint): number {
	return Number(ticks / 10_000n - FILETIME_UNIX_OFFSET_S * 1000n);
}

/** A FILETIME as `YYYY-MM-DDTHH:MM:SS.fffffff00Z` (libevtx's rendering; exact to 100 ns). */
export function formatFiletime(ticks: bigint): string {
	const seconds = ticks / 10_000_000n;
	const fraction = ticks % 10_000_000n;
	const date = new Date(Number((seconds - FILETIME_UNIX_OFFSET_S) * 1000n));
	return `${date.toISOString().slice(0, 19)}.${fraction.toString().padStart(7, '0')}00Z`;
}

const pad = (n: number, width: number) => n.toString().padStart(width, '0');

const hex = (n: bigint | number, width: number) => `0x${n.toString(16).padStart(width, '0')}`;

/** Little-endian UTF-16 to a JS string, cut at the first NUL (values often carry a terminator). */
export function utf16(bytes: Uint8Array, start: number, byteLength: number): string {
	const end = start + (byteLength & ~1);
	let stop = start;
	while (stop < end && (bytes[stop] !== 0 || bytes[stop + 1] !== 0)) stop += 2;
	return Buffer.from(bytes.buffer, bytes.byteOffset + start, stop - start).toString('utf16le');
}

/** Single-byte ("ANSI") string; decoded as Latin-1, the common subset of the Windows code pages. */
function ansi(bytes: Uint8Array, start: number, byteLength: number): string {
	let stop = start;
	while (stop < start + byteLength && bytes[stop] !== 0) stop++;
	return Buffer.from(bytes.buffer, bytes.byteOffset + start, stop - start).toString('latin1');
}

function guid(bytes: Uint8Array, at: number): string {
	// Data1..Data3 little-endian, Data4 as stored.
	const view = new DataView(bytes.buffer, bytes.byteOffset + at, 16);
	const h = (n: number, w: number) => n.toString(16).padStart(w, '0');
	const tail = [...bytes.subarray(at + 8, at + 16)].map(b => h(b, 2)).join('');
	return `{${h(view.getUint32(0, true), 8)}-${h(view.getUint16(4, true), 4)}-${h(view.getUint16(6, true), 4)}-${tail.slice(0, 4)}-${tail.slice(4)}}`.toUpperCase();
}

/** A SID as S-R-A-S1-...; checkValue has made sure its sub-authorities fit in the value. */
function sid(bytes: Uint8Array, at: number): string {
	const revision = bytes[at]!;
	const count = bytes[at + 1]!;
	let authority = 0;
	for (let i = 0; i < 6; i++) authority = authority * 256 + bytes[at + 2 + i]!;
	const view = new DataView(bytes.buffer, bytes.byteOffset + at + 8, 4 * count);
	const parts = [`S-${revision}-${authority}`];
	for (let i = 0; i < count; i++) parts.push(String(view.getUint32(4 * i, true)));
	return parts.join('-');
}

function systemtime(view: DataView, at: number): string {
	const f = (i: number) => view.getUint16(at + 2 * i, true);
	// Fields: year, month, day of week, day, hour, minute, second, milliseconds.
	return `${pad(f(0), 4)}-${pad(f(1), 2)}-${pad(f(3), 2)}T${pad(f(4), 2)}:${pad(f(5), 2)}:${pad(f(6), 2)}.${pad(f(7), 3)}000000Z`;
}

/** Fixed byte size of a base type, or 0 for variable-size types. */
function fixedSize(type: number): number {
	switch (type) {
		case ValueType.Int8:
		case ValueType.UInt8:
			return 1;
		case ValueType.Int16:
		case ValueType.UInt16:
			return 2;
		case ValueType.Int32:
		case ValueType.UInt32:
		case ValueType.Real32:
		case ValueType.Bool:
		case ValueType.HexInt32:
			return 4;
		case ValueType.Int64:
		case ValueType.UInt64:
		case ValueType.Real64:
		case ValueType.FileTime:
		case ValueType.HexInt64:
			return 8;
		case ValueType.Guid:
		case ValueType.SystemTime:
			return 16;
		default:
			return 0;
	}
}

/** The item size of a fixed-size array of `base` (0: not an array type this decoder knows). */
function arrayItemSize(base: number, size: number): number {
	return base === ValueType.SizeT ? (size % 8 === 0 ? 8 : 4) : fixedSize(base);
}

/**
 * Throws when the value of `type` in `bytes[start, start + size)` cannot be rendered (wrong size,
 * unknown type), with the message decodeValue would give; BinXml (0x21) counts as unknown here.
 * A reader that skips the values it does not need checks them with this, so that a record it
 * keeps is one decodeValue would have decoded whole.
 */
export function checkValue(type: number, bytes: Uint8Array, start: number, size: number): void {
	if (start < 0 || size < 0 || start + size > bytes.length) throw new Error(`value of type 0x${type.toString(16)} runs past the end of its data`);
	if (type & ValueType.ARRAY) {
		const base = type & ~ValueType.ARRAY;
		if (base === ValueType.WString || base === ValueType.String) return;
		const item = arrayItemSize(base, size);
		if (!item) throw new Error(`unsupported array value type 0x${type.toString(16)}`);
		if (size % item !== 0) throw new Error(`array of type 0x${type.toString(16)}: ${size} bytes is not a multiple of ${item}`);
		return;
	}

	const need = fixedSize(type);
	if (need && size < need) throw new Error(`value of type 0x${type.toString(16)} needs ${need} bytes, has ${size}`);
	switch (type) {
		case ValueType.Sid: {
			if (size < 8) throw new Error(`SID of ${size} bytes is too short`);
			const count = bytes[start + 1]!;
			if (8 + 4 * count > size) throw new Error(`SID with ${count} sub-authorities does not fit in ${size} bytes`);
			return;
		}

		case ValueType.SizeT:
			if (size !== 4 && size !== 8) throw new Error(`size_t value of ${size} bytes`);
			return;
		case ValueType.Null:
		case ValueType.WString:
		case ValueType.String:
		case ValueType.Binary:
		case ValueType.EvtHandle:
		case ValueType.EvtXml:
			return;
		default:
			if (!need) throw new Error(`unsupported value type 0x${type.toString(16)}`);
	}
}

/**
 * Renders one value of `type` stored in `bytes[start, start + size)`. Arrays come back as one
 * string per item. Throws on a value that cannot be of its type (checkValue); BinXml (0x21) is
 * not handled here: the Binary XML parser expands it in place.
 */
export function decodeValue(type: number, bytes: Uint8Array, start: number, size: number): string | string[] {
	checkValue(type, bytes, start, size);
	if (type & ValueType.ARRAY) return decodeArray(type & ~ValueType.ARRAY, bytes, start, size);
	// Strings, most values by far, before the view (an object per call).
	if (type === ValueType.WString) return utf16(bytes, start, size);
	if (type === ValueType.String) return ansi(bytes, start, size);
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	switch (type) {
		case ValueType.Int8:
			return String(view.getInt8(start));
		case ValueType.UInt8:
			return String(view.getUint8(start));
		case ValueType.Int16:
			return String(view.getInt16(start, true));
		case ValueType.UInt16:
			return String(view.getUint16(start, true));
		case ValueType.Int32:
			return String(view.getInt32(start, true));
		case ValueType.UInt32:
			return String(view.getUint32(start, true));
		case ValueType.Int64:
			return String(view.getBigInt64(start, true));
		case ValueType.UInt64:
			return String(view.getBigUint64(start, true));
		case ValueType.Real32:
			return String(view.getFloat32(start, true));
		case ValueType.Real64:
			return String(view.getFloat64(start, true));
		case ValueType.Bool:
			return view.getUint32(start, true) === 0 ? 'false' : 'true';
		case ValueType.Binary:
		case ValueType.EvtHandle:
		case ValueType.EvtXml:
			return Buffer.from(bytes.buffer, bytes.byteOffset + start, size).toString('hex').toUpperCase();
		case ValueType.Guid:
			return guid(bytes, start);
		case ValueType.SizeT:
			return size === 4 ? hex(view.getUint32(start, true), 8) : hex(view.getBigUint64(start, true), 16);
		case ValueType.FileTime:
			return formatFiletime(view.getBigUint64(start, true));
		case ValueType.SystemTime:
			return systemtime(view, start);
		case ValueType.Sid:
			return sid(bytes, start);
		case ValueType.HexInt32:
			return hex(view.getUint32(start, true), 8);
		case ValueType.HexInt64:
			return hex(view.getBigUint64(start, true), 16);
		default:
			// Null (checkValue lets no other type through).
			return '';
	}
}

function decodeArray(base: number, bytes: Uint8Array, start: number, size: number): string[] {
	if (base === ValueType.WString) {
		// NUL-terminated UTF-16 strings one after another.
		const out: string[] = [];
		let at = start;
		const end = start + (size & ~1);
		while (at < end) {
			let stop = at;
			while (stop < end && (bytes[stop] !== 0 || bytes[stop + 1] !== 0)) stop += 2;
			out.push(Buffer.from(bytes.buffer, bytes.byteOffset + at, stop - at).toString('utf16le'));
			at = stop + 2;
		}

		return out;
	}

	if (base === ValueType.String) {
		const out: string[] = [];
		let at = start;
		while (at < start + size) {
			let stop = at;
			while (stop < start + size && bytes[stop] !== 0) stop++;
			out.push(Buffer.from(bytes.buffer, bytes.byteOffset + at, stop - at).toString('latin1'));
			at = stop + 1;
		}

		return out;
	}

	const item = arrayItemSize(base, size);
	const out: string[] = [];
	for (let at = start; at < start + size; at += item) out.push(decodeValue(base, bytes, at, item) as string);
	return out;
}
