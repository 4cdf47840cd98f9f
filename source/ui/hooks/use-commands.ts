/**
 * What each named command of the keymap does. This is where the console touches the database
 * and files (allowlist, shortlist, export, loading the sample), so views stay pure renderers.
 * Every multi-step action is an overlay whose `purpose` carries what was chosen so far.
 */
import fs from 'node:fs';
import path from 'node:path';
import type {Dispatch} from 'react';
import type {Db} from '../../db/open.ts';
import {getEntry, insertEntries, removeEntry, sameRuleEntries, setEntryEnabled, setEntryReason} from '../../db/allowlist.ts';
import {getMark, listMarks, markPair, unmarkPair, STATUSES, type Status} from '../../db/shortlist.ts';
import {validateEntry, type Entry} from '../../allowlist/entry.ts';
import {listProfiles, loadProfile} from '../../detect/profiles.ts';
import {inChain} from '../../detect/chain.ts';
import type {Finding} from '../../detect/types.ts';
import {buildCase} from '../../commands/export.ts';
import {toCaseCsv, toCaseJson, toCaseMarkdown} from '../../export/case.ts';
import {dropSearchIndex, type SearchHit} from '../../search/index.ts';
import {neutralize} from '../../util/sanitize.ts';
import {DAY_MS, HOUR_MS} from '../../util/time.ts';
import {describeError, InputError} from '../../util/errors.ts';
import {writeTextFile} from '../../util/files.ts';
import {writesAs, type CommandName} from '../keymap.ts';
import {current, type Action, type ChoiceOption, type Purpose, type State, type Subject} from '../state.ts';
import {selectionOf, type Selection, type ViewModel} from './use-view-data.ts';

export interface CommandContext {
	db: Db;
	state: State;
	dispatch: Dispatch<Action>;
	model: ViewModel;
	hits: SearchHit[];
	logons: number;
	/** The findings of the hunt on screen (the chains view is built from them). */
	findings?: Finding[];
	tz: string;
	now?: number | undefined;
	window?: number | null | undefined;
	loadSample?: (() => Promise<string>) | undefined;
	/** Ends the console (the caller restores the terminal). */
	quit: () => void;
}

/** One line for the message bar: the same wording as the command line's errors (a read-only database says so). */
const oneLine = (error: unknown) => neutralize(describeError(error).message).split('\n')[0]!;

/** What a multi-step action was doing, in words, for its error line. */
const ACTION_WORD: Record<Purpose['action'], string> = {
	'allow-kind': 'allowlisting', 'allow-reason': 'allowlisting', 'mark-menu': 'marking', 'mark-status': 'marking',
	'mark-note': 'marking', profile: 'switching profile', window: 'changing the window', export: 'export', 'export-replace': 'export', 'entry-reason': 'editing the reason',
	'entry-delete': 'deleting the entry', 'load-sample': 'loading the sample',
};
/** Text prompts that need a value, and what Enter on an empty one says (the prompt stays open). */
const REQUIRED: Partial<Record<Purpose['action'], string>> = {
	'allow-reason': 'an allowlist entry needs a reason (Esc cancels)',
	export: 'a file name is needed (Esc cancels)',
	'entry-reason': 'the reason is required (Esc cancels)',
};
const ENTITY_WORD = {src: 'source', user: 'user', target: 'host'} as const;

function choice(title: string, options: ChoiceOption[], purpose: Purpose, selected = 0): Action {
	return {type: 'open-overlay', overlay: {type: 'choice', title, options, selected, purpose}};
}

