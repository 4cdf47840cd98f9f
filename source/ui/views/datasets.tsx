/**
 * What is loaded: one row per file with its format, logons, rejected and skipped records and
 * the span of time it covers; and, when a file repeats logons of an earlier one, how many.
 */
import React from 'react';
import {Box} from 'ink';
import type {DatasetRow} from '../../db/store.ts';
import {Table, type Column} from '../components/table.tsx';
import {Line} from '../components/line.tsx';
import {count, fit, plural, safe, shortTime} from '../components/format.ts';
import {useDated} from '../hooks/use-dated.ts';
import {useTheme} from '../theme.ts';

const COLUMNS: Column[] = [
	{title: 'id', width: 3, align: 'right'},
	{title: 'format', width: 12},
	{title: 'logons', width: 9, align: 'right'},
	{title: 'rejected', width: 8, align: 'right', drop: 3},
	{title: 'skipped', width: 7, align: 'right', drop: 2},
	{title: 'first', width: 11, drop: 8},
	{title: 'last', width: 11, drop: 1},
	{title: 'path', width: 12, flex: true, elide: 'middle'},
];
/** Shown after logons when a file repeats logons of an earlier one (source/db/repeats.ts). */
const REPEATS: Column = {title: 'repeats', width: 7, align: 'right', drop: 6};

export interface DatasetsViewProps {
	datasets: DatasetRow[];
	offset: number;
	page: number;
	cursor: number;
	width: number;
	height: number;
	tz: string;
}

export function DatasetsView({datasets, offset, page, cursor, width, height, tz}: DatasetsViewProps) {
	const theme = useTheme();
	const dated = useDated();
	const logons = datasets.reduce((n, d) => n + d.records, 0);
	const repeated = datasets.reduce((n, d) => n + (d.repeats ?? 0), 0);
	const repeats = repeated > 0;
	const columns = repeats ? [...COLUMNS.slice(0, 3), REPEATS, ...COLUMNS.slice(3)] : COLUMNS;
	const rows = datasets.slice(offset, offset + page).map(d => [
		{text: String(d.id)},
		{text: d.format},
		{text: count(d.records)},
		...repeats ? [{text: d.repeats ? count(d.repeats) : '', color: theme.warning}] : [],
		{text: d.rejected === 0 ? '' : count(d.rejected), color: theme.warning},
		{text: d.skipped === 0 ? '' : count(d.skipped)},
		{text: shortTime(d.first_ts, tz, dated)},
		{text: shortTime(d.last_ts, tz, dated)},
		{text: safe(d.path)},
	]);
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Line width={width} bold>{fit(`datasets · ${plural(datasets.length, 'file')} · ${plural(logons, 'logon')}${repeated > 0 ? `, ${count(repeated)} of them loaded twice` : ''}`, width)}</Line>
			<Table
				columns={columns} rows={rows} offset={offset} cursor={cursor} width={width} height={height - 1}
				empty="nothing loaded (lateral load PATH...)"
			/>
		</Box>
	);
}
