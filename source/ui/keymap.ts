/**
 * The one key table. Every key is a shortcut for a named command; the input handler, the status
 * bar hints and the help screen all read this table, so they cannot drift apart.
 */
import type {ViewName} from './state.ts';

/** Where keys are read: a view on the stack, or an overlay on top of it. */
export type KeyContext = ViewName | 'search' | 'choice' | 'text';

export type CommandName =
	| 'move-up' | 'move-down' | 'page-up' | 'page-down' | 'top' | 'bottom'
	| 'open' | 'pivot-source' | 'pivot-user' | 'pivot-host' | 'back'
	| 'search' | 'allowlist' | 'mark' | 'profile' | 'window' | 'timeline' | 'chain' | 'cycle' | 'cycle-back'
	| 'export' | 'help' | 'quit' | 'interrupt' | 'load-sample'
	| 'toggle-entry' | 'edit-reason' | 'delete-entry' | 'toggle-suppressed'
	| 'accept' | 'cancel' | 'erase' | 'option-up' | 'option-down' | 'match-up' | 'match-down';

export interface Binding {
	command: CommandName;
	/** Key names as `keyName` returns them: a printed character, or `up`, `enter`, `ctrl-c`... */
	keys: readonly string[];
	description: string;
	contexts: readonly KeyContext[];
	/** Shown in the status bar of these contexts (the few keys that matter there). */
	hint?: string;
	/** The hint stays in the status bar however narrow the terminal is. */
	pinned?: boolean;
	/**
	 * The command changes the database, named so in the message a read-only one gives at its key
	 * (`marking needs a writable database`); a read-only one shows no hint for it.
	 */
	writes?: string;
}

const LISTS = ['findings', 'finding', 'entity', 'timeline', 'chain', 'allowlist', 'shortlist', 'datasets', 'help'] as const satisfies readonly KeyContext[];
const ROWS_WITH_PAIRS = ['findings', 'finding', 'entity', 'shortlist'] as const satisfies readonly KeyContext[];
const OVERLAYS = ['search', 'choice', 'text'] as const satisfies readonly KeyContext[];

