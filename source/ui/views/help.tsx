/**
 * Every key, generated from the keymap table: keys, what they do, and where they apply.
 */
import React from 'react';
import {Box} from 'ink';
import {keyLabel, type Binding, type KeyContext} from '../keymap.ts';
import {Table, type Column} from '../components/table.tsx';
import {Line} from '../components/line.tsx';
import {fit} from '../components/format.ts';

const COLUMNS: Column[] = [
	{title: 'keys', width: 15},
	{title: 'action', width: 20, flex: true},
	{title: 'where', width: 18, drop: 1},
];

const VIEWS: KeyContext[] = ['findings', 'finding', 'entity', 'timeline', 'allowlist', 'shortlist', 'datasets', 'help'];
const PROMPTS: KeyContext[] = ['search', 'choice', 'text'];

/** Where a binding applies, in words: `every view`, `prompts`, `findings, entity`. */
export function whereLabel(contexts: readonly KeyContext[]): string {
	const views = VIEWS.every(v => contexts.includes(v));
	const prompts = PROMPTS.some(p => contexts.includes(p));
	if (views && prompts) return 'everywhere';
	if (views) return 'every view';
	if (prompts && !contexts.some(c => VIEWS.includes(c))) return contexts.length === PROMPTS.length ? 'prompts' : contexts.join(', ');
	return contexts.join(', ');
}

export interface HelpViewProps {
	bindings: Binding[];
	offset: number;
	page: number;
	cursor: number;
	width: number;
	height: number;
}

export function HelpView({bindings, offset, page, cursor, width, height}: HelpViewProps) {
	// The action matters most: the "where" column only when there is room for both.
	const columns = width >= 100 ? COLUMNS : COLUMNS.slice(0, 2);
	const rows = bindings.slice(offset, offset + page).map(b => [
		{text: b.keys.map(keyLabel).join(' '), bold: true},
		{text: b.description},
		{text: whereLabel(b.contexts)},
	].slice(0, columns.length));
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Line width={width} bold>{fit(`keys · ${bindings.length} commands · Backspace or Esc returns`, width)}</Line>
			<Table columns={columns} rows={rows} offset={offset} cursor={cursor} width={width} height={height - 1} />
		</Box>
	);
}
