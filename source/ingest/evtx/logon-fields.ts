/**
 * The part of an event the logon normalizer reads (./normalize.ts: System's EventID, Channel,
 * Computer, Provider/@Name and TimeCreated/@SystemTime, and the EventData fields it names), read
 * straight from the event's template instance: only those values are rendered, and no element
 * tree is built. An event is a template (parsed once per chunk) and its values; a 4624 carries
 * about thirty (SIDs, GUIDs, logon ids, process names) of which the normalizer reads twelve, and
 * most events of a Security log are not logons at all, for which five tell.
 *
 * The result is the JSON shape of ./event.ts cut down to those parts, with the same text in them
 * as the whole tree gives: readLogonFields returns undefined for the events it cannot vouch for
 * that way, and the caller decodes those whole (see plan() for which). A record is only read this
 * way when decoding it whole would succeed: every value its template refers to is checked as the
 * whole decode would render it (checkValue), and none may be embedded Binary XML.
 */
import type {Attr, ChunkBinXml, Node, Sub, Value} from './binxml.ts';
import type {JsonObject} from './event.ts';
import {EVENT_DATA, SYSTEM_ATTRIBUTES, SYSTEM_TEXT} from './normalize.ts';
import {checkValue, ValueType} from './values.ts';

/** An element's direct text, or an attribute's value, as the parts that are concatenated. */
type Parts = ReadonlyArray<{k: 'text'; text: string} | Sub>;

/** How to read EventData of a template (the event's, or that of a fragment in one of its slots). */
interface Part {
	/** EventData's fields read, by name; undefined when there is no EventData here. */
	eventData: Array<[string, Parts]> | undefined;
	/** Every substitution index referred to, but the slots. */
	subs: number[];
}

interface Plan extends Part {
	/** The root element's name (`Event` for an event). */
	root: string;
	/** System's elements read as text, by name (absent: not in the template). */
	systemText: Array<[string, Parts]>;
	/** System's elements read for one attribute: element, attribute, the attribute's parts. */
	systemAttributes: Array<[string, string, Attr['parts'] | undefined]>;
	/**
	 * Values that stand among Event's children: in Windows' own logs, the EventData as embedded
	 * Binary XML (a template instance of its own, read with a Part).
	 */
	slots: number[];
}

/** Plans by template (a chunk's parsed definition), made once each; null: decode whole. */
const plans = new WeakMap<Node[], Plan | null>();
/** The same for the templates of the fragments in Event's slots. */
const slotParts = new WeakMap<Node[], Part | null>();

function cached<T>(cache: WeakMap<Node[], T | null>, body: Node[], make: (body: Node[]) => T | null): T | null {
	let made = cache.get(body);
	if (made === undefined) {
		made = make(body);
		cache.set(body, made);
	}

	return made;
}

type El = Extract<Node, {k: 'el'}>;

/**
 * The key ./event.ts files a child element under: a `Data` element's `Name` when that is its only
 * attribute, else its name. Undefined when that depends on the values (an attribute of a `Data`
 * element made of one, which a null value drops).
 */
function keyOf(el: El): string | undefined {
	if (el.name !== 'Data' || el.attrs.length === 0) return el.name;
	const fixed = el.attrs.every(a => a.parts.every(p => p.k === 'text'));
	if (!fixed || new Set(el.attrs.map(a => a.name)).size !== el.attrs.length) return undefined;
	const [only] = el.attrs;
	return el.attrs.length === 1 && only!.name === 'Name' ? only!.parts.map(p => (p as {text: string}).text).join('') : el.name;
}

/**
 * An element's children that are elements, keyed; undefined when any child could vary (a value,
 * an instance), but for the values `slots` takes (their indexes).
 */
