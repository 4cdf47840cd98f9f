/**
 * One source, user or host: its logons grouped by the other two dimensions (counts, failures,
 * first and last seen) and the findings it appears in. Rows pivot again.
 */
import React from 'react';
import {Box, Text} from 'ink';
import type {Finding} from '../../detect/types.ts';
import type {EntitySummary, GroupRow} from '../../db/pivots.ts';
import {OTHER_DIMENSIONS} from '../../db/pivots.ts';
import type {Entity} from '../state.ts';
import {Table, type Column} from '../components/table.tsx';
import {Line} from '../components/line.tsx';
import {count, fit, plural, safe, shortTime} from '../components/format.ts';
import {useDated} from '../hooks/use-dated.ts';
import {useTheme} from '../theme.ts';

const TITLE = {src: 'source', user: 'user', target: 'host'} as const;
const WIDTH = {src: 15, user: 16, target: 16} as const;

export interface EntityViewProps {
	entity: Entity;
	summary: EntitySummary;
	groups: GroupRow[];
	findings: Finding[];
	offset: number;
	cursor: number;
	width: number;
	height: number;
	tz: string;
	profile: string;
}

export function EntityView({entity, summary, groups, findings, offset, cursor, width, height, tz, profile}: EntityViewProps) {
	const theme = useTheme();
	const dated = useDated();
	const [ka, kb] = OTHER_DIMENSIONS[entity.kind];
	const columns: Column[] = [
		{title: TITLE[ka], width: WIDTH[ka], elide: 'middle'},
		{title: TITLE[kb], width: 10, flex: true, maxWidth: 40, elide: 'middle'},
		{title: 'logons', width: 6, align: 'right'},
		{title: 'failed', width: 6, align: 'right'},
		{title: 'first seen', width: 11, drop: 2},
		{title: 'last seen', width: 11, drop: 1},
	];
	const rows = groups.map(g => [
		{text: safe(g.a ?? '(none)'), color: theme.entity[ka]},
		{text: safe(g.b ?? '(none)'), color: theme.entity[kb]},
		{text: count(g.total)},
		{text: g.failed === 0 ? '' : count(g.failed), color: theme.outcome.failure},
		{text: shortTime(g.first_ts, tz, dated)},
		{text: shortTime(g.last_ts, tz, dated)},
	]);
	const span = summary.total === 0 ? 'no logons' : `${plural(summary.total, 'logon')}, ${count(summary.failed)} failed · ${shortTime(summary.first_ts, tz, dated)} – ${shortTime(summary.last_ts, tz, dated)}`;
	const inFindings = findings.length === 0
		? `in no finding of profile ${profile}`
		: `in ${plural(findings.length, 'finding')}: ${findings.map(f => `${safe(f.src_ip)}/${safe(f.user)} (${f.score})`).join(', ')}`;
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Line width={width} bold>
				<Text>{`${TITLE[entity.kind]} `}</Text>
				<Text color={theme.entity[entity.kind]}>{fit(entity.value, Math.min([...safe(entity.value)].length, Math.max(1, width - 10)))}</Text>
			</Line>
			<Line width={width}>{fit(`${span} · all loaded time`, width)}</Line>
			<Line width={width} color={findings.length > 0 ? theme.severity.medium : theme.muted}>{fit(inFindings, width)}</Line>
			<Table
				columns={columns} rows={rows} offset={offset} cursor={cursor} width={width} height={height - 3}
				empty="no logons"
			/>
		</Box>
	);
}
