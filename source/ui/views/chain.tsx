/**
 * A hop chain as an indented path: the first source, then each logon from it with its time,
 * and under a host that moved on (A -> B -> C) the logons from that host, one level deeper.
 * The lines of the finding the view was opened from are bold; Enter opens a line's finding.
 */
import React from 'react';
import {Box, Text} from 'ink';
import type {ChainRow} from '../../detect/chain.ts';
import {Line} from '../components/line.tsx';
import {fit, plural, safe, shortTime} from '../components/format.ts';
import {useTheme} from '../theme.ts';

export interface ChainViewProps {
	src: string;
	user: string;
	rows: ChainRow[];
	offset: number;
	cursor: number;
	width: number;
	height: number;
	tz: string;
}

/** The text of one line of the path, without the cursor column. */
export function chainLine(r: ChainRow, tz: string): string {
	const indent = '  '.repeat(r.depth);
	if (r.target === undefined) return `${indent}${safe(r.src)}${r.finding ? `  (score ${r.finding.score})` : '  (not a finding)'}`;
	const moves = r.via === undefined ? '' : `  = ${safe(r.via)}, moves on:`;
	return `${indent}${shortTime(r.ts, tz)}  ${safe(r.user)} -> ${safe(r.target)}${r.failedOnly ? ' (failed)' : ''}${moves}`;
}

export function ChainView({src, user, rows, offset, cursor, width, height, tz}: ChainViewProps) {
	const theme = useTheme();
	const hops = rows.filter(r => r.via !== undefined).length;
	const logons = rows.filter(r => r.target !== undefined).length;
	const shown = rows.slice(offset, offset + Math.max(1, height - 2));
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Line width={width} bold>{fit(`chain · ${safe(src)} / ${safe(user)} · ${plural(hops, 'hop')}, ${plural(logons, 'target')} · times ${tz}`, width)}</Line>
			<Line width={width} color={theme.muted}>{fit('each line: first logon to a target; indented: onward from the host above', width)}</Line>
			{rows.length === 0 ? <Line width={width} color={theme.muted}>{fit('  not part of a hop chain in this hunt', width)}</Line> : null}
			{shown.map((r, i) => {
				const selected = offset + i === cursor;
				return (
					<Line key={offset + i} width={width} inverse={selected}>
						<Text bold={selected}>{selected ? '›' : ' '}</Text>
						<Text bold={r.selected} color={r.via === undefined ? undefined : theme.accent}>{fit(chainLine(r, tz), Math.max(0, width - 1))}</Text>
					</Line>
				);
			})}
		</Box>
	);
}
