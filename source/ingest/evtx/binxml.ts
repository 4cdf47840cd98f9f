/**
 * Binary XML (MS-EVEN6 section 2.2.12; libevtx "Binary XML") as stored in EVTX chunks.
 *
 * A record's Binary XML is a fragment that is usually one template instance: a reference to (or
 * an inline copy of) a template definition, the element tree of the event with numbered
 * substitution slots, followed by the values for those slots. Definitions are parsed once per
 * chunk and cached by their chunk offset; names (element and attribute) likewise. All offsets in
 * Binary XML are relative to the start of the 64 KiB chunk, so the parser works on the whole
 * chunk buffer and a record is a range inside it.
 */
import {decodeValue, utf16, ValueType} from './values.ts';

/** One XML element as decoded: attributes in order, children elements and text. */
export interface XmlElement {
	name: string;
	attrs: Record<string, string>;
	children: Array<XmlElement | string>;
}

/** Binary XML tokens (the 0x40 bit on some marks "has attributes" / "more follows"). */
const Token = {
	EndOfFragment: 0x00,
	OpenStartElement: 0x01,
	CloseStartElement: 0x02,
	CloseEmptyElement: 0x03,
	EndElement: 0x04,
	Value: 0x05,
	Attribute: 0x06,
	CDataSection: 0x07,
	CharRef: 0x08,
	EntityRef: 0x09,
	PITarget: 0x0a,
	PIData: 0x0b,
	TemplateInstance: 0x0c,
	NormalSubstitution: 0x0d,
	OptionalSubstitution: 0x0e,
	FragmentHeader: 0x0f,
} as const;

const MORE = 0x40;

/** Deepest element / embedded-fragment nesting accepted (real events nest about 6 deep). */
const MAX_DEPTH = 64;
/** Most substitution values one template instance may carry. */
const MAX_VALUES = 8192;

/** A template (or plain fragment) node before its substitutions are filled in. */
export type Node =
	| {k: 'el'; name: string; attrs: Attr[]; children: Node[]}
	| {k: 'text'; text: string}
	| Sub
	| {k: 'inst'; body: Node[]; values: Value[]};

export interface Sub {
	k: 'sub';
	index: number;
	/** Optional substitutions render nothing (attributes: are dropped) when the value is null or empty. */
	optional: boolean;
}

export interface Attr {
	name: string;
	parts: Array<{k: 'text'; text: string} | Sub>;
}

/** A substitution value: its type and where its bytes are in the chunk. */
export interface Value {
	type: number;
	start: number;
	size: number;
}

const ENTITIES: Record<string, string> = {amp: '&', lt: '<', gt: '>', quot: '"', apos: "'"};

/** Thrown for Binary XML that cannot be decoded; the message says what and where (chunk offset). */
export class BinXmlError extends Error {
	override name = 'BinXmlError';
}

/**
 * Decodes the Binary XML of one chunk. Create one per chunk: it caches template definitions and
 * names by chunk offset, which are only meaningful inside that chunk.
 */
export class ChunkBinXml {
	private readonly view: DataView;
	private readonly names = new Map<number, string>();
	private readonly templates = new Map<number, Node[]>();
	private pos = 0;
	private depth = 0;

	/** `chunk` is the whole chunk (offsets in Binary XML count from its first byte). */
	constructor(private readonly chunk: Uint8Array) {
		this.view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
	}

	/** Number of template definitions parsed so far in this chunk. */
	get templateCount(): number {
		return this.templates.size;
	}

	/** Decodes the fragment in `[start, end)` (a record's event data) to its root element. */
	decode(start: number, end: number): XmlElement {
		const out = this.resolve(this.fragment(start, end), []);
		const roots = out.filter((x): x is XmlElement => typeof x !== 'string');
		if (roots.length !== 1) throw new BinXmlError(`expected one root element, found ${roots.length}`);
		return roots[0]!;
	}

	/**
	 * The template instance the fragment in `[start, end)` consists of: its definition's nodes and
	 * its values, not filled in; undefined when the fragment holds anything else besides (a plain
	 * element, a second instance). Throws what decode would on a fragment that cannot be read.
	 */
	instance(start: number, end: number): {body: Node[]; values: Value[]} | undefined {
		const nodes = this.fragment(start, end);
		const only = nodes.length === 1 ? nodes[0]! : undefined;
		return only?.k === 'inst' ? {body: only.body, values: only.values} : undefined;
	}

