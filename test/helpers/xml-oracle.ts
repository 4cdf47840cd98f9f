/**
 * Reads the reference decoders' XML output (libevtx `evtxexport -f xml`, python-evtx
 * `evtx_dump.py`) into the reader's element shape, so the two can be compared with the same
 * JSON conversion. A small tolerant parser: libevtx writes some control characters raw, which a
 * strict XML parser would refuse (see the datasets README).
 */
import type {XmlElement} from '../../source/ingest/evtx/binxml.ts';

const ENTITY = /&(#x[\da-f]+|#\d+|amp|lt|gt|quot|apos);/gi;

function unescape(s: string): string {
	return s.replace(ENTITY, (_, e: string) => {
		if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1)));
		return ({amp: '&', lt: '<', gt: '>', quot: '"', apos: "'"} as Record<string, string>)[e.toLowerCase()]!;
	});
}

const TAG = /<(\/?)([\w:.-]+)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|<\?[\s\S]*?\?>|<!--[\s\S]*?-->/g;
const ATTR = /([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** Every `<Event>` element in the document, in order. */
export function parseEvents(xml: string): XmlElement[] {
	const events: XmlElement[] = [];
	const stack: XmlElement[] = [];
	let last = 0;
	for (const m of xml.matchAll(TAG)) {
		const between = xml.slice(last, m.index);
		last = m.index + m[0].length;
		if (stack.length && between) stack.at(-1)!.children.push(unescape(between));
		if (!m[2]) continue; // declaration or comment
		if (m[1]) {
			const done = stack.pop();
			if (!done || done.name !== m[2]) throw new Error(`unbalanced </${m[2]}> at ${m.index}`);
			tidy(done);
			if (done.name === 'Event' && stack.every(e => e.name !== 'Event')) events.push(done);
			continue;
		}

		const attrs: Record<string, string> = {};
		for (const a of (m[3] ?? '').matchAll(ATTR)) attrs[a[1]!] = unescape(a[2] ?? a[3] ?? '');
		const el: XmlElement = {name: m[2], attrs, children: []};
		stack.at(-1)?.children.push(el);
		if (m[4]) {
			if (el.name === 'Event' && stack.every(e => e.name !== 'Event')) events.push(el);
		} else {
			stack.push(el);
		}
	}

	return events;
}

/** Pretty-printing whitespace between child elements is not content. */
function tidy(el: XmlElement) {
	if (el.children.some(c => typeof c !== 'string')) el.children = el.children.filter(c => typeof c !== 'string' || c.trim() !== '');
}
