/**
 * Every key, generated from the keymap table: keys, what they do, and where they apply.
 */
import React from 'react';
import {Box} from 'ink';
import {keyLabel, type Binding, type KeyContext} from '../keymap.ts';
import {Table, type Column} from '../components/table.tsx';
import {Line} from '../components/line.tsx';
import {fit, widthOf} from '../components/format.ts';

/**
 * Keys, action, where. The where column is as wide as its longest entry, so it is read whole; it
 * is left out when that would leave the action fewer than 40 columns (at 80 columns, say). The
 * action grows no wider than its longest text, so on a wide screen where stays next to it.
 */
function columnsFor(bindings: Binding[]): Column[] {
	const longest = (text: (b: Binding) => string, least: number) => bindings.reduce((w, b) => Math.max(w, widthOf(text(b))), least);
	return [
		{title: 'keys', width: 15},
		{title: 'action', width: 40, flex: true, maxWidth: longest(b => b.description, 40)},
		{title: 'where', width: longest(b => whereLabel(b.contexts), 'where'.length), drop: 1},
	];
}

const VIEWS: KeyContext[] = ['findings', 'finding', 'entity', 'timeline', 'allowlist', 'shortlist', 'datasets', 'help'];
const PROMPTS: KeyContext[] = ['search', 'choice', 'text'];
/** The prompts in words: `choice` and `text` alone say little. */
const PROMPT_WORD: Partial<Record<KeyContext, string>> = {choice: 'choice lists', text: 'text prompts'};

/** Where a binding applies, in words: `every view`, `prompts`, `findings, entity`. */
export function whereLabel(contexts: readonly KeyContext[]): string {
	const views = VIEWS.every(v => contexts.includes(v));
	const prompts = PROMPTS.some(p => contexts.includes(p));
	if (views && prompts) return 'everywhere';
	if (views) return 'every view';
	if (prompts && !contexts.some(c => VIEWS.includes(c))) return contexts.length === PROMPTS.length ? 'prompts' : contexts.map(c => PROMPT_WORD[c] ?? c).join(', ');
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
	const columns = columnsFor(bindings);
	const rows = bindings.slice(offset, offset + page).map(b => [
		{text: b.keys.map(keyLabel).join(' '), bold: true},
		{text: b.description},
		{text: whereLabel(b.contexts)},
	]);
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Line width={width} bold>{fit(`keys · ${bindings.length} commands · Backspace or Esc returns`, width)}</Line>
			<Table columns={columns} rows={rows} offset={offset} cursor={cursor} width={width} height={height - 1} />
		</Box>
	);
}