	/** The chunk's bytes (values' start offsets count from its first byte). */
	get bytes(): Uint8Array {
		return this.chunk;
	}

	// ---- reading ------------------------------------------------------------------------------

	private fail(what: string, at = this.pos): never {
		throw new BinXmlError(`${what} at chunk offset ${at}`);
	}

	private need(at: number, bytes: number, end = this.chunk.length) {
		if (at < 0 || at + bytes > end) this.fail(`data runs past its end (need ${bytes} bytes)`, at);
	}

	private u8(at: number): number {
		this.need(at, 1);
		return this.chunk[at]!;
	}

	private u16(at: number): number {
		this.need(at, 2);
		return this.view.getUint16(at, true);
	}

	private u32(at: number): number {
		this.need(at, 4);
		return this.view.getUint32(at, true);
	}

	/** A fragment: tokens up to the end-of-fragment token or `end`. */
	private fragment(start: number, end: number): Node[] {
		const saved = this.pos;
		this.pos = start;
		try {
			return this.content(end, false);
		} finally {
			this.pos = saved;
		}
	}

	/** Children up to EndElement (inside an element) or end of fragment. */
	private content(end: number, inElement: boolean): Node[] {
		const out: Node[] = [];
		while (this.pos < end) {
			const at = this.pos;
			const token = this.u8(at);
			switch (token) {
				case Token.EndOfFragment:
					// Some writers end the fragment without closing every element: close them here.
					if (!inElement) this.pos++;
					return out;
				case Token.EndElement:
					if (!inElement) this.fail('end of element outside any element');
					this.pos++;
					return out;
				case Token.FragmentHeader:
					this.need(at, 4, end);
					this.pos += 4;
					break;
				case Token.OpenStartElement:
				case Token.OpenStartElement | MORE:
					out.push(this.element(end));
					break;
				case Token.Value:
				case Token.Value | MORE:
					out.push({k: 'text', text: this.valueText(end)});
					break;
				case Token.CDataSection:
				case Token.CDataSection | MORE: {
					const count = this.u16(at + 1);
					this.need(at + 3, 2 * count, end);
					out.push({k: 'text', text: utf16(this.chunk, at + 3, 2 * count)});
					this.pos = at + 3 + 2 * count;
					break;
				}

				case Token.CharRef:
				case Token.CharRef | MORE:
				case Token.EntityRef:
				case Token.EntityRef | MORE:
					out.push({k: 'text', text: this.reference(end)});
					break;
				case Token.PITarget: {
					// Processing instructions carry nothing an event needs: read past them.
					this.pos = at + 5;
					this.name(this.u32(at + 1));
					if (this.pos < end && this.u8(this.pos) === Token.PIData) {
						const count = this.u16(this.pos + 1);
						this.pos += 3 + 2 * count;
					}

					break;
				}

				case Token.TemplateInstance:
					out.push(this.templateInstance(end));
					break;
				case Token.NormalSubstitution:
				case Token.OptionalSubstitution:
					out.push(this.substitution(end));
					break;
				default:
					this.fail(`unknown Binary XML token 0x${token.toString(16).padStart(2, '0')}`);
			}
		}

		if (inElement) this.fail('element not closed before the end of its data');
		return out;
	}

	private element(end: number): Node {
		if (++this.depth > MAX_DEPTH) this.fail(`elements nested deeper than ${MAX_DEPTH}`);
		try {
			const at = this.pos;
			const hasAttrs = (this.u8(at) & MORE) !== 0;
			this.pos = at + this.elementHeaderSize(at, end);
			const name = this.name(this.u32(this.pos - 4));
			const attrs: Attr[] = [];
			if (hasAttrs) {
				this.pos += 4; // byte size of the attribute list
				while (this.pos < end && (this.u8(this.pos) & ~MORE) === Token.Attribute) {
					this.pos += 5;
					const attrName = this.name(this.u32(this.pos - 4));
					attrs.push({name: attrName, parts: this.attributeValue(end)});
				}
			}

			const close = this.u8(this.pos);
			if (close === Token.CloseEmptyElement) {
				this.pos++;
				return {k: 'el', name, attrs, children: []};
			}

			if (close !== Token.CloseStartElement) this.fail(`element <${name}>: expected the end of its start tag, found token 0x${close.toString(16)}`);
			this.pos++;
			return {k: 'el', name, attrs, children: this.content(end, true)};
		} finally {
			this.depth--;
		}
	}

