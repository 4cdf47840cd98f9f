/**
 * The allowlist with what each entry suppresses under the profile in use (logons it matches,
 * findings it alone removes; for an entry that is off or expired, what it would if on; none for
 * one kept for another profile); x enables or disables, r edits the reason, d deletes.
 */
import React from 'react';
import {Box} from 'ink';
import {describeEntry, formatExpiry} from '../../allowlist/entry.ts';
import type {Hits, StoredEntry} from '../../db/allowlist.ts';
import {Table, type Column} from '../components/table.tsx';
import {Line} from '../components/line.tsx';
import {count, fit, plural, safe} from '../components/format.ts';
import {useTheme} from '../theme.ts';

// What an entry matches takes spare width first (a pair's user must show), up to 44 columns;
// the reason the rest.
const COLUMNS: Column[] = [
	{title: 'id', width: 4, align: 'right'},
	{title: 'state', width: 7},
	{title: 'matches', width: 30, flex: true, maxWidth: 44},
	{title: 'events', width: 7, align: 'right'},
	{title: 'finds', width: 5, align: 'right'},
	{title: 'reason', width: 16, flex: true},
	{title: 'expires', width: 10, drop: 2},
	{title: 'profile', width: 8, drop: 1},
];

export interface AllowlistViewProps {
	entries: Array<{entry: StoredEntry; hits: Hits | undefined}>;
	offset: number;
	page: number;
	cursor: number;
	width: number;
	height: number;
	profile: string;
}

/** Off before expired, as `lateral allow list` says it: x on an expired entry shows its change. */
export function stateOf(e: StoredEntry): string {
	return !e.enabled ? 'off' : e.expired ? 'expired' : 'on';
}

export function AllowlistView({entries, offset, page, cursor, width, height, profile}: AllowlistViewProps) {
	const theme = useTheme();
	const on = entries.filter(e => e.entry.enabled && !e.entry.expired).length;
	const rows = entries.slice(offset, offset + page).map(({entry: e, hits}) => [
		{text: String(e.id)},
		{text: stateOf(e), color: !e.enabled ? theme.muted : e.expired ? theme.warning : theme.outcome.success},
		{text: safe(describeEntry(e))},
		{text: hits ? count(hits.events) : '…'},
		{text: hits ? count(hits.findings) : '…'},
		{text: safe(e.reason)},
		{text: e.expires === undefined ? '' : formatExpiry(e.expires).slice(0, 10)},
		{text: safe(e.profile ?? 'all')},
	]);
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Line width={width} bold>{fit(`allowlist · ${plural(entries.length, 'entry', 'entries')}, ${count(on)} on · hits under ${profile} (off or expired: if on)`, width)}</Line>
			<Table
				columns={COLUMNS} rows={rows} offset={offset} cursor={cursor} width={width} height={height - 1}
				empty="empty: press a on a finding, or run lateral allow add / import / suggest"
			/>
		</Box>
	);
}
