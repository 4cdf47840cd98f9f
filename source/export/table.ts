/**
 * Plain-text tables for the terminal: every cell neutralised, columns shrunk to fit the width.
 */
import {clip, columnsOf, neutralize} from '../util/sanitize.ts';

export interface Column<T> {
	header: string;
	value: (row: T) => unknown;
	/** Right-align (numbers). */
	right?: boolean;
	/** Shrink this column first when the table is too wide (free text such as paths). */
	flexible?: boolean;
	/** Never shrink below this many columns. */
	min?: number;
	/** Left out when the table cannot fit otherwise, highest first (a second time column); undefined: never. */
	drop?: number;
	/** Where a cut cell loses characters: 'middle' keeps the end of a path, its file name (default 'end'). */
	elide?: 'end' | 'middle';
}

/** No cell is wider than this, even on a pipe with no width: a 10 MB user name stays a line. */
export const MAX_CELL = 120;

/**
 * A list's items joined with commas, only as far as a cell shows: past MAX_CELL columns (before
 * neutralising, which only widens) the text is cut anyway (a finding of 10.4M logons can have
 * thousands of targets).
 */
function joinShown(items: unknown[]): string {
	let joined = '';
	let columns = 0;
	for (const [i, item] of items.entries()) {
		const piece = i === 0 ? String(item) : `,${String(item)}`;
		joined += piece;
		columns += columnsOf(piece);
		if (columns > MAX_CELL) break;
	}

	return joined;
}

const text = (v: unknown): string => {
	if (v === null || v === undefined) return '';
	return neutralize(Array.isArray(v) ? joinShown(v) : String(v));
};

/**
 * Renders rows as an aligned table no wider than `maxWidth` (terminal columns). Columns that may be
 * dropped go first (highest `drop` first) while the table would not fit even with its flexible
 * columns at their `min`. Then flexible columns give up space, the widest first, so that a short
 * one (a user name) keeps its text while a long one (a list of targets) is cut; then every column
 * down to its `min`. Cut cells end with an ellipsis.
 */
export function renderTable<T>(rows: T[], all: Array<Column<T>>, maxWidth = Infinity): string {
	const gap = 2;
	const natural = all.map(c => {
		const values = rows.map(row => {
			const cell = text(c.value(row));
			return columnsOf(cell) > MAX_CELL ? clip(cell, MAX_CELL, c.elide) : cell;
		});
		return {column: c, values, width: Math.max(columnsOf(c.header), ...values.map(columnsOf))};
	});
	const least = (n: typeof natural[number]) => n.column.flexible ? Math.min(n.width, n.column.min ?? 8) : n.width;
	const kept = [...natural];
	const droppable = natural.filter(n => n.column.drop !== undefined).sort((a, b) => b.column.drop! - a.column.drop!);
	while (droppable.length > 0 && kept.reduce((sum, n) => sum + least(n), 0) + gap * (kept.length - 1) > maxWidth) kept.splice(kept.indexOf(droppable.shift()!), 1);

	const columns = kept.map(n => n.column);
	const cells = rows.map((_, r) => kept.map(n => n.values[r]!));
	const widths = kept.map(n => n.width);
	const total = () => widths.reduce((a, b) => a + b, 0) + gap * (columns.length - 1);
	const shrink = (i: number, floor: number) => {
		const over = total() - maxWidth;
		if (over > 0) widths[i] = Math.max(floor, widths[i]! - over);
	};

	const flexible = columns.flatMap((c, i) => c.flexible ? [{i, floor: c.min ?? 8}] : []);
	for (let over = total() - maxWidth; over > 0; over--) {
		let widest: {i: number; floor: number} | undefined;
		for (const f of flexible) if (widths[f.i]! > f.floor && (!widest || widths[f.i]! > widths[widest.i]!)) widest = f;
		if (!widest) break;
		widths[widest.i]!--;
	}

	for (let i = columns.length - 1; i >= 0 && total() > maxWidth; i--) shrink(i, columns[i]!.min ?? 4);

	const line = (values: string[]) => values
		.map((v, i) => {
			const w = widths[i]!;
			const shown = columnsOf(v) > w ? clip(v, w, columns[i]!.elide) : v;
			const pad = ' '.repeat(Math.max(0, w - columnsOf(shown)));
			return columns[i]!.right ? pad + shown : shown + pad;
		})
		.join(' '.repeat(gap))
		.trimEnd();
	return [line(columns.map(c => c.header)), ...cells.map(line)].join('\n');
}
