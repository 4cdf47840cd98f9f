/**
 * Quoting and escaping shared by the rule emitters. Every value taken from an allowlist entry
 * reaches query text through one of these, and every reason reaches a comment through
 * `commentText`: an entry is typed by a hunter or imported from a team file, so a quote, a
 * backslash or a comment terminator in it must stay data and never become query syntax.
 */
import {neutralize} from '../util/sanitize.ts';
import {ipv4ToNumber} from '../db/functions.ts';

// C0 controls and DEL: each could end a line or a line comment.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** True when the text holds a control character (a newline, a tab, an escape...). */
export function hasControl(text: string): boolean {
	return CONTROL.test(text);
}

/** True for a dotted-quad IPv4 address. */
export function isIpv4(text: string): boolean {
	return ipv4ToNumber(text) !== undefined && text.trim() === text;
}

/**
 * Text for the inside of a comment: one line (controls and bidi characters become visible
 * escapes such as `\x0a`), with every `breakers` sequence split by a space until none is left,
 * so a reason can neither end the comment early nor open a nested one.
 */
export function commentText(text: string, breakers: readonly string[] = []): string {
	// U+2028/U+2029 end a line for some parsers; neutralize leaves them, so they are escaped here.
	let out = neutralize(text).replace(/[\u2028\u2029]/g, ch => `\\u${ch.codePointAt(0)!.toString(16)}`);
	for (let changed = true; changed;) {
		changed = false;
		for (const seq of breakers) {
			if (out.includes(seq)) {
				out = out.split(seq).join(`${seq.slice(0, 1)} ${seq.slice(1)}`);
				changed = true;
			}
		}
	}

	return out;
}

/** `'text'` with single quotes doubled: the only escape SQL-like string literals (AQL) have. */
export function singleQuoted(text: string): string {
	return `'${text.replaceAll('\'', '\'\'')}'`;
}

/** `"text"` with backslashes and double quotes backslash-escaped (LogScale and SPL strings). */
export function doubleQuoted(text: string): string {
	return `"${text.replace(/[\\"]/g, '\\$&')}"`;
}

const hex2 = (ch: string) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;

/**
 * A literal as regex source: metacharacters escaped, controls as `\xHH` (understood alike by
 * JavaScript, Java, PCRE and RE2, so the result works in every target's regex engine).
 */
export function escapeRegex(literal: string): string {
	let out = '';
	for (const ch of literal) {
		if (CONTROL.test(ch)) out += hex2(ch);
		else if ('\\^$.|?*+()[]{}/'.includes(ch)) out += `\\${ch}`;
		else out += ch;
	}

	return out;
}

/** An allowlist glob (`*` any run, `?` one character, all else literal) as an anchored regex. */
export function globRegex(glob: string): string {
	let out = '';
	for (const ch of glob) {
		if (ch === '*') out += '.*';
		else if (ch === '?') out += '.';
		else out += escapeRegex(ch);
	}

	return `^${out}$`;
}

/** An exact value as an anchored regex. */
export function exactRegex(value: string): string {
	return `^${escapeRegex(value)}$`;
}

/**
 * A hunter's regex with any raw control character rewritten as `\xHH` (same meaning, one line).
 * A backslash before a raw control is dropped with it: `\` + newline means a newline.
 */
export function regexSource(pattern: string): string {
	let out = '';
	const chars = [...pattern];
	for (let i = 0; i < chars.length; i++) {
		const ch = chars[i]!;
		const next = chars[i + 1];
		if (ch === '\\' && next !== undefined) {
			out += CONTROL.test(next) ? hex2(next) : ch + next;
			i++;
		} else {
			out += CONTROL.test(ch) ? hex2(ch) : ch;
		}
	}

	return out;
}

/** Regex source for a `/.../` literal: every unescaped `/` escaped, so it cannot end the literal. */
export function slashDelimited(source: string): string {
	let out = '';
	const chars = [...source];
	for (let i = 0; i < chars.length; i++) {
		const ch = chars[i]!;
		if (ch === '\\') {
			// A lone trailing backslash would escape the closing slash: make it a literal one.
			out += i + 1 < chars.length ? ch + chars[++i]! : '\\\\';
		} else {
			out += ch === '/' ? '\\/' : ch;
		}
	}

	return out;
}

/**
 * Guards a literal about to be written into query text: the emitters route anything holding a
 * control character through a regex with `\xHH` escapes, so a raw one here is a bug.
 */
export function controlFree(text: string): string {
	if (hasControl(text)) throw new Error('internal: a control character reached a query literal');
	return text;
}

/** A number as query text (profile weights and thresholds are numbers; anything else is refused). */
export function num(value: number): string {
	if (!Number.isFinite(value)) throw new Error(`internal: ${String(value)} is not a finite number`);
	return String(value);
}
