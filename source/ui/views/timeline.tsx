/**
 * Logons of the current entity by hour: one line per day, one cell per local hour. The glyph's
 * height is the volume, `!` marks an hour with failures, and after-hours cells are shaded (a
 * grey background, and `·` where nothing happened, so the shading survives NO_COLOR).
 */
import React from 'react';
import {Box, Text} from 'ink';
import type {AfterHoursRule, TimelineDay} from '../hooks/use-view-data.ts';
import type {Subject} from '../state.ts';
import {subjectLabel} from '../state.ts';
import {Line} from '../components/line.tsx';
import {count, fit, plural, safe} from '../components/format.ts';
import {useTheme} from '../theme.ts';

const LEVELS = ' ▁▂▃▄▅▆▇█';
const WEEKDAYS = ['Su', 'Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa'];

export interface TimelineViewProps {
	subject: Subject;
	days: TimelineDay[];
	max: number;
	total: number;
	failed: number;
	rule: AfterHoursRule;
	offset: number;
	cursor: number;
	width: number;
	height: number;
	tz: string;
}

/** The glyph for an hour with `n` logons when the busiest hour has `max`. */
export function level(n: number, max: number): string {
	if (n <= 0 || max <= 0) return ' ';
	return LEVELS[Math.max(1, Math.ceil((n / max) * 8))]!;
}

export function TimelineView({subject, days, max, total, failed, rule, offset, cursor, width, height, tz}: TimelineViewProps) {
	const theme = useTheme();
	const cell = width >= 74 ? 2 : 1;
	const step = cell === 2 ? 3 : 6;
	let header = fit('date', 14);
	for (let h = 0; h < 24; h++) header += h % step === 0 ? String(h).padStart(2, '0').slice(0, cell === 2 ? 2 : 2) : ' '.repeat(cell);
	if (cell === 1) header = fit('date', 14) + Array.from({length: 4}, (_, i) => String(i * 6).padStart(2, '0').padEnd(6)).join('');
	const rows = days.slice(offset, offset + Math.max(1, height - 5));
	const selected = days[cursor];
	const busiest = selected?.hours.reduce((best, h, i) => (h.total > (selected.hours[best]?.total ?? 0) ? i : best), 0);
	const footer = selected?.gap
		? `${selected.date} – ${selected.gap.until}: ${selected.gap.days} days without logons`
		: selected
		? `${selected.date}: ${plural(selected.total, 'logon')}, ${count(selected.failed)} failed${selected.total > 0 ? `; busiest ${String(busiest).padStart(2, '0')}:00 (${count(selected.hours[busiest!]!.total)})` : ''}`
		: '';
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Line width={width} bold>{fit(`timeline · ${safe(subjectLabel(subject))} · ${plural(total, 'logon')}, ${count(failed)} failed · by hour (${tz})`, width)}</Line>
			<Line width={width} color={theme.muted}>{fit(`${LEVELS.slice(1)} logons per hour (busiest ${count(max)})   ! with failures`, width)}</Line>
			<Line width={width} color={theme.muted}>{fit(`shaded / · after hours: ${rule.label}`, width)}</Line>
			<Line width={width} bold color={theme.muted}>{fit(` ${header}`, width)}</Line>
			{days.length === 0 ? <Line width={width} color={theme.muted}>{'  no logons'}</Line> : null}
			{rows.map((d, r) => {
				const isSelected = offset + r === cursor;
				if (d.gap) {
					return (
						<Line key={d.day} width={width} inverse={isSelected} color={theme.muted}>
							<Text bold={isSelected}>{isSelected ? '›' : ' '}</Text>
							<Text>{fit(`${d.date} ┆  ${d.gap.days} days without logons, to ${d.gap.until}`, Math.max(0, width - 1))}</Text>
						</Line>
					);
				}

				return (
					<Line key={d.day} width={width} inverse={isSelected}>
						<Text bold={isSelected}>{isSelected ? '›' : ' '}</Text>
						<Text>{`${d.date} ${WEEKDAYS[d.weekday]} `}</Text>
						{d.hours.map((h, hour) => {
							const after = rule.isAfterHours(d.weekday, hour);
							const glyph = h.total === 0 ? (after ? '·' : ' ') : level(h.total, max);
							const mark = cell === 2 ? (h.failed > 0 ? '!' : ' ') : '';
							const text = cell === 1 && h.failed > 0 ? '!' : glyph + mark;
							return (
								<Text key={hour} color={h.failed > 0 ? theme.outcome.failure : h.total > 0 ? theme.outcome.success : theme.muted} backgroundColor={after ? theme.afterHours : undefined}>
									{text}
								</Text>
							);
						})}
						<Text>{d.total === 0 ? '' : ` ${count(d.total)}`}</Text>
						<Text color={theme.outcome.failure}>{d.failed === 0 ? '' : ` ${count(d.failed)}!`}</Text>
					</Line>
				);
			})}
			<Box flexGrow={1} />
			<Line width={width}>{fit(footer, width)}</Line>
		</Box>
	);
}