function children(el: {children: Node[]}, slots?: number[]): Map<string, El[]> | undefined {
	const out = new Map<string, El[]>();
	for (const child of el.children) {
		if (child.k === 'sub' && slots) slots.push(child.index);
		else if (child.k === 'sub' || child.k === 'inst') return undefined;
		if (child.k !== 'el') continue;
		const key = keyOf(child);
		if (key === undefined) return undefined;
		out.set(key, [...(out.get(key) ?? []), child]);
	}

	return out;
}

/** The parts of an element's direct text; undefined when it holds elements (then its JSON is not a plain text). */
function textParts(el: El): Parts | undefined {
	const parts: Array<{k: 'text'; text: string} | Sub> = [];
	for (const child of el.children) {
		if (child.k === 'el' || child.k === 'inst') return undefined;
		parts.push(child);
	}

	return parts;
}

/** Text elements read by name: each at most once (twice makes a JSON array, which reads as missing). */
function readText(elements: Map<string, El[]>, names: readonly string[]): Array<[string, Parts]> | undefined {
	const out: Array<[string, Parts]> = [];
	for (const name of names) {
		const found = elements.get(name);
		if (!found) continue;
		const parts = found.length === 1 ? textParts(found[0]!) : undefined;
		if (!parts) return undefined;
		out.push([name, parts]);
	}

	return out;
}

/** Counts each substitution index's uses in `nodes`; false when they hold an instance of another template. */
function countSubs(nodes: Node[], counts: Map<number, number>): boolean {
	const add = (i: number) => counts.set(i, (counts.get(i) ?? 0) + 1);
	for (const node of nodes) {
		if (node.k === 'inst') return false;
		if (node.k === 'sub') add(node.index);
		if (node.k === 'el') {
			for (const attr of node.attrs) for (const part of attr.parts) if (part.k === 'sub') add(part.index);
			if (!countSubs(node.children, counts)) return false;
		}
	}

	return true;
}

/** EventData's fields read: none without EventData, null when they cannot be read from the template. */
function readEventData(elements: Map<string, El[]>): Part['eventData'] | null {
	const found = elements.get('EventData');
	if (!found) return undefined;
	const fields = found.length === 1 ? children(found[0]!) : undefined;
	return (fields && readText(fields, EVENT_DATA)) ?? null;
}

/** The substitutions of `nodes` but `slots`; null when a slot is used anywhere else too, or the nodes hold an instance. */
function otherSubs(nodes: Node[], slots: number[]): number[] | null {
	const counts = new Map<number, number>();
	if (!countSubs(nodes, counts) || slots.some(i => counts.get(i) !== 1)) return null;
	return [...counts.keys()].filter(i => !slots.includes(i));
}

/**
 * How to read a template, or null to decode its events whole: when it holds an instance of
 * another template, UserData (the TerminalServices events read it), a value where an element may
 * stand (but among Event's children), a field read that occurs twice or holds elements, or a
 * System element read for an attribute that occurs twice.
 */
function plan(body: Node[]): Plan | null {
	const tops = body.filter(n => n.k !== 'text');
	const root = tops.length === 1 && tops[0]!.k === 'el' ? tops[0] : undefined;
	if (!root) return null;
	const slots: number[] = [];
	const elements = children(root, slots);
	const subs = otherSubs(body, slots);
	if (!elements || !subs || elements.has('UserData') || elements.get('System')?.length !== 1) return null;
	// System without attributes or elements is no JSON object, which the normalizer rejects.
	const system = children(elements.get('System')![0]!);
	if (!system || system.size === 0) return null;
	const systemText = readText(system, SYSTEM_TEXT);
	if (!systemText) return null;
	const systemAttributes: Plan['systemAttributes'] = [];
	for (const [element, name] of SYSTEM_ATTRIBUTES) {
		const found = system.get(element);
		if (!found) continue;
		if (found.length !== 1) return null;
		const attrs = found[0]!.attrs.filter(a => a.name === name);
		if (attrs.length > 1) return null;
		systemAttributes.push([element, name, attrs[0]?.parts]);
	}

	const eventData = readEventData(elements);
	if (eventData === null) return null;
	return {root: root.name, systemText, systemAttributes, eventData, subs, slots};
}

