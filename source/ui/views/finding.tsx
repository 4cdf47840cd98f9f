/**
 * One finding: who, how many, the score broken down by signal, the targets, the shortlist mark,
 * and its logons (the evidence the hunt scored), a page at a time.
 */
import React from 'react';
import {Box, Text} from 'ink';
import type {Finding} from '../../detect/types.ts';
import type {Mark} from '../../db/shortlist.ts';
import type {PairEvent} from '../../db/pivots.ts';
import {Table, type Column} from '../components/table.tsx';
import {Line} from '../components/line.tsx';
import {count, fit, plural, safe, shortTime, longTime, widthOf} from '../components/format.ts';
import {useDated} from '../hooks/use-dated.ts';
import {severityOf, useTheme} from '../theme.ts';

/**
 * The event columns. The target grows to its longest name on screen (at most 40) and file:line
 * takes the rest, losing the middle of a long file name so that its `:line` stays in view.
 */
function columnsFor(targets: string[]): Column[] {
	const longest = targets.reduce((w, t) => Math.max(w, widthOf(t)), 0);
	return [
		{title: 'time', width: 19},
		{title: 'result', width: 7},
		{title: 'type', width: 4, align: 'right'},
		{title: 'target', width: 12, flex: true, maxWidth: Math.min(40, longest), elide: 'middle'},
		{title: 'service', width: 8, drop: 2},
		{title: 'file:line', width: 18, flex: true, drop: 1, elide: 'middle'},
	];
}

export interface FindingViewProps {
	src: string;
	user: string;
	finding: Finding | undefined;
	/** The finding exists only without the allowlist (listed with A). */
	suppressed?: boolean;
	/** The allowlist entries that hide it, when suppressed. */
	suppressedBy?: number[];
	mark: Mark | undefined;
	events: PairEvent[];
	count: number;
	offset: number;
	cursor: number;
	reasonsShown: number;
	width: number;
	height: number;
	tz: string;
	profile: string;
}

const basename = (p: string) => p.split(/[\\/]/).pop() ?? p;

export function FindingView(props: FindingViewProps) {
	const {src, user, finding: f, mark, events, offset, cursor, reasonsShown, width, height, tz, profile} = props;
	const theme = useTheme();
	const dated = useDated();
	const sev = f ? severityOf(f.score) : 'low';
	const head = f
		? `${plural(f.total, 'logon')}, ${count(f.failed)} failed, ${plural(f.target_count, 'target')} · ${shortTime(f.first_seen, tz, dated)} – ${shortTime(f.last_seen, tz, dated)}${f.after_hours ? ' · after hours' : ''}`
		: `not a finding of profile ${profile} in this window`;
	const reasons = f ? f.reasons : [];
	const reasonRows = reasons.length === 0
		? reasonsShown === 0 ? [] : [<Line key="none" width={width} color={theme.muted}>{fit('  no score: nothing here reached the profile', width)}</Line>]
		: reasons.slice(0, reasonsShown).map((r, i) => (
			<Line key={i} width={width}>
				<Text color={r.points > 0 ? theme.severity.medium : theme.severity.low}>{fit(`${r.points > 0 ? '+' : ''}${r.points}`, 4, 'right')}</Text>
				<Text bold>{` ${fit(r.signal, 20)}`}</Text>
				<Text>{` ${fit(r.detail, Math.max(0, width - 26))}`}</Text>
			</Line>
		));
	if (reasons.length > reasonsShown && reasonsShown > 0) {
		reasonRows[reasonRows.length - 1] = <Line key="more" width={width} color={theme.muted}>{fit(`  … ${reasons.length - reasonsShown + 1} more signals (a taller terminal shows all)`, width)}</Line>;
	}

	const markText = mark ? `shortlist: ${mark.status}${mark.note ? ` · ${mark.note}` : ''}` : 'shortlist: not marked (m marks it)';
	const rows = events.map(e => [
		{text: longTime(e.ts, tz)},
		{text: e.outcome === 'failure' ? 'FAILED' : 'ok', color: e.outcome === 'failure' ? theme.outcome.failure : theme.outcome.success},
		{text: e.logon_type === null ? '' : String(e.logon_type)},
		{text: safe(e.target), color: theme.entity.target},
		{text: safe(e.service)},
		{text: `${basename(e.path)}:${e.raw_ref}`},
	]);
	const last = Math.min(props.count, offset + events.length);
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Line width={width} bold>
				<Text color={theme.entity.src}>{fit(src, Math.min(widthOf(safe(src)), Math.floor(width / 3)))}</Text>
				<Text>{' → '}</Text>
				<Text color={theme.entity.user}>{fit(user, Math.min(widthOf(safe(user)), Math.floor(width / 3)))}</Text>
				<Text color={theme.severity[sev]}>{f ? `  score ${f.score} (${sev})` : ''}</Text>
				<Text color={theme.muted}>{props.suppressed ? `  suppressed by the allowlist${suppressor(props.suppressedBy ?? [])}` : ''}</Text>
			</Line>
			<Line width={width}>{fit(head, width)}</Line>
			{reasonRows}
			<Line width={width}>{fit(`targets: ${f ? f.targets.map(t => safe(t)).join(', ') : '–'}`, width)}</Line>
			<Line width={width} color={mark ? theme.accent : theme.muted}>{fit(markText, width)}</Line>
			<Line width={width} bold>{fit(props.count === 0 ? 'events: none in the hunt window' : `events ${offset + 1}-${last} of ${count(props.count)} in the hunt window`, width)}</Line>
			<Table columns={columnsFor(rows.map(r => r[3]!.text))} rows={rows} offset={offset} cursor={cursor} width={width} height={Math.max(1, height - 5 - reasonRows.length)} />
		</Box>
	);
}

/** ` (entry 3)`, ` (entries 3, 5)`: which entries hide a suppressed finding (x in the allowlist view turns one off). */
function suppressor(ids: number[]): string {
	return ids.length === 0 ? '' : ` (${ids.length === 1 ? 'entry' : 'entries'} ${ids.join(', ')})`;
}
