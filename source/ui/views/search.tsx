/**
 * The fuzzy search overlay: the query, then matching sources, users and hosts, best first.
 */
import React from 'react';
import {Box, Text} from 'ink';
import type {SearchHit} from '../../search/index.ts';
import {Table, type Column} from '../components/table.tsx';
import {Line} from '../components/line.tsx';
import {count, fit, plural, safe} from '../components/format.ts';
import {useTheme} from '../theme.ts';

const KIND = {src: 'source', user: 'user', target: 'host'} as const;

const COLUMNS: Column[] = [
	{title: 'kind', width: 6},
	{title: 'name', width: 12, flex: true, maxWidth: 60, elide: 'middle'},
	{title: 'logons', width: 9, align: 'right'},
];

export interface SearchViewProps {
	query: string;
	hits: SearchHit[];
	selected: number;
	/** Whether more names match than are listed. */
	more: boolean;
	/** Names in the index. */
	size: number;
	width: number;
	height: number;
}

export function SearchView({query, hits, more, selected, size, width, height}: SearchViewProps) {
	const theme = useTheme();
	const page = Math.max(1, height - 3);
	const offset = Math.max(0, selected - page + 1);
	const rows = hits.slice(offset, offset + page).map(h => [
		{text: KIND[h.kind], color: theme.entity[h.kind]},
		{text: h.value, color: theme.entity[h.kind]},
		{text: count(h.n)},
	]);
	const status = query.trim() === ''
		? `type a source, user or host (${count(size)} names); typos and partial names match`
		: more
			? `best ${count(hits.length)} of more matches in ${count(size)} names; type more · Enter opens the selected one`
			: `${plural(hits.length, 'match', 'matches')} of ${count(size)} names · Enter opens the selected one`;
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Line width={width} bold>
				<Text color={theme.accent}>{'/ '}</Text>
				<Text>{`${[...safe(query)].slice(-(width - 4)).join('')}█`}</Text>
			</Line>
			<Line width={width} color={theme.muted}>{fit(status, width)}</Line>
			<Table
				columns={COLUMNS} rows={rows} offset={offset} cursor={hits.length === 0 ? -1 : selected} width={width} height={height - 2}
				empty={query.trim() === '' ? '' : 'no match'}
			/>
		</Box>
	);
}
