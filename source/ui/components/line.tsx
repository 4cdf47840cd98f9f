/**
 * One screen line: exactly one row high and never wider than `width` (ink truncates what is
 * left over), so no view can push the layout past the terminal's edge.
 */
import React, {type ReactNode} from 'react';
import {Box, Text} from 'ink';

export interface LineProps {
	width: number;
	children?: ReactNode;
	color?: string | undefined;
	bold?: boolean;
	inverse?: boolean;
	dim?: boolean;
}

export function Line({width, children, color, bold, inverse, dim}: LineProps) {
	return (
		<Box width={Math.max(1, width)} height={1} overflow="hidden" flexShrink={0}>
			<Text wrap="truncate-end" color={color} bold={bold} inverse={inverse} dimColor={dim}>{children ?? ' '}</Text>
		</Box>
	);
}

/** Empty lines filling the rest of an area, so the status bar stays at the bottom. */
export function Filler({width, lines}: {width: number; lines: number}) {
	if (lines <= 0) return null;
	return <Box width={Math.max(1, width)} height={lines} flexShrink={0} />;
}
