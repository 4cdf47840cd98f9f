/**
 * Screen arithmetic shared by the views and the hooks that fetch their rows: how many lines the
 * frame around the body takes, and how many rows of each view fit, so a hook queries exactly
 * the rows that will be drawn.
 */
import type {ViewName} from '../state.ts';

/** Lines outside the body: the breadcrumb, the message line and the status bar. */
export const FRAME_LINES = 3;

/** Lines of each view above its rows (titles, summaries, the table header). */
export const CHROME: Record<Exclude<ViewName, 'finding'>, number> = {
	findings: 2,
	entity: 4,
	timeline: 5,
	chain: 2,
	allowlist: 2,
	shortlist: 2,
	datasets: 2,
	help: 2,
};

/** Reason lines shown in a finding's detail: all of them when they fit, never crowding out events. */
export function reasonLines(reasons: number, body: number): number {
	return Math.max(0, Math.min(reasons, Math.floor((body - 8) / 2)));
}

/** Lines of the finding detail above its event rows, given how many reason lines it shows. */
export function detailChrome(reasonsShown: number): number {
	return 6 + reasonsShown;
}

/** Rows of a view that fit in a body of `body` lines. */
export function pageRows(view: ViewName, body: number, reasonsShown = 0): number {
	const chrome = view === 'finding' ? detailChrome(reasonsShown) : CHROME[view];
	return Math.max(1, body - chrome);
}
