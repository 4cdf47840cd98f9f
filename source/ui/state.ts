/**
 * The console's state: a stack of views (a pivot pushes `{view, subject}`, back pops it), one
 * optional overlay (search, a choice or a text prompt), the profile in use and a one-line message.
 * Everything here is pure so the reducer is tested without a screen; the breadcrumb is derived.
 */

/** A thing a hunter pivots to: one source address, user or target host. */
export type EntityKind = 'src' | 'user' | 'target';

export interface Entity {
	kind: EntityKind;
	value: string;
}

/** What a timeline or detail is about: an entity, or a (source, user) pair (a finding). */
export type Subject = Entity | {kind: 'pair'; src: string; user: string};

/** Views cycled with Tab: the roots of the stack. */
export const ROOT_VIEWS = ['findings', 'allowlist', 'shortlist', 'datasets'] as const;
export type RootView = (typeof ROOT_VIEWS)[number];

/** Every view that can sit on the stack. */
export type ViewName = RootView | 'finding' | 'entity' | 'timeline' | 'chain' | 'help';

/** One level of the stack: a view, what it shows, and where the cursor is in its rows. */
export interface Frame {
	view: ViewName;
	subject?: Subject;
	/** Index of the selected row. */
	cursor: number;
	/** Index of the first row on screen. */
	offset: number;
}

/** One option of a choice overlay. */
export interface ChoiceOption {
	value: string;
	label: string;
}

/**
 * What an overlay is for, with the values gathered so far: the console's multi-step actions
 * (allowlist: kind, then reason; mark: status, then note) carry their context from step to step.
 */
export type Purpose =
	| {action: 'allow-kind'; src?: string; user?: string; target?: string}
	| {action: 'allow-reason'; kind: 'src_ip' | 'user' | 'target' | 'pair'; src?: string; user?: string; target?: string}
	| {action: 'mark-menu'; src: string; user: string}
	| {action: 'mark-status'; src: string; user: string}
	| {action: 'mark-note'; src: string; user: string; status: string}
	| {action: 'profile'}
	| {action: 'window'}
	| {action: 'export'}
	/** `typed`: the path as typed, put back in the prompt when the hunter keeps the file. */
	| {action: 'export-replace'; file: string; typed: string}
	| {action: 'entry-reason'; id: number}
	| {action: 'entry-delete'; id: number}
	| {action: 'load-sample'};

export type Overlay =
	| {type: 'search'; query: string; selected: number}
	| {type: 'choice'; title: string; options: ChoiceOption[]; selected: number; purpose: Purpose}
	/** `problem`: why Enter did not accept the value (a required one left empty); typing clears it. */
	| {type: 'text'; title: string; value: string; purpose: Purpose; problem?: string};

export interface State {
	stack: Frame[];
	overlay: Overlay | null;
	profile: string;
	/** The hunt window's length in ms; null: all loaded time; undefined: the profile's own. */
	window: number | null | undefined;
	message: string | null;
	/** Bumped whenever the data changes (allowlist, shortlist, a load): views re-query. */
	revision: number;
	/** Findings the allowlist suppresses are listed too (marked), so nothing disappears silently. */
	showSuppressed: boolean;
}

export type Move = 'up' | 'down' | 'pageUp' | 'pageDown' | 'top' | 'bottom';

export type Action =
	| {type: 'push'; view: ViewName; subject?: Subject}
	| {type: 'pop'}
	| {type: 'cycle'; direction: 1 | -1}
	| {type: 'move'; move: Move; count: number; page: number}
	| {type: 'open-overlay'; overlay: Overlay}
	| {type: 'close-overlay'}
	| {type: 'type'; text: string}
	| {type: 'erase'}
	| {type: 'overlay-move'; delta: number; count: number}
	| {type: 'prompt-problem'; problem: string}
	| {type: 'set-profile'; profile: string}
	| {type: 'set-window'; window: number | null | undefined}
	| {type: 'notify'; message: string | null}
	| {type: 'refresh'}
	| {type: 'toggle-suppressed'};

export function initialState(profile: string, root: RootView = 'findings', window?: number | null): State {
	return {stack: [{view: root, cursor: 0, offset: 0}], overlay: null, profile, window, message: null, revision: 0, showSuppressed: false};
}

/** The frame on top of the stack (the view on screen). */
export function current(state: State): Frame {
	return state.stack[state.stack.length - 1]!;
}

const clamp = (n: number, low: number, high: number) => Math.max(low, Math.min(high, n));

/** The first row to draw so that the cursor is visible in `page` rows (the view may be resized). */
export function visibleOffset(frame: Frame, page: number): number {
	const rows = Math.max(1, page);
	return clamp(frame.offset, Math.max(0, frame.cursor - rows + 1), frame.cursor);
}