/** Every binding, in the order the help screen lists them. */
export const KEYMAP: readonly Binding[] = [
	{command: 'move-up', keys: ['up', 'k'], description: 'move up', contexts: LISTS},
	{command: 'move-down', keys: ['down', 'j'], description: 'move down', contexts: LISTS},
	{command: 'page-up', keys: ['pageup'], description: 'page up', contexts: LISTS},
	{command: 'page-down', keys: ['pagedown'], description: 'page down', contexts: LISTS},
	{command: 'top', keys: ['g', 'home'], description: 'first row', contexts: LISTS},
	{command: 'bottom', keys: ['G', 'end'], description: 'last row', contexts: LISTS},
	{command: 'open', keys: ['enter'], description: "open the row: a finding's events, targets and score breakdown", contexts: ['findings', 'entity', 'chain', 'shortlist'], hint: 'open'},
	{command: 'pivot-source', keys: ['s'], description: "pivot to the selected row's source", contexts: ROWS_WITH_PAIRS, hint: 'source'},
	{command: 'pivot-user', keys: ['u'], description: "pivot to the selected row's user", contexts: ROWS_WITH_PAIRS, hint: 'user'},
	{command: 'pivot-host', keys: ['h'], description: "pivot to the selected row's target host", contexts: ROWS_WITH_PAIRS, hint: 'host'},
	{command: 'back', keys: ['backspace', 'escape'], description: 'back one pivot (the breadcrumb shows the path)', contexts: LISTS, hint: 'back'},
	{command: 'search', keys: ['/'], description: 'fuzzy search sources, users and hosts; Enter jumps there', contexts: LISTS, hint: 'search'},
	{command: 'allowlist', keys: ['a'], description: 'allowlist the selection: source, user, target or pair + reason', contexts: ROWS_WITH_PAIRS, hint: 'allow', writes: 'allowlisting'},
	{command: 'mark', keys: ['m'], description: 'mark / unmark for the shortlist (status and note)', contexts: ROWS_WITH_PAIRS, hint: 'mark', writes: 'marking'},
	{command: 'toggle-suppressed', keys: ['A'], description: 'show / hide the findings the allowlist suppresses (marked ~)', contexts: ['findings']},
	{command: 'timeline', keys: ['t'], description: 'timeline of the current entity (logons by hour)', contexts: ['findings', 'finding', 'entity', 'shortlist'], hint: 'timeline'},
	{command: 'chain', keys: ['c'], description: 'hop chain of the finding: an indented path with times', contexts: ['findings', 'finding', 'shortlist']},
	{command: 'profile', keys: ['p'], description: 'choose the detection profile', contexts: LISTS},
	{command: 'window', keys: ['w'], description: "choose the hunt window (profile's own, 24 h, 7 d, 30 d, all)", contexts: LISTS},
	{command: 'cycle', keys: ['tab'], description: 'cycle views: findings, allowlist, shortlist, datasets', contexts: LISTS, hint: 'views'},
	{command: 'cycle-back', keys: ['shift-tab'], description: 'cycle views backwards', contexts: LISTS},
	{command: 'export', keys: ['e'], description: 'export the shortlist (csv, json or md by file name)', contexts: LISTS},
	{command: 'toggle-entry', keys: ['x'], description: 'allowlist: enable / disable the selected entry', contexts: ['allowlist'], hint: 'on/off', writes: 'changing an entry'},
	{command: 'edit-reason', keys: ['r'], description: "allowlist: edit the selected entry's reason", contexts: ['allowlist'], hint: 'reason', writes: 'editing a reason'},
	{command: 'delete-entry', keys: ['d'], description: 'allowlist: delete the selected entry', contexts: ['allowlist'], hint: 'delete', writes: 'deleting an entry'},
	{command: 'load-sample', keys: ['L'], description: 'load the bundled sample (on an empty database)', contexts: ['findings'], hint: 'load the sample', writes: 'loading the sample'},
	{command: 'help', keys: ['?'], description: 'help: this key table', contexts: LISTS, hint: 'help', pinned: true},
	{command: 'quit', keys: ['q'], description: 'quit', contexts: LISTS, hint: 'quit', pinned: true},
	// j and k move in a choice list as in every view; in search they are letters of the query.
	{command: 'option-up', keys: ['up', 'k', 'ctrl-p'], description: 'previous option', contexts: ['choice']},
	{command: 'option-down', keys: ['down', 'j', 'ctrl-n'], description: 'next option', contexts: ['choice']},
	{command: 'match-up', keys: ['up', 'ctrl-p'], description: 'previous match', contexts: ['search']},
	{command: 'match-down', keys: ['down', 'ctrl-n'], description: 'next match', contexts: ['search']},
	{command: 'accept', keys: ['enter'], description: 'accept (search: jump to the entity)', contexts: OVERLAYS, hint: 'accept', pinned: true},
	{command: 'cancel', keys: ['escape'], description: 'cancel', contexts: OVERLAYS, hint: 'cancel', pinned: true},
	{command: 'erase', keys: ['backspace'], description: 'delete the last character', contexts: ['search', 'text']},
	{command: 'interrupt', keys: ['ctrl-c'], description: 'quit from anywhere', contexts: [...LISTS, ...OVERLAYS]},
];

/** The subset of ink's Key this module reads. */
export interface KeyLike {
	upArrow?: boolean;
	downArrow?: boolean;
	leftArrow?: boolean;
	rightArrow?: boolean;
	pageUp?: boolean;
	pageDown?: boolean;
	home?: boolean;
	end?: boolean;
	return?: boolean;
	escape?: boolean;
	ctrl?: boolean;
	shift?: boolean;
	tab?: boolean;
	backspace?: boolean;
	delete?: boolean;
	meta?: boolean;
}

/**
 * The key name of one keypress as ink reports it. Terminals send DEL (0x7f) for the Backspace
 * key, which ink calls `delete`; both mean backspace here.
 */
export function keyName(input: string, key: KeyLike): string {
	if (key.upArrow) return 'up';
	if (key.downArrow) return 'down';
	if (key.leftArrow) return 'left';
	if (key.rightArrow) return 'right';
	if (key.pageUp) return 'pageup';
	if (key.pageDown) return 'pagedown';
	if (key.home) return 'home';
	if (key.end) return 'end';
	if (key.return) return 'enter';
	if (key.tab) return key.shift ? 'shift-tab' : 'tab';
	if (key.backspace || key.delete) return 'backspace';
	if (key.escape) return 'escape';
	if (key.ctrl && input.length === 1) return `ctrl-${input.toLowerCase()}`;
	if (key.meta) return `meta-${input}`;
	return input;
}

/** A keypress as ink reports it: what was typed and which named key it is. */
export interface Keypress {
	input: string;
	key: KeyLike;
}

