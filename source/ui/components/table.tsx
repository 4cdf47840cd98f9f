/**
 * A scrolling table: a header, the window of rows on screen, a cursor marker (`›`, visible
 * without colour) and an inverse selected row. Columns have fixed widths except the flexible ones,
 * which share the rest; low-priority columns are dropped when the terminal is too narrow.
 */
import React from 'react';
import {Box, Text} from 'ink';
import {fit, widthOf} from './format.ts';
import {Filler, Line} from './line.tsx';
import {useTheme} from '../theme.ts';

export interface Column {
	title: string;
	width: number;
	align?: 'left' | 'right';
	/**
	 * Takes the width left over (at least `width`). With several flex columns, the leftover goes
	 * to them from left to right, each taking up to its `maxWidth`.
	 */
	flex?: boolean;
	/** A flex column grows no wider than this, so short names stay close to their numbers (or leave the rest to the next flex column). */
	maxWidth?: number;
	/** Dropped first when the screen is narrow (higher drops earlier); undefined = never. */
	drop?: number;
	/** Where a long cell loses characters: 'middle' keeps the end of a path (its file name). */
	elide?: 'end' | 'middle';
}

export interface Cell {
	text: string;
	color?: string | undefined;
	bold?: boolean;
}

export interface TableProps {
	columns: Column[];
	/** Only the rows on screen, starting at row index `offset`. */
	rows: Cell[][];
	offset: number;
	/** Absolute index of the selected row, or -1 for none. */
	cursor: number;
	width: number;
	/** Lines for the header plus rows. */
	height: number;
	/** Text shown when there are no rows. */
	empty?: string;
}

/** Which columns fit in `width` and how wide each is (-1 marks a dropped column). */
export function layoutColumns(columns: Column[], width: number): number[] {
	const kept = columns.map(() => true);
	// One column for the cursor marker, then the kept columns separated by one space.
	const widths = () => {
		const shown = columns.filter((_, i) => kept[i]);
		return width - 1 - shown.reduce((sum, c) => sum + c.width, 0) - Math.max(0, shown.length - 1);
	};

	const droppable = columns.map((c, i) => ({i, drop: c.drop})).filter(c => c.drop !== undefined).sort((a, b) => b.drop! - a.drop!);
	while (widths() < 0 && droppable.length > 0) kept[droppable.shift()!.i] = false;
	let spare = Math.max(0, widths());
	return columns.map((c, i) => {
		if (!kept[i]) return -1;
		if (!c.flex) return c.width;
		const grown = Math.min(c.width + spare, Math.max(c.width, c.maxWidth ?? Infinity));
		spare -= grown - c.width;
		return grown;
	});
}

/**
 * The columns with each right-aligned one (a number) widened to its widest cell on screen: a count
 * of 17,010 hosts in a column of 5 would show as `17,0…`. The flexible column gives up the room.
 */
export function fitNumbers(columns: Column[], rows: Cell[][]): Column[] {
	return columns.map((c, i) => {
		if (c.align !== 'right') return c;
		const widest = rows.reduce((w, r) => Math.max(w, widthOf(r[i]?.text ?? '')), 0);
		return widest > c.width ? {...c, width: widest} : c;
	});
}

export function Table({columns: given, rows, offset, cursor, width, height, empty}: TableProps) {
	const theme = useTheme();
	const visible = rows.slice(0, Math.max(0, height - 1));
	const columns = fitNumbers(given, visible);
	const widths = layoutColumns(columns, width);
	const render = (cells: string[]) => cells.filter((_, i) => widths[i]! >= 0).join(' ');
	const header = render(columns.map((c, i) => fit(c.title, Math.max(0, widths[i]!), c.align)));
	const first = widths.findIndex(w => w >= 0);
	return (
		<Box flexDirection="column" width={width} height={height} flexShrink={0}>
			<Line width={width} bold color={theme.muted}>{` ${header}`}</Line>
			{visible.length === 0 && empty ? <Line width={width} color={theme.muted}>{`  ${empty}`}</Line> : null}
			{visible.map((cells, r) => {
				const selected = offset + r === cursor;
				return (
					<Line key={offset + r} width={width} inverse={selected}>
						<Text bold={selected}>{selected ? '›' : ' '}</Text>
						{cells.slice(0, columns.length).map((cell, i) => widths[i]! < 0 ? null : (
							<Text key={i} color={cell.color} bold={cell.bold}>{(i === first ? '' : ' ') + fit(cell.text, widths[i]!, columns[i]!.align, columns[i]!.elide)}</Text>
						))}
					</Line>
				);
			})}
			<Filler width={width} lines={height - 1 - Math.max(visible.length, visible.length === 0 && empty ? 1 : 0)} />
		</Box>
	);
}
