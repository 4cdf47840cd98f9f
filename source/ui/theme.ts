/**
 * Colours by meaning. Views ask for `theme.entity.user` or `theme.severity.high`, never for a
 * colour name, so the palette lives here and `NO_COLOR` (or --no-color) turns it all off: every
 * colour becomes undefined and meaning is carried by text alone (markers, glyphs, inverse rows).
 */
import {createContext, useContext} from 'react';

type Colour = string | undefined;

export interface Theme {
	noColor: boolean;
	severity: {high: Colour; medium: Colour; low: Colour};
	entity: {src: Colour; user: Colour; target: Colour};
	outcome: {failure: Colour; success: Colour};
	/** Background of after-hours cells in the timeline. */
	afterHours: Colour;
	/** Headings, the breadcrumb. */
	accent: Colour;
	/** Secondary text: hints, units, empty cells. */
	muted: Colour;
	/** Messages that report a problem. */
	warning: Colour;
}

const palette: Theme = {
	noColor: false,
	severity: {high: 'red', medium: 'yellow', low: 'green'},
	entity: {src: 'cyan', user: 'magenta', target: 'blue'},
	outcome: {failure: 'red', success: 'green'},
	afterHours: 'gray',
	accent: 'cyan',
	muted: 'gray',
	warning: 'yellow',
};

const plain: Theme = {
	noColor: true,
	severity: {high: undefined, medium: undefined, low: undefined},
	entity: {src: undefined, user: undefined, target: undefined},
	outcome: {failure: undefined, success: undefined},
	afterHours: undefined,
	accent: undefined,
	muted: undefined,
	warning: undefined,
};

export function makeTheme(noColor: boolean): Theme {
	return noColor ? plain : palette;
}

/** Severity band of a finding's score: scores of every profile land in roughly the same range. */
export function severityOf(score: number): 'high' | 'medium' | 'low' {
	return score >= 7 ? 'high' : score >= 4 ? 'medium' : 'low';
}

export const ThemeContext = createContext<Theme>(palette);

export function useTheme(): Theme {
	return useContext(ThemeContext);
}