/** One character read on its own, as ink would report it: Enter, Tab, Backspace, Ctrl+letter, or text. */
function keypressOf(char: string): Keypress {
	const code = char.codePointAt(0)!;
	if (char === '\r' || char === '\n') return {input: char, key: {return: true}};
	if (char === '\t') return {input: char, key: {tab: true}};
	if (char === '\x7f' || char === '\b') return {input: char, key: {backspace: true}};
	if (code >= 1 && code <= 26) return {input: String.fromCharCode(code + 96), key: {ctrl: true}};
	return {input: char, key: {}};
}

/**
 * The keypresses in one of ink's inputs. A terminal delivers several keys in one read when they
 * come faster than the program reads them: a held key repeating, a paste, ssh over a slow link.
 * Ink reports escape sequences (arrows, PgDn) one by one, but a run of plain characters as one
 * input (`jj`, `abc\r`), which is no key name: each character is a keypress of its own.
 */
export function splitKeys(input: string, key: KeyLike): Keypress[] {
	// Esc and the key after it in one read (typed fast, or sent together by ssh) reach ink as one
	// keypress: marked meta (Alt+key sends the same bytes, and no key here is an Alt one), or, for
	// Tab, as a tab character that is not the Tab key. Both keys count, Esc first.
	if (key.meta && !key.escape) return [ESCAPE, ...splitKeys(input, {...key, meta: false})];
	if (input === '\t' && !key.tab) return [ESCAPE, {input: '', key: {tab: true}}];
	const chars = [...input];
	if (chars.length <= 1 || key.ctrl || key.escape) return [{input, key}];
	return chars.map(keypressOf);
}

const ESCAPE: Keypress = {input: '', key: {escape: true}};

/** What a command that writes is called in a read-only database's message; undefined for one that only reads. */
export function writesAs(command: CommandName): string | undefined {
	return KEYMAP.find(b => b.command === command)?.writes;
}

/** The command a key runs in a context, if any. */
export function commandFor(context: KeyContext, name: string): CommandName | undefined {
	return KEYMAP.find(b => b.contexts.includes(context) && b.keys.includes(name))?.command;
}

/** The bindings that apply in a context, in table order. */
export function bindingsFor(context: KeyContext): Binding[] {
	return KEYMAP.filter(b => b.contexts.includes(context));
}

const KEY_LABEL: Record<string, string> = {
	up: '↑', down: '↓', pageup: 'PgUp', pagedown: 'PgDn', home: 'Home', end: 'End', enter: 'Enter',
	backspace: 'Backspace', escape: 'Esc', tab: 'Tab', 'shift-tab': 'Shift-Tab', 'ctrl-c': 'Ctrl-C',
	'ctrl-n': 'Ctrl-N', 'ctrl-p': 'Ctrl-P',
};

/** How a key is written on screen: `Enter`, `↑`, `j`. */
export function keyLabel(name: string): string {
	return KEY_LABEL[name] ?? name;
}

/** A status-bar hint: the first key of a command and a word for it. */
export interface Hint {
	key: string;
	label: string;
	pinned: boolean;
}

/** How the first key of a command is written on screen (`/`, `Tab`). */
export function keyFor(command: CommandName): string {
	const binding = KEYMAP.find(b => b.command === command);
	if (!binding) throw new Error(`no key runs ${command}`);
	return keyLabel(binding.keys[0]!);
}

/**
 * The status-bar hints of a context: its own keys first, then in table order. On an empty store
 * (`empty`) the findings view has no row to act on: its hints are loading the sample and the
 * pinned ones; otherwise loading the sample is left out. On a read-only store (`readOnly`) the
 * keys that write are left out.
 */
export function hintsFor(context: KeyContext, empty = false, readOnly = false): Hint[] {
	const hinted = bindingsFor(context)
		.filter(b => b.hint !== undefined && (empty ? b.command === 'load-sample' || b.pinned === true : b.command !== 'load-sample'))
		.filter(b => !(readOnly && b.writes !== undefined));
	// A view's own keys (the allowlist's x, r and d) before those every list has, which a narrow
	// status bar would otherwise show instead.
	const own = (b: Binding) => b.contexts.length === 1 ? 0 : 1;
	return hinted
		.sort((a, b) => own(a) - own(b))
		.map(b => ({key: keyLabel(b.keys[0]!), label: b.hint!, pinned: b.pinned === true}));
}

/** True when the keypress is text to type into a prompt (not a named key). */
export function isPrintable(input: string, key: KeyLike): boolean {
	return input.length > 0 && !key.ctrl && !key.meta && !key.return && !key.escape && !key.tab && !key.backspace && !key.delete
		// eslint-disable-next-line no-control-regex
		&& !/[\u0000-\u001f\u007f]/.test(input);
}