/** How to read the template of a fragment in one of Event's slots; null: decode whole (it holds System or UserData, or varies). */
function slotPart(body: Node[]): Part | null {
	const elements = children({children: body});
	const subs = otherSubs(body, []);
	if (!elements || !subs || elements.has('System') || elements.has('UserData')) return null;
	const eventData = readEventData(elements);
	return eventData === null ? null : {eventData, subs};
}

/** True when every value of `subs` is there and renders as the whole decode would render it (no embedded Binary XML). */
function valuesRender(binxml: ChunkBinXml, subs: number[], values: Value[]): boolean {
	const bytes = binxml.bytes;
	for (const index of subs) {
		const value = values[index];
		if (!value) return false;
		if (value.type === ValueType.Null || value.size === 0) continue;
		if (value.type === ValueType.BinXml) return false;
		try {
			checkValue(value.type, bytes, value.start, value.size);
		} catch {
			return false;
		}
	}

	return true;
}

/** Concatenated parts, as ./binxml.ts fills them in; `dropped`: an optional value rendered nothing. */
function render(binxml: ChunkBinXml, parts: Parts, values: Value[]): {text: string; dropped: boolean} {
	let text = '';
	let dropped = false;
	for (const part of parts) {
		if (part.k === 'text') {
			text += part.text;
			continue;
		}

		const value = binxml.value(part, values);
		if (value === null) dropped ||= part.optional;
		else text += value as string;
	}

	return {text, dropped};
}

/**
 * The fields the normalizer reads of the record in `[start, end)` of the chunk, or undefined:
 * decode it whole (its template is not one plan() reads, or a value is embedded Binary XML or
 * would fail to render, which the whole decode reports).
 */
export function readLogonFields(binxml: ChunkBinXml, start: number, end: number): JsonObject | undefined {
	let instance;
	try {
		instance = binxml.instance(start, end);
	} catch {
		return undefined;
	}

	const how = instance && cached(plans, instance.body, plan);
	if (!how || !valuesRender(binxml, how.subs, instance!.values)) return undefined;
	const {values} = instance!;
	// EventData from the template or from one slot: [how to read it, the values it reads].
	let data: [Array<[string, Parts]>, Value[]] | undefined = how.eventData && [how.eventData, values];
	for (const index of how.slots) {
		const value = values[index];
		if (!value) return undefined;
		if (value.type === ValueType.Null || value.size === 0) continue;
		if (value.type !== ValueType.BinXml) {
			// Text among Event's children, which the normalizer does not read.
			if (!valuesRender(binxml, [index], values)) return undefined;
			continue;
		}

		let inner;
		try {
			inner = binxml.instance(value.start, value.start + value.size);
		} catch {
			return undefined;
		}

		const part = inner && cached(slotParts, inner.body, slotPart);
		if (!part || !valuesRender(binxml, part.subs, inner!.values)) return undefined;
		if (part.eventData) {
			// Two EventData make a JSON array, which the normalizer reads as none.
			if (data) return undefined;
			data = [part.eventData, inner!.values];
		}
	}

	const system: JsonObject = {};
	for (const [name, parts] of how.systemText) system[name] = render(binxml, parts, values).text;
	for (const [element, name, parts] of how.systemAttributes) {
		const attributes: JsonObject = {};
		if (parts) {
			const {text, dropped} = render(binxml, parts, values);
			if (!dropped || text !== '') attributes[name] = text;
		}

		system[element] = {'#attributes': attributes};
	}

	const event: JsonObject = {System: system};
	if (data) {
		const [fields, dataValues] = data;
		const eventData: JsonObject = {};
		for (const [name, parts] of fields) eventData[name] = render(binxml, parts, dataValues).text;
		event['EventData'] = eventData;
	}

	return {[how.root]: event};
}
