/**
 * Neutralising strings that came from datasets before they reach a terminal or a spreadsheet.
 * Attackers choose user and host names; a name must never move the cursor, retitle the
 * terminal, reorder text (bidi) or become a live formula.
 */
import stringWidth from 'string-width';

// C0 and C1 controls, DEL, and the Unicode bidi/isolate/zero-width formatting characters.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/**
 * Replaces every control, escape and bidi character with a visible escape (`\x1b`, `\u202e`),
 * so what a hunter sees is exactly what is in the data and nothing acts on the terminal.
 */
export function neutralize(text: string): string {
	return text.replace(UNSAFE, ch => {
		const code = ch.codePointAt(0)!;
		return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
	});
}

/** Printable ASCII, one column a character: most names, measured without string-width. */
const PLAIN = /^[\x20-\x7e]*$/;

/**
 * Terminal columns `text` takes as drawn: two for a wide character (CJK, most emoji), none for a
 * combining mark, as Ink lays text out (string-width). For text already neutralised.
 */
export function columnsOf(text: string): number {
	return PLAIN.test(text) ? text.length : stringWidth(text);
}

const graphemes = new Intl.Segmenter(undefined, {granularity: 'grapheme'});

/** `text` as the characters a reader sees (a letter with its combining marks, an emoji sequence). */
function splitGraphemes(text: string): string[] {
	return PLAIN.test(text) ? [...text] : Array.from(graphemes.segment(text), s => s.segment);
}

/** The longest start (or, `fromEnd`, end) of `parts` at most `width` columns wide. */
function take(parts: string[], width: number, fromEnd = false): string {
	const out: string[] = [];
	let used = 0;
	for (let i = 0; i < parts.length; i++) {
		const part = parts[fromEnd ? parts.length - 1 - i : i]!;
		used += columnsOf(part);
		if (used > width) break;
		out.push(part);
	}

	return (fromEnd ? out.reverse() : out).join('');
}

/**
 * `neutralize`, then cut to `width` terminal columns with an ellipsis: at the end, or with
 * `elide` 'middle' in the middle (clipMiddle); with `elide` 'start' at the start (where the end
 * matters, as in a breadcrumb). A wide character that would straddle the cut is left out, so the
 * result may be a column short.
 */
export function clip(text: string, width: number, elide: 'end' | 'middle' | 'start' = 'end'): string {
	if (elide === 'middle') return clipMiddle(text, width);
	const safe = neutralize(text);
	if (width <= 0) return '';
	if (columnsOf(safe) <= width) return safe;
	const parts = splitGraphemes(safe);
	return elide === 'start' ? `…${take(parts, width - 1, true)}` : `${take(parts, width - 1)}…`;
}

/**
 * Like clip, but a long text loses its middle: a third of the width keeps its start and the rest
 * its end, or the start gives way further so that the end keeps a path's whole file name (what
 * follows its last / or \\): `/cases/ir-2…/HOST1/Security.evtx`, `/c…/purplesharp_2020.jsonl`.
 */
export function clipMiddle(text: string, width: number): string {
	const safe = neutralize(text);
	if (width <= 0) return '';
	if (columnsOf(safe) <= width) return safe;
	const parts = splitGraphemes(safe);
	const name = columnsOf(safe.slice(Math.max(safe.lastIndexOf('/'), safe.lastIndexOf('\\')) + 1));
	const third = Math.floor((width - 1) / 3);
	// The name and its separator after the ellipsis, when they fit with at least one character before.
	const head = name + 1 <= width - 2 ? Math.min(third, width - 2 - name) : third;
	const tail = width - 1 - head;
	return `${take(parts, head)}…${tail > 0 ? take(parts, tail, true) : ''}`;
}

// Characters JSON.stringify leaves raw that a terminal or editor may still act on: DEL, the C1
// controls (U+009B is a one-byte CSI), bidi/zero-width formatting, and the JS line separators.
// eslint-disable-next-line no-control-regex
const JSON_UNSAFE = /[\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

/**
 * JSON.stringify, with every character a terminal could act on written as a `\uXXXX` escape.
 * Lossless: parsing the text gives back exactly the original strings.
 */
export function jsonText(value: unknown, indent?: number): string {
	return (JSON.stringify(value, null, indent) ?? '').replace(JSON_UNSAFE, ch => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Cells a spreadsheet would evaluate: OWASP CSV injection triggers. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A value as text, objects as JSON (never `[object Object]`). */
const plainText = (value: unknown): string => typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);

/**
 * A CSV cell: control, escape and bidi characters of strings shown as visible escapes (a CSV
 * printed to a terminal must not act on it), formula triggers prefixed with `'` (kept
 * readable), quoted when it holds a comma, quote or newline.
 */
export function csvCell(value: unknown): string {
	if (value === null || value === undefined) return '';
	let text = Array.isArray(value) ? value.map(plainText).join(';') : plainText(value);
	if (typeof value !== 'number' && typeof value !== 'bigint' && typeof value !== 'boolean') {
		text = neutralize(text);
		if (FORMULA_START.test(text)) text = `'${text}`;
	}

	return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
