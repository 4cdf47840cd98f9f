/**
 * The prompts of multi-step actions, drawn under the view: a list of options or a line of text.
 * A text prompt that refused an empty value says why after its cursor and stays open.
 */
import React from 'react';
import {Box, Text} from 'ink';
import {fit, safe} from './format.ts';
import {Line} from './line.tsx';
import {useTheme} from '../theme.ts';
import type {Overlay} from '../state.ts';

/** Lines a prompt takes: a rule, the title, then its options or its input line. */
export function promptLines(overlay: Overlay | null): number {
	if (overlay?.type === 'choice') return 2 + overlay.options.length;
	if (overlay?.type === 'text') return 3;
	return 0;
}

export function Prompt({overlay, width}: {overlay: Overlay; width: number}) {
	const theme = useTheme();
	if (overlay.type === 'search') return null;
	return (
		<Box flexDirection="column" width={width} flexShrink={0}>
			<Line width={width} color={theme.muted}>{'─'.repeat(width)}</Line>
			<Line width={width} bold color={theme.accent}>{fit(overlay.title, width)}</Line>
			{overlay.type === 'choice'
				? overlay.options.map((o, i) => (
					<Line key={o.value} width={width} inverse={i === overlay.selected}>{fit(`${i === overlay.selected ? '›' : ' '} ${o.label}`, width)}</Line>
				))
				: (
					<Line width={width}>
						{`> ${[...safe(overlay.value)].slice(-(width - 3)).join('')}█`}
						{overlay.problem ? <Text color={theme.warning}>{`  ${safe(overlay.problem)}`}</Text> : null}
					</Line>
				)}
		</Box>
	);
}
