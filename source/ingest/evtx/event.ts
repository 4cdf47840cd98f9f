/**
 * A decoded event element as the EVTX-to-JSON shape the windows-json reader also accepts
 * (SPEC 3; the shape of the shared datasets' `logon_events.jsonl`): values are the XML text,
 * always strings; an element with no attributes and no child elements becomes its text, or null
 * when empty; attributes go under `#attributes` and text beside them under `#text`;
 * `<Data Name="N">v</Data>` becomes `"N": "v"`; a repeated name becomes an array.
 */
import type {XmlElement} from './binxml.ts';

export type JsonValue = string | null | JsonObject | JsonValue[];
export interface JsonObject {
	[key: string]: JsonValue;
}

const textOf = (el: XmlElement) => el.children.filter((c): c is string => typeof c === 'string').join('');

function add(target: JsonObject, key: string, value: JsonValue) {
	if (key === '__proto__') return; // never let event data reach an object's prototype
	if (!Object.hasOwn(target, key)) {
		target[key] = value;
		return;
	}

	const existing = target[key]!;
	if (Array.isArray(existing)) existing.push(value);
	else target[key] = [existing, value];
}

/** One element as JSON (see the module comment for the rules). */
export function elementToJson(el: XmlElement): JsonValue {
	const attrNames = Object.keys(el.attrs);
	const elements = el.children.filter((c): c is XmlElement => typeof c !== 'string');
	const text = textOf(el);
	if (attrNames.length === 0 && elements.length === 0) return text === '' ? null : text;
	const out: JsonObject = {};
	if (attrNames.length > 0) out['#attributes'] = {...el.attrs};
	for (const child of elements) {
		const name = child.attrs['Name'];
		if (child.name === 'Data' && name !== undefined && Object.keys(child.attrs).length === 1) {
			add(out, name, elementToJson({...child, attrs: {}}));
		} else {
			add(out, child.name, elementToJson(child));
		}
	}

	if (text !== '') out['#text'] = text;
	return out;
}

/** The whole event: `{Event: {System: ..., EventData: ...}}`. */
export function eventToJson(root: XmlElement): JsonObject {
	return {[root.name]: elementToJson(root)};
}

const escape = (s: string) => s.replace(/[&<>"]/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'})[c]!);

/** Renders an element as XML text (for display, debugging and comparing with other decoders). */
export function elementToXml(el: XmlElement, indent = ''): string {
	const attrs = Object.entries(el.attrs).map(([k, v]) => ` ${k}="${escape(v)}"`).join('');
	if (el.children.length === 0) return `${indent}<${el.name}${attrs}/>`;
	if (el.children.every(c => typeof c === 'string')) return `${indent}<${el.name}${attrs}>${escape(textOf(el))}</${el.name}>`;
	const inner = el.children.map(c => (typeof c === 'string' ? `${indent}  ${escape(c)}` : elementToXml(c, `${indent}  `))).join('\n');
	return `${indent}<${el.name}${attrs}>\n${inner}\n${indent}</${el.name}>`;
}
