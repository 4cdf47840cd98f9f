/**
 * Hostile names an attacker could choose, and logons carrying them: terminal escapes (OSC title,
 * clear screen, cursor moves), a one-byte C1 CSI, bidi overrides, a very long name, SQL and
 * spreadsheet metacharacters. Each user fans out to four hosts at night, so every profile turns
 * each into a finding.
 */
import type {Logon} from '../../source/ingest/types.ts';
import {logon} from '../helpers/logons.ts';

export const OSC_TITLE = 'evil\u001b]0;pwned\u0007';
export const HOSTILE_USERS = {
	osc: OSC_TITLE,
	clear: 'cls\u001b[2J\u001b[H',
	cursor: 'mv\u001b[10A\u001b[5C\u001b[K',
	c1: 'c1\u009b31mred',
	bidi: 'bidi\u202eexe.txt\u202c',
	isolate: 'iso\u2067late\u2069\u200b',
	long: `long-${'x'.repeat(2000)}-end`,
	sql: 'o\'brien";--%_',
	formula: '=HYPERLINK("http://x","y")',
} as const;

/** What a hunter must see instead (neutralize's visible escapes). */
export const SHOWN = {
	osc: 'evil\\x1b]0;pwned\\x07',
	clear: 'cls\\x1b[2J\\x1b[H',
	cursor: 'mv\\x1b[10A\\x1b[5C\\x1b[K',
	c1: 'c1\\x9b31mred',
	bidi: 'bidi\\u202eexe.txt\\u202c',
	isolate: 'iso\\u2067late\\u2069\\u200b',
} as const;

export const HOSTILE_HOSTS = ['SRV\u001b]2;owned\u0007-A', 'SRV-B\u202e', '\u001b[2JSRV-C', 'SRV-D'];
export const NIGHT = Date.parse('2026-11-05T02:00:00Z');

/** Four logons per hostile user, 10.66.0.N to the hostile hosts, one minute apart. */
export function hostileRows(): Logon[] {
	const rows: Logon[] = [];
	Object.values(HOSTILE_USERS).forEach((user, u) => {
		HOSTILE_HOSTS.forEach((target, h) => rows.push(logon({
			ts: NIGHT + (u * 4 + h) * 60_000, src_ip: `10.66.0.${u + 1}`, user, target, domain: 'C\u001b[31mORP',
			src_host: 'WS\u001b]0;x\u0007', raw_ref: u * 4 + h + 1,
		})));
	});
	return rows;
}

/** Characters that must never reach a terminal raw: C0 (but newline), DEL, C1, bidi and zero-width. */
// eslint-disable-next-line no-control-regex
export const RAW_UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;

/** The first unsafe character of `text` with some context, for a failure message; undefined when clean. */
export function firstUnsafe(text: string): string | undefined {
	const m = RAW_UNSAFE.exec(text);
	return m ? `U+${m[0].codePointAt(0)!.toString(16).padStart(4, '0')} near ${JSON.stringify(text.slice(Math.max(0, m.index - 20), m.index + 20))}` : undefined;
}