	/**
	 * Size of an open-start-element header up to and including its name offset. Windows writes a
	 * 2-byte dependency identifier after the token (token, dep id, u32 size, u32 name offset);
	 * some other writers leave it out (token, u32 size, u32 name offset), which libevtx and
	 * python-evtx cannot read. The name offset tells the two apart: it either points just past
	 * the header (name stored inline) or back to a name already in the chunk.
	 */
	private elementHeaderSize(at: number, end: number): number {
		const withDep = at + 11 <= end ? this.view.getUint32(at + 7, true) : -1;
		const without = at + 9 <= end ? this.view.getUint32(at + 5, true) : -1;
		if (withDep === at + 11) return 11;
		if (without === at + 9) return 9;
		if (withDep >= 0 && withDep < at && this.isName(withDep)) return 11;
		if (without >= 0 && without < at && this.isName(without)) return 9;
		this.fail('element header names no readable element name');
	}

	/** True when a name structure can be read at `offset` (cached or well-formed). */
	private isName(offset: number): boolean {
		if (this.names.has(offset)) return true;
		if (offset + 8 > this.chunk.length) return false;
		const count = this.view.getUint16(offset + 6, true);
		const stop = offset + 8 + 2 * count;
		return count > 0 && stop + 2 <= this.chunk.length && this.view.getUint16(stop, true) === 0;
	}

	/** A name at `offset`; when it is stored inline (offset is here), reads past it. */
	private name(offset: number): string {
		const inline = offset === this.pos;
		let name = this.names.get(offset);
		const count = this.u16(offset + 6);
		if (name === undefined) {
			this.need(offset + 8, 2 * count + 2);
			name = utf16(this.chunk, offset + 8, 2 * count);
			if (name.length === 0) this.fail('empty element or attribute name', offset);
			this.names.set(offset, name);
		}

		if (inline) this.pos = offset + 8 + 2 * count + 2;
		return name;
	}

	private attributeValue(end: number): Attr['parts'] {
		const parts: Attr['parts'] = [];
		for (;;) {
			if (this.pos >= end) return parts;
			const token = this.u8(this.pos);
			switch (token & ~MORE) {
				case Token.Value:
					parts.push({k: 'text', text: this.valueText(end)});
					break;
				case Token.CharRef:
				case Token.EntityRef:
					parts.push({k: 'text', text: this.reference(end)});
					break;
				case Token.NormalSubstitution:
				case Token.OptionalSubstitution:
					if (token & MORE) return parts;
					parts.push(this.substitution(end));
					break;
				default:
					return parts;
			}
		}
	}

	/** A value-text token: only UTF-16 strings are allowed here. */
	private valueText(end: number): string {
		const at = this.pos;
		const type = this.u8(at + 1);
		if (type !== ValueType.WString) this.fail(`value text of type 0x${type.toString(16)} (only strings may appear as text)`);
		const count = this.u16(at + 2);
		this.need(at + 4, 2 * count, end);
		this.pos = at + 4 + 2 * count;
		return utf16(this.chunk, at + 4, 2 * count);
	}

	private reference(end: number): string {
		const at = this.pos;
		if ((this.u8(at) & ~MORE) === Token.CharRef) {
			this.need(at, 3, end);
			this.pos = at + 3;
			return String.fromCharCode(this.u16(at + 1));
		}

		this.pos = at + 5;
		const entity = this.name(this.u32(at + 1));
		return ENTITIES[entity] ?? `&${entity};`;
	}

	private substitution(end: number): Sub {
		const at = this.pos;
		this.need(at, 4, end);
		this.pos = at + 4;
		return {k: 'sub', index: this.u16(at + 1), optional: this.u8(at) === Token.OptionalSubstitution};
	}