/** A window length as the choice lists it: `24 hours`, `2 days`, `90 minutes`. */
function windowText(ms: number): string {
	const [n, unit] = ms % DAY_MS === 0 && ms > DAY_MS ? [ms / DAY_MS, 'day'] : ms % HOUR_MS === 0 ? [ms / HOUR_MS, 'hour']
		: ms % 60_000 === 0 ? [ms / 60_000, 'minute'] : [ms / 1000, 'second'];
	return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** Whether `profile` is a scored one (it works out hop chains), as far as its file can be read. */
function scored(profile: string): boolean {
	try {
		return loadProfile(profile).kind === 'scored';
	} catch {
		return true;
	}
}

/** The windows `w` offers, as choice values: `default` (the profile's own), `all`, or a length in ms. */
function windowOptions(profile: string, window: number | null | undefined): ChoiceOption[] {
	let own = 'its default';
	try {
		own = loadProfile(profile).defaultWindow;
	} catch {
		// A profile file removed since it was chosen: its hunt says so.
	}

	const options: ChoiceOption[] = [
		{value: 'default', label: `the profile's own (${own})`},
		...[24 * HOUR_MS, 7 * DAY_MS, 30 * DAY_MS].map(ms => ({value: String(ms), label: windowText(ms)})),
		{value: 'all', label: 'all loaded time'},
	];
	if (typeof window === 'number' && !options.some(o => o.value === String(window))) options.splice(1, 0, {value: String(window), label: `${windowText(window)} (from --window)`});
	return options;
}

const windowValue = (window: number | null | undefined): string => window === undefined ? 'default' : window === null ? 'all' : String(window);

/** A text prompt holding `value`; `problem` says why it opened again. */
function text(title: string, value: string, purpose: Purpose, problem?: string): Action {
	return {type: 'open-overlay', overlay: {type: 'text', title, value, purpose, ...(problem === undefined ? {} : {problem})}};
}

/** The subject of `t`: the entity on screen, the finding on screen, or the selected finding. */
function timelineSubject(state: State, sel: Selection | undefined): Subject | undefined {
	const frame = current(state);
	if ((frame.view === 'entity' || frame.view === 'finding') && frame.subject) return frame.subject;
	if (sel?.src !== undefined && sel.user !== undefined) return {kind: 'pair', src: sel.src, user: sel.user};
	return undefined;
}

/** Runs one command; returns nothing, reports through the reducer's message line. */
export function runCommand(command: CommandName, ctx: CommandContext): void {
	const {db, state, dispatch, model} = ctx;
	const frame = current(state);
	const sel = selectionOf(model, frame.cursor);
	const notify = (message: string) => dispatch({type: 'notify', message});
	const guard = (what: string, fn: () => void) => {
		try {
			fn();
		} catch (error) {
			notify(`${what} failed: ${oneLine(error)}`);
		}
	};

	const move = (m: 'up' | 'down' | 'pageUp' | 'pageDown' | 'top' | 'bottom') => dispatch({type: 'move', move: m, count: model.count, page: model.page});
	const pivot = (kind: 'src' | 'user' | 'target') => {
		const value = kind === 'src' ? sel?.src : kind === 'user' ? sel?.user : sel?.target;
		if (value === undefined) {
			const many = kind === 'target' && model.view === 'findings' && sel ? ' (this finding has several: Enter opens it, then pick an event)' : '';
			notify(`no ${ENTITY_WORD[kind]} on this row${many}`);
			return;
		}

		dispatch({type: 'push', view: 'entity', subject: {kind, value}});
	};

	// On a read-only database an action that writes says so at its first key, not after its prompts.
	const writes = writesAs(command);
	if (writes !== undefined && db.readonly) return notify(`${writes} needs a writable database; this one is read-only`);

	switch (command) {
		case 'move-up': return move('up');
		case 'move-down': return move('down');
		case 'page-up': return move('pageUp');
		case 'page-down': return move('pageDown');
		case 'top': return move('top');
		case 'bottom': return move('bottom');
		case 'open':
			if (sel?.src === undefined || sel.user === undefined) return notify('nothing to open on this row');
			return dispatch({type: 'push', view: 'finding', subject: {kind: 'pair', src: sel.src, user: sel.user}});
		case 'pivot-source': return pivot('src');
		case 'pivot-user': return pivot('user');
		case 'pivot-host': return pivot('target');
		case 'back': return dispatch({type: 'pop'});
		case 'toggle-suppressed':
			dispatch({type: 'toggle-suppressed'});
			return notify(state.showSuppressed ? 'allowlisted findings hidden' : '~ marks findings the allowlist suppresses (A hides them)');
		case 'search': return dispatch({type: 'open-overlay', overlay: {type: 'search', query: '', selected: 0}});
		case 'cycle': return dispatch({type: 'cycle', direction: 1});
		case 'cycle-back': return dispatch({type: 'cycle', direction: -1});
		case 'help': return frame.view === 'help' ? dispatch({type: 'pop'}) : dispatch({type: 'push', view: 'help'});
		case 'quit':
		case 'interrupt':
			return ctx.quit();
		case 'timeline': {
			const subject = timelineSubject(state, sel);
			if (!subject) return notify('select a row first');
			return dispatch({type: 'push', view: 'timeline', subject});
		}

		case 'chain': {
			const pair = frame.view === 'finding' && frame.subject?.kind === 'pair' ? {src: frame.subject.src, user: frame.subject.user}
				: sel?.src !== undefined && sel.user !== undefined ? {src: sel.src, user: sel.user} : undefined;
			if (!pair) return notify('select a finding first');
			if (!inChain(ctx.findings ?? [], pair.src, pair.user)) {
				if (!scored(state.profile)) return notify(`no hop chains under ${neutralize(state.profile)}: scored profiles such as lateral find them (p)`);
				return notify(`${neutralize(pair.src)} / ${neutralize(pair.user)} is not part of a hop chain in this hunt`);
			}
			return dispatch({type: 'push', view: 'chain', subject: {kind: 'pair', ...pair}});
		}

		case 'profile': {
			const profiles = listProfiles();
			const options = profiles.map(p => ({value: p.name, label: `${p.name.padEnd(9)} ${p.title}`}));
			if (!profiles.some(p => p.name === state.profile)) options.push({value: state.profile, label: `${state.profile} (file)`});
			return dispatch(choice('profile:', options, {action: 'profile'}, Math.max(0, options.findIndex(o => o.value === state.profile))));
		}

		case 'window': {
			const options = windowOptions(state.profile, state.window);
			return dispatch(choice('hunt window, up to the newest logon (or --now):', options, {action: 'window'}, Math.max(0, options.findIndex(o => o.value === windowValue(state.window)))));
		}

		case 'allowlist': {
			if (!sel || (sel.src === undefined && sel.user === undefined && sel.target === undefined)) return notify('nothing to allowlist on this row');
			const options: ChoiceOption[] = [];
			if (sel.src !== undefined) options.push({value: 'src_ip', label: `source ${neutralize(sel.src)} (every user and host)`});
			if (sel.user !== undefined) options.push({value: 'user', label: `user ${neutralize(sel.user)} (from every source)`});
			if (sel.target !== undefined) options.push({value: 'target', label: `target ${neutralize(sel.target)} (every logon to it)`});
			if (sel.src !== undefined && sel.user !== undefined) options.push({value: 'pair', label: `pair ${neutralize(sel.src)} + ${neutralize(sel.user)}`});
			else if (sel.src !== undefined && sel.target !== undefined) options.push({value: 'pair', label: `pair ${neutralize(sel.src)} + ${neutralize(sel.target)}`});
			return dispatch(choice('allowlist what?', options, {action: 'allow-kind', ...sel}, options.length - 1));
		}

		case 'mark': {
			if (sel?.src === undefined || sel.user === undefined) return notify('marking needs a row with a source and a user');
			const marked = getMark(db, sel.src, sel.user);
			if (marked) {
				return dispatch(choice(`${neutralize(sel.src)} / ${neutralize(sel.user)} is marked ${marked.status}:`, [
					{value: 'edit', label: 'change status and note'},
					{value: 'unmark', label: 'unmark (take it off the shortlist)'},
				], {action: 'mark-menu', src: sel.src, user: sel.user}));
			}

			return dispatch(choice(`mark ${neutralize(sel.src)} / ${neutralize(sel.user)} as:`, STATUSES.map(s => ({value: s, label: s})), {action: 'mark-status', src: sel.src, user: sel.user}));
		}

		case 'export':
			if (listMarks(db).length === 0) return notify('the shortlist is empty: mark findings with m first, then export');
			return dispatch(exportPrompt('lateral-shortlist.md'));
		case 'load-sample':
			if (ctx.logons < 0) return notify('still hunting; try again in a moment');
			if (ctx.logons > 0) return notify('the database already holds logons (lateral load adds more)');
			if (!ctx.loadSample) return notify('no bundled sample in this build');
			notify('loading the bundled sample…');
			ctx.loadSample().then(summary => {
				dropSearchIndex(db);
				dispatch({type: 'refresh'});
				notify(summary);
			}, (error: unknown) => notify(`loading the sample failed: ${oneLine(error)}`));
			return;
		case 'toggle-entry':
		case 'edit-reason':
		case 'delete-entry': {
			if (model.view !== 'allowlist') return;
			const item = model.entries[frame.cursor];
			if (!item) return notify('no entry selected');
			const e = item.entry;
			if (command === 'toggle-entry') {
				return guard('changing the entry', () => {
					setEntryEnabled(db, e.id, !e.enabled);
					dispatch({type: 'refresh'});
					notify(`entry ${e.id} ${e.enabled ? 'disabled' : 'enabled'}; findings recomputed`);
				});
			}

			if (command === 'edit-reason') return dispatch(text(`reason for entry ${e.id}:`, e.reason, {action: 'entry-reason', id: e.id}));
			return dispatch(choice(`delete entry ${e.id}?`, [{value: 'no', label: 'no, keep it'}, {value: 'yes', label: 'yes, delete it'}], {action: 'entry-delete', id: e.id}));
		}

		case 'option-up':
		case 'option-down':
		case 'match-up':
		case 'match-down': {
			const o = state.overlay;
			const count = o?.type === 'choice' ? o.options.length : ctx.hits.length;
			return dispatch({type: 'overlay-move', delta: command === 'option-up' || command === 'match-up' ? -1 : 1, count});
		}

		case 'erase': return dispatch({type: 'erase'});
		case 'cancel': return dispatch({type: 'close-overlay'});
		case 'accept': return accept(ctx);
	}
}

/** The entry `a` adds: an exact rule for what was chosen, with `reason`. */
function consoleEntry(p: Extract<Purpose, {action: 'allow-reason'}>, reason: string): Entry {
	const raw: Record<string, unknown> = {kind: p.kind, match: 'exact', reason};
	if (p.kind === 'pair') {
		raw['src_ip'] = p.src;
		if (p.user !== undefined) raw['user'] = p.user;
		else raw['target'] = p.target;
	} else {
		raw['pattern'] = p.kind === 'src_ip' ? p.src : p.kind === 'user' ? p.user : p.target;
	}

	return validateEntry(raw);
}

/** The prompt of `e`, holding `value`. */
function exportPrompt(value: string, problem?: string): Action {
	return text('export the shortlist to (.md, .csv or .json):', value, {action: 'export'}, problem);
}

/**
 * Writes the shortlist's case file to `file` (its format from the extension). A file that cannot
 * be written opens the prompt again with the path as typed and why, to be put right.
 */
function exportCase(ctx: CommandContext, file: string, typed: string): void {
	const {db, state, dispatch} = ctx;
	const ext = path.extname(file).toLowerCase();
	const c = buildCase(db, {profile: state.profile, tz: ctx.tz, ...(ctx.now === undefined ? {} : {now: ctx.now}), ...(ctx.window === undefined ? {} : {window: ctx.window})}, false);
	const format = ext === '.csv' ? 'CSV' : ext === '.json' ? 'JSON' : 'Markdown';
	const body = format === 'CSV' ? toCaseCsv(c) : format === 'JSON' ? toCaseJson(c) : toCaseMarkdown(c);
	try {
		writeTextFile(file, body);
	} catch (error) {
		if (!(error instanceof InputError)) throw error;
		dispatch(exportPrompt(typed, `${error.reason} (Esc cancels)`));
		return;
	}

	dispatch({type: 'notify', message: `wrote ${neutralize(file)} (${format}, ${c.findings.length} shortlisted)`});
}

/** Enter in an overlay: finish the step it is for, or open the next one. */
function accept(ctx: CommandContext): void {
	const {db, state, dispatch} = ctx;
	const o = state.overlay;
	const notify = (message: string) => dispatch({type: 'notify', message});
	if (!o) return;
	if (o.type === 'search') {
		const hit = ctx.hits[o.selected];
		if (!hit) return notify('no match selected');
		dispatch({type: 'push', view: 'entity', subject: {kind: hit.kind, value: hit.value}});
		return;
	}

	const p = o.purpose;
	const value = o.type === 'choice' ? o.options[o.selected]?.value ?? '' : o.value.trim();
	// A required value left empty keeps the prompt open: closed, what the hunter types next
	// (the reason they meant to give) would run as console keys.
	const required = o.type === 'text' ? REQUIRED[p.action] : undefined;
	if (required !== undefined && value === '') {
		dispatch({type: 'prompt-problem', problem: required});
		return;
	}

	dispatch({type: 'close-overlay'});
	try {
		switch (p.action) {
			case 'profile':
				if (value !== state.profile) dispatch({type: 'set-profile', profile: value});
				return;
			case 'window':
				if (value !== windowValue(state.window)) dispatch({type: 'set-window', window: value === 'default' ? undefined : value === 'all' ? null : Number(value)});
				return;
			case 'allow-kind': {
				const kind = value as 'src_ip' | 'user' | 'target' | 'pair';
				// The same rule stored already for every profile or this one (with another reason, or
				// turned off) is not added twice; one expired or for another profile may be.
				const stored = sameRuleEntries(db, consoleEntry({...p, action: 'allow-reason', kind}, 'the same rule'))
					.find(e => !e.expired && (e.profile === undefined || e.profile === state.profile));
				if (stored) {
					notify(`already allowlisted as entry ${stored.id}${stored.enabled ? '' : ', which is off (x in the allowlist view)'}: ${neutralize(stored.reason)}`);
					return;
				}

				const what = kind === 'src_ip' ? p.src : kind === 'user' ? p.user : kind === 'target' ? p.target : `${p.src} + ${p.user ?? p.target}`;
				dispatch(text(`reason for allowlisting ${kind === 'src_ip' ? 'source' : kind} ${neutralize(what ?? '')} (required):`, '', {action: 'allow-reason', kind, ...(p.src === undefined ? {} : {src: p.src}), ...(p.user === undefined ? {} : {user: p.user}), ...(p.target === undefined ? {} : {target: p.target})}));
				return;
			}

			case 'allow-reason': {
				const before = ctx.model.view === 'findings' ? ctx.model.count : undefined;
				const [id] = insertEntries(db, [consoleEntry(p, value)], process.env['USER']);
				dispatch({type: 'refresh'});
				notify(`allowlist entry ${id} added; findings recomputed${before === undefined ? '' : ` (were ${before})`}`);
				return;
			}

			case 'mark-menu':
				if (value === 'unmark') {
					unmarkPair(db, p.src, p.user);
					dispatch({type: 'refresh'});
					notify(`${neutralize(p.src)} / ${neutralize(p.user)} taken off the shortlist`);
					return;
				}

				dispatch(choice('status:', STATUSES.map(s => ({value: s, label: s})), {action: 'mark-status', src: p.src, user: p.user}, Math.max(0, STATUSES.indexOf(getMark(db, p.src, p.user)?.status ?? 'open'))));
				return;
			case 'mark-status':
				dispatch(text('note (Enter for none):', getMark(db, p.src, p.user)?.note ?? '', {action: 'mark-note', src: p.src, user: p.user, status: value}));
				return;
			case 'mark-note': {
				const mark = markPair(db, {src_ip: p.src, user: p.user, status: p.status as Status, note: value, ...(process.env['USER'] ? {author: process.env['USER']} : {})});
				dispatch({type: 'refresh'});
				notify(`marked ${neutralize(p.src)} / ${neutralize(p.user)} ${mark.status}`);
				return;
			}

			case 'export': {
				const file = path.resolve(value);
				if (fs.statSync(file, {throwIfNoEntry: false})?.isDirectory()) {
					dispatch(exportPrompt(value, 'that is a folder: add a file name (Esc cancels)'));
					return;
				}

				// Another file of that name is replaced only when the hunter says so.
				if (fs.existsSync(file)) {
					dispatch(choice(`${neutralize(file)} exists:`, [{value: 'no', label: 'keep it (choose another name)'}, {value: 'yes', label: 'replace it'}], {action: 'export-replace', file, typed: value}));
					return;
				}

				exportCase(ctx, file, value);
				return;
			}

			case 'export-replace':
				if (value === 'yes') exportCase(ctx, p.file, p.typed);
				else dispatch(exportPrompt(p.typed));
				return;
			case 'entry-reason':
				setEntryReason(db, p.id, value);
				dispatch({type: 'refresh'});
				notify(`entry ${p.id}: reason updated`);
				return;
			case 'entry-delete':
				if (value === 'yes' && getEntry(db, p.id)) {
					removeEntry(db, p.id);
					dispatch({type: 'refresh'});
					notify(`entry ${p.id} deleted; findings recomputed`);
				}

				return;
			case 'load-sample':
				return;
		}
	} catch (error) {
		notify(`${ACTION_WORD[p.action]} failed: ${oneLine(error)}`);
	}
}
