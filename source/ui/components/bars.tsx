/**
 * The frame around every view: the breadcrumb on top, a message line and the status bar below.
 */
import React from 'react';
import {Text} from 'ink';
import {clip} from '../../util/sanitize.ts';
import {fit, safe, widthOf} from './format.ts';
import {Line} from './line.tsx';
import {useTheme} from '../theme.ts';
import type {Hint} from '../keymap.ts';

/** `lateral › findings › user adm-jdoe`, cut from the left when it is too long (the end matters). */
export function Breadcrumb({path, width}: {path: string[]; width: number}) {
	const theme = useTheme();
	const text = clip(['lateral', ...path.map(p => safe(p))].join(' › '), width, 'start');
	return <Line width={width} bold color={theme.accent}>{text}</Line>;
}

export function MessageLine({message, width}: {message: string | null; width: number}) {
	const theme = useTheme();
	return <Line width={width} color={theme.warning}>{message ? fit(message, width) : ' '}</Line>;
}

/**
 * Where we are on the left (database, profile, counts), the keys that matter here on the right:
 * pinned ones (help, quit) always, the others as far as they fit.
 */
export function StatusBar({left, hints, width}: {left: string; hints: Hint[]; width: number}) {
	const theme = useTheme();
	const say = (h: Hint) => `${h.key} ${h.label}`;
	const pinned = hints.filter(h => h.pinned).map(say).join('  ');
	const leftText = fit(left, Math.max(0, Math.min(widthOf(left), width - widthOf(pinned) - 2)));
	const room = width - widthOf(leftText) - 2 - (pinned === '' ? 0 : widthOf(pinned) + 2);
	let shown = '';
	for (const part of hints.filter(h => !h.pinned).map(say)) {
		const next = shown === '' ? part : `${shown}  ${part}`;
		if (widthOf(next) > room) break;
		shown = next;
	}

	const keys = [shown, pinned].filter(x => x !== '').join('  ');
	return (
		<Line width={width} inverse={!theme.noColor}>
			<Text bold>{leftText}</Text>
			<Text color={theme.muted}>{keys === '' ? '' : `  ${keys}`}</Text>
		</Line>
	);
}