	/**
	 * Template instance: token, 1 unknown byte, template id (u32), definition offset (u32);
	 * the definition itself when stored here (next-definition offset u32, GUID, data size u32,
	 * Binary XML); then the values: count (u32), count x (size u16, type u8, pad u8), the data.
	 */
	private templateInstance(end: number): Node {
		const at = this.pos;
		const definition = this.u32(at + 6);
		this.pos = at + 10;
		let body: Node[];
		if (definition === this.pos) {
			const size = this.u32(this.pos + 20);
			this.need(this.pos + 24, size, end);
			body = this.definition(definition);
			this.pos += 24 + size;
		} else {
			if (definition >= at) this.fail(`template definition offset ${definition} points forward`);
			body = this.definition(definition);
		}

		const count = this.u32(this.pos);
		if (count > MAX_VALUES) this.fail(`template instance with ${count} values`);
		this.need(this.pos + 4, 4 * count, end);
		let data = this.pos + 4 + 4 * count;
		const values: Value[] = [];
		for (let i = 0; i < count; i++) {
			const d = this.pos + 4 + 4 * i;
			const size = this.view.getUint16(d, true);
			values.push({type: this.chunk[d + 2]!, start: data, size});
			data += size;
		}

		this.need(this.pos, data - this.pos, end);
		this.pos = data;
		return {k: 'inst', body, values};
	}

	private definition(offset: number): Node[] {
		const cached = this.templates.get(offset);
		if (cached) return cached;
		const size = this.u32(offset + 20);
		this.need(offset + 24, size);
		// A definition that (through others) instantiates itself would recurse forever.
		if (++this.depth > MAX_DEPTH) this.fail(`template definitions nested deeper than ${MAX_DEPTH}`, offset);
		try {
			const body = this.fragment(offset + 24, offset + 24 + size);
			this.templates.set(offset, body);
			return body;
		} finally {
			this.depth--;
		}
	}

	// ---- filling in ---------------------------------------------------------------------------

	private resolve(nodes: Node[], values: Value[]): Array<XmlElement | string> {
		const out: Array<XmlElement | string> = [];
		for (const node of nodes) {
			switch (node.k) {
				case 'text':
					out.push(node.text);
					break;
				case 'inst':
					out.push(...this.resolve(node.body, node.values));
					break;
				case 'sub':
					out.push(...this.substitute(node, values));
					break;
				case 'el': {
					const attrs: Record<string, string> = {};
					for (const attr of node.attrs) {
						let text = '';
						let dropped = false;
						for (const part of attr.parts) {
							if (part.k === 'text') {
								text += part.text;
								continue;
							}

							const value = this.value(part, values);
							if (value === null) dropped ||= part.optional;
							else if (typeof value === 'string') text += value;
							else this.fail(`attribute ${attr.name}: Binary XML value cannot be an attribute`, value[0] ?? 0);
						}

						if (!dropped || text !== '') attrs[attr.name] = text;
					}

					out.push({name: node.name, attrs, children: this.resolve(node.children, values)});
					break;
				}
			}
		}

		return out;
	}

	private substitute(sub: Sub, values: Value[]): Array<XmlElement | string> {
		const value = this.value(sub, values);
		if (value === null) return [];
		if (typeof value === 'string') return [value];
		const [start, size] = value;
		if (++this.depth > MAX_DEPTH) this.fail(`Binary XML values nested deeper than ${MAX_DEPTH}`, start);
		try {
			return this.resolve(this.fragment(start, start + size), []);
		} finally {
			this.depth--;
		}
	}

	/**
	 * A substitution's value as text; null when there is nothing to render (null type or no
	 * bytes); `[start, size]` for an embedded Binary XML fragment.
	 */
	value(sub: Sub, values: Value[]): string | null | [number, number] {
		const value = values[sub.index];
		if (!value) this.fail(`substitution ${sub.index} has no value (the instance has ${values.length})`);
		if (value.type === ValueType.Null || value.size === 0) return null;
		if (value.type === ValueType.BinXml) return [value.start, value.size];
		let decoded: string | string[];
		try {
			decoded = decodeValue(value.type, this.chunk, value.start, value.size);
		} catch (error) {
			this.fail(`substitution ${sub.index}: ${(error as Error).message}`, value.start);
		}

		// Arrays render as their items separated by commas (as python-evtx and EvtxECmd print them).
		return typeof decoded === 'string' ? decoded : decoded.join(', ');
	}
}
