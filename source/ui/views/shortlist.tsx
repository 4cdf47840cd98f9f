/**
 * The shortlist: marked (source, user) pairs with status, note and their score under the
 * profile in use; e exports it.
 */
import React from 'react';
import {Box} from 'ink';
import type {Finding} from '../../detect/types.ts';
import type {Mark} from '../../db/shortlist.ts';
import {Table, type Column} from '../components/table.tsx';
import {Line} from '../components/line.tsx';
import {fit, plural, shortTime} from '../components/format.ts';
import {severityOf, useTheme} from '../theme.ts';

const COLUMNS: Column[] = [
	{title: 'status', width: 9},
	{title: 'source', width: 15, elide: 'middle'},
	{title: 'user', width: 14, elide: 'middle'},
	{title: 'score', width: 5, align: 'right'},
	{title: 'note', width: 10, flex: true},
	{title: 'updated', width: 11, drop: 1},
];

export interface ShortlistViewProps {
	marks: Array<{mark: Mark; finding: Finding | undefined}>;
	offset: number;
	page: number;
	cursor: number;
	width: number;
	height: number;
	tz: string;
	profile: string;
}

export function ShortlistView({marks, offset, page, cursor, width, height, tz, profile}: ShortlistViewProps) {
	const theme = useTheme();
	const rows = marks.slice(offset, offset + page).map(({mark, finding}) => [
		{text: mark.status, color: mark.status === 'escalated' ? theme.severity.high : mark.status === 'benign' ? theme.muted : theme.accent},
		{text: mark.src_ip, color: theme.entity.src},
		{text: mark.user, color: theme.entity.user},
		{text: finding ? String(finding.score) : '–', color: finding ? theme.severity[severityOf(finding.score)] : theme.muted},
		{text: mark.note},
		{text: shortTime(mark.updated_at, tz)},
	]);
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Line width={width} bold>{fit(`shortlist · ${plural(marks.length, 'marked pair')} · scores under ${profile} (– not a finding now)`, width)}</Line>
			<Table
				columns={COLUMNS} rows={rows} offset={offset} cursor={cursor} width={width} height={height - 1}
				empty="nothing marked yet: press m on a finding"
			/>
		</Box>
	);
}
