/**
 * The findings of the profile in use, best first: score, source, user, target count, failures,
 * after-hours flag, first and last seen. On an empty database it offers the bundled sample.
 */
import React from 'react';
import {Box} from 'ink';
import type {Finding, HuntResult} from '../../detect/types.ts';
import {formatDuration} from '../../util/time.ts';
import {Table, type Column} from '../components/table.tsx';
import {Line} from '../components/line.tsx';
import {count, fit, plural, shortTime} from '../components/format.ts';
import {useDated} from '../hooks/use-dated.ts';
import {pairKey} from '../hooks/use-view-data.ts';
import {keyFor} from '../keymap.ts';
import {severityOf, useTheme} from '../theme.ts';

const COLUMNS: Column[] = [
	{title: '', width: 1},
	{title: 'score', width: 5, align: 'right'},
	{title: 'source', width: 15, elide: 'middle'},
	{title: 'user', width: 10, flex: true, maxWidth: 40, elide: 'middle'},
	{title: 'hosts', width: 5, align: 'right'},
	{title: 'fail', width: 5, align: 'right'},
	{title: 'aft', width: 3},
	{title: 'first seen', width: 11, drop: 2},
	{title: 'last seen', width: 11, drop: 1},
];

export interface FindingsViewProps {
	findings: Finding[];
	marked: Set<string>;
	/** Findings shown although the allowlist suppresses them (A toggles): marked `~`, muted. */
	suppressed?: Set<string>;
	offset: number;
	page: number;
	cursor: number;
	width: number;
	height: number;
	tz: string;
	profile: string;
	hunt: HuntResult | undefined;
	error: string | undefined;
	/** Logons in the database: 0 shows the empty state (-1: not counted yet). */
	logons: number;
	/** A hunt is running. */
	pending: boolean;
	/** While the first hunt runs: how long the profile's last hunt of this database took (ms), if known. */
	lastMs?: number | undefined;
}

/** `all loaded time` or the window's two ends. */
export function windowLabel(hunt: HuntResult | undefined, tz: string, dated = false): string {
	if (!hunt || hunt.since === null || hunt.now === undefined) return 'all loaded time';
	return `${shortTime(hunt.since, tz, dated)} – ${shortTime(hunt.now, tz, dated)} ${tz}`;
}

export function FindingsView(props: FindingsViewProps) {
	const {findings, marked, suppressed = new Set<string>(), offset, page, cursor, width, height, tz, profile, hunt, error, logons, pending, lastMs} = props;
	const theme = useTheme();
	const dated = useDated();
	if (pending && !hunt) {
		// A hunt over millions of logons takes a while: say how long, and what works meanwhile.
		const lines = [
			'',
			...(lastMs !== undefined && lastMs >= 1000 ? [`The last ${profile} hunt of this database took ${formatDuration(lastMs / 1000)}.`] : []),
			`While it runs, ${keyFor('search')} searches sources, users and hosts, ${keyFor('profile')} picks another profile,`,
			`${keyFor('cycle')} shows the allowlist, shortlist and datasets, ${keyFor('quit')} quits.`,
		];
		return (
			<Box flexDirection="column" width={width} height={height}>
				<Line width={width} bold>{fit(`findings · profile ${profile} · hunting…`, width)}</Line>
				{lines.slice(0, Math.max(0, height - 1)).map((l, i) => <Line key={i} width={width} dim>{fit(l && `  ${l}`, width)}</Line>)}
			</Box>
		);
	}

	if (logons === 0) {
		const lines = [
			'No logons are loaded yet.',
			'',
			'Press L to load the bundled sample (datasets/sample: a small week of',
			'Windows and sshd logons with a planted lateral movement), or quit (q) and run',
			'  lateral load PATH...',
			'with your own Windows Security, Falcon, QRadar, sshd or LANL exports.',
		];
		return (
			<Box flexDirection="column" width={width} height={height}>
				<Line width={width} bold>{fit(`findings · profile ${profile}`, width)}</Line>
				{lines.slice(0, Math.max(0, height - 1)).map((l, i) => <Line key={i} width={width}>{fit(`  ${l}`, width)}</Line>)}
			</Box>
		);
	}

	const title = error
		? `findings · profile ${profile} · the hunt failed: ${error}`
		: `findings · profile ${profile} · ${pending ? 'hunting again…' : `${plural(findings.length - suppressed.size, 'finding')}${suppressed.size > 0 ? ` (+${suppressed.size} ~)` : ''} · ${windowLabel(hunt, tz, dated)}`}`;
	const rows = findings.slice(offset, offset + page).map(f => {
		const key = pairKey(f.src_ip, f.user);
		const hidden = suppressed.has(key);
		return [
		{text: hidden ? '~' : marked.has(key) ? '*' : ' ', bold: true},
		{text: String(f.score), color: hidden ? theme.muted : theme.severity[severityOf(f.score)], bold: !hidden && severityOf(f.score) === 'high'},
		{text: f.src_ip, color: hidden ? theme.muted : theme.entity.src},
		{text: f.user, color: hidden ? theme.muted : theme.entity.user},
		{text: count(f.target_count)},
		{text: f.failed === 0 ? '' : count(f.failed), color: theme.outcome.failure},
		{text: f.after_hours ? 'yes' : ''},
		{text: shortTime(f.first_seen, tz, dated)},
		{text: shortTime(f.last_seen, tz, dated)},
		];
	});
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Line width={width} bold color={error ? theme.warning : undefined}>{fit(title, width)}</Line>
			<Table
				columns={COLUMNS} rows={rows} offset={offset} cursor={cursor} width={width} height={height - 1}
				empty={error ? '' : `no ${profile} findings in this window (w: another window, p: another profile)`}
			/>
		</Box>
	);
}
