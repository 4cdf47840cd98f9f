/**
 * Pure text helpers for fixed-width screens: every dataset string goes through `clip` (which
 * neutralises control characters and escape sequences) before it reaches a cell.
 */
import {clip, columnsOf, neutralize} from '../../util/sanitize.ts';
import {formatLocal} from '../../util/time.ts';

export {count, plural} from '../../util/text.ts';

/** Terminal columns of `text` as drawn (wide characters two, combining marks none; see columnsOf). */
export function widthOf(text: string): number {
	return columnsOf(text);
}

/** `text` neutralised, clipped (at the end, or in the middle) and padded to exactly `width` columns. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left', elide: 'end' | 'middle' = 'end'): string {
	if (width <= 0) return '';
	const cut = clip(text, width, elide);
	const pad = ' '.repeat(Math.max(0, width - widthOf(cut)));
	return align === 'right' ? pad + cut : cut + pad;
}

/** A dataset string made safe for the screen, without clipping. */
export function safe(text: string | null | undefined): string {
	return text === null || text === undefined ? '' : neutralize(text);
}

/**
 * `MM-dd HH:mm` of epoch ms `ts` in `tz`: the short time of table cells. `dated` (useDated: the
 * loaded logons span a year or more) makes it `yyyy-MM-dd`, as wide, which says the year.
 */
export function shortTime(ts: number | null | undefined, tz: string, dated = false): string {
	if (ts === null || ts === undefined) return '';
	const text = formatLocal(ts, tz);
	return dated ? text.slice(0, 10) : text.slice(5, 16);
}

/** `yyyy-MM-dd HH:mm:ss` of epoch ms `ts` in `tz`. */
export function longTime(ts: number | null | undefined, tz: string): string {
	return ts === null || ts === undefined ? '' : formatLocal(ts, tz);
}