function moved(frame: Frame, move: Move, count: number, page: number): Frame {
	const rows = Math.max(1, page);
	const last = Math.max(0, count - 1);
	const step: Record<Move, number> = {
		up: frame.cursor - 1,
		down: frame.cursor + 1,
		pageUp: frame.cursor - rows,
		pageDown: frame.cursor + rows,
		top: 0,
		bottom: last,
	};
	const cursor = clamp(step[move], 0, last);
	const offset = clamp(visibleOffset({...frame, cursor}, rows), 0, Math.max(0, count - rows));
	return {...frame, cursor, offset: Math.min(offset, cursor)};
}

const sameSubject = (a: Subject | undefined, b: Subject | undefined) => JSON.stringify(a) === JSON.stringify(b);

/** A text prompt without its problem: the hunter is fixing it. */
function withoutProblem(o: Extract<Overlay, {type: 'text'}>): Extract<Overlay, {type: 'text'}> {
	const {problem: _problem, ...rest} = o;
	return rest;
}

export function reducer(state: State, action: Action): State {
	switch (action.type) {
		case 'push': {
			const top = current(state);
			// Pivoting to what is already on screen is a no-op, so back never shows the same view twice.
			if (top.view === action.view && sameSubject(top.subject, action.subject)) return {...state, overlay: null};
			const frame: Frame = {view: action.view, cursor: 0, offset: 0};
			if (action.subject) frame.subject = action.subject;
			return {...state, stack: [...state.stack, frame], overlay: null, message: null};
		}

		case 'pop':
			if (state.stack.length <= 1) return {...state, message: 'at the top (Tab cycles views, q quits)'};
			return {...state, stack: state.stack.slice(0, -1), message: null};
		case 'cycle': {
			const root = state.stack[0]!.view as RootView;
			const i = ROOT_VIEWS.indexOf(root);
			const next = ROOT_VIEWS[(i + action.direction + ROOT_VIEWS.length) % ROOT_VIEWS.length]!;
			return {...state, stack: [{view: next, cursor: 0, offset: 0}], overlay: null, message: null};
		}

		case 'move': {
			const stack = [...state.stack];
			stack[stack.length - 1] = moved(current(state), action.move, action.count, action.page);
			return {...state, stack};
		}

		case 'open-overlay':
			return {...state, overlay: action.overlay, message: null};
		case 'close-overlay':
			return {...state, overlay: null};
		case 'type': {
			const o = state.overlay;
			if (o?.type === 'search') return {...state, overlay: {...o, query: o.query + action.text, selected: 0}};
			if (o?.type === 'text') return {...state, overlay: {...withoutProblem(o), value: o.value + action.text}};
			return state;
		}

		case 'erase': {
			const o = state.overlay;
			if (o?.type === 'search') return {...state, overlay: {...o, query: [...o.query].slice(0, -1).join(''), selected: 0}};
			if (o?.type === 'text') return {...state, overlay: {...withoutProblem(o), value: [...o.value].slice(0, -1).join('')}};
			return state;
		}

		case 'prompt-problem': {
			const o = state.overlay;
			return o?.type === 'text' ? {...state, overlay: {...o, problem: action.problem}} : state;
		}

		case 'overlay-move': {
			const o = state.overlay;
			if (o?.type !== 'search' && o?.type !== 'choice') return state;
			const selected = clamp(o.selected + action.delta, 0, Math.max(0, action.count - 1));
			return {...state, overlay: {...o, selected}};
		}

		case 'set-profile':
			return {...state, profile: action.profile, stack: [{view: 'findings', cursor: 0, offset: 0}], overlay: null, revision: state.revision + 1};
		case 'set-window':
			return {...state, window: action.window, stack: [{view: 'findings', cursor: 0, offset: 0}], overlay: null, revision: state.revision + 1};
		case 'notify':
			return {...state, message: action.message};
		case 'refresh':
			return {...state, revision: state.revision + 1};
		case 'toggle-suppressed':
			return {...state, showSuppressed: !state.showSuppressed};
	}
}

const KIND_LABEL: Record<Subject['kind'], string> = {src: 'source', user: 'user', target: 'host', pair: 'finding'};

/** A short label for a subject, e.g. `user adm-jdoe` or `finding 10.0.0.5 / alice`. Not neutralised. */
export function subjectLabel(subject: Subject): string {
	return subject.kind === 'pair' ? `${KIND_LABEL.pair} ${subject.src} / ${subject.user}` : `${KIND_LABEL[subject.kind]} ${subject.value}`;
}

/** The path from the root view to the view on screen, one label per frame. Not neutralised. */
export function breadcrumb(state: State): string[] {
	return state.stack.map(frame => {
		if (frame.view === 'timeline' && frame.subject) return `timeline ${subjectLabel(frame.subject)}`;
		if (frame.view === 'chain' && frame.subject?.kind === 'pair') return `chain ${frame.subject.src} / ${frame.subject.user}`;
		if (frame.subject) return subjectLabel(frame.subject);
		return frame.view;
	});
}
