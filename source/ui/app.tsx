/**
 * The console: the breadcrumb, the view on top of the stack (or the search overlay), a prompt
 * when an action asks something, the message line and the status bar. Keys go through the
 * keymap to named commands; data comes from hooks; this component does no I/O of its own.
 */
import React, {useEffect, useReducer, useRef, useState} from 'react';
import {Box, useApp, useInput} from 'ink';
import path from 'node:path';
import type {Db} from '../db/open.ts';
import {commandFor, hintsFor, isPrintable, keyLabel, keyName, KEYMAP, splitKeys, type KeyContext, type KeyLike, type Keypress} from './keymap.ts';
import {breadcrumb, current, initialState, reducer, type RootView} from './state.ts';
import {makeTheme, ThemeContext} from './theme.ts';
import {Breadcrumb, MessageLine, StatusBar} from './components/bars.tsx';
import {Prompt, promptLines} from './components/prompt.tsx';
import {FRAME_LINES} from './components/layout.ts';
import {plural} from './components/format.ts';
import {useTerminalSize} from './hooks/use-terminal-size.ts';
import {useHunt} from './hooks/use-hunt.ts';
import {useSearch} from './hooks/use-search.ts';
import {DatedContext, useSpansYears} from './hooks/use-dated.ts';
import {useViewData, type ViewModel} from './hooks/use-view-data.ts';
import {runCommand} from './hooks/use-commands.ts';
import {FindingsView} from './views/findings.tsx';
import {FindingView} from './views/finding.tsx';
import {EntityView} from './views/entity.tsx';
import {TimelineView} from './views/timeline.tsx';
import {ChainView} from './views/chain.tsx';
import {AllowlistView} from './views/allowlist.tsx';
import {ShortlistView} from './views/shortlist.tsx';
import {DatasetsView} from './views/datasets.tsx';
import {HelpView, whereLabel} from './views/help.tsx';
import {SearchView} from './views/search.tsx';
import type {HuntState} from './hooks/use-hunt.ts';

export interface AppProps {
	db: Db;
	dbPath: string;
	profile: string;
	/** IANA zone for after-hours and displayed times. */
	tz: string;
	/** End of the hunt window, epoch ms (default the newest logon). */
	now?: number | undefined;
	/** Window length in ms; null = all; undefined = the profile's default. */
	window?: number | null | undefined;
	noColor: boolean;
	/** Loads the bundled sample into `db`; resolves to a one-line summary. */
	loadSample?: (() => Promise<string>) | undefined;
	/** A fixed screen size (tests); by default the terminal's, following resizes. */
	width?: number;
	height?: number;
	/** The view to open on (default findings). */
	initialView?: RootView;
	/** Called when the hunter quits (q, Ctrl-C). */
	onQuit?: () => void;
}

export function App(props: AppProps) {
	const {db, dbPath, tz, noColor} = props;
	const {exit} = useApp();
	const size = useTerminalSize({...(props.width === undefined ? {} : {width: props.width}), ...(props.height === undefined ? {} : {height: props.height})});
	const [state, dispatch] = useReducer(reducer, undefined, () => initialState(props.profile, props.initialView, props.window));
	const frame = current(state);
	const huntState = useHunt(db, {profile: state.profile, tz, now: props.now, window: state.window, showSuppressed: state.showSuppressed}, state.revision);
	const searching = state.overlay?.type === 'search' ? state.overlay : undefined;
	const search = useSearch(db, searching?.query, state.revision);
	const body = Math.max(3, size.height - FRAME_LINES - promptLines(state.overlay));
	const model = useViewData({db, frame, body, hunt: huntState.result, suppressed: huntState.suppressed, profile: state.profile, tz, revision: state.revision});

	// After data changes (an entry added, a mark removed) the cursor may point past the last row.
	useEffect(() => {
		if (frame.cursor > 0 && frame.cursor >= model.count) dispatch({type: 'move', move: 'bottom', count: model.count, page: model.page});
	}, [frame.cursor, model.count, model.page]);

	const context: KeyContext = state.overlay ? state.overlay.type : frame.view;
	const handleKey = (input: string, key: KeyLike) => {
		const command = commandFor(context, keyName(input, key));
		if (command) {
			runCommand(command, {
				db, state, dispatch, model, hits: search.hits, logons: huntState.logons, findings: huntState.result?.findings ?? [], tz, now: props.now, window: state.window,
				loadSample: props.loadSample,
				quit: () => {
					props.onQuit?.();
					exit();
				},
			});
			return;
		}

		if ((context === 'search' || context === 'text') && isPrintable(input, key)) dispatch({type: 'type', text: input});
		else if (!state.overlay) {
			// A key of another view says where it works rather than doing nothing.
			const name = keyName(input, key);
			const elsewhere = KEYMAP.find(b => b.keys.includes(name) && !b.contexts.includes(context));
			if (elsewhere) dispatch({type: 'notify', message: `${keyLabel(name)} works in ${whereLabel(elsewhere.contexts)}, not in ${context}`});
		}
	};

	// Keys run one per render, each on the screen the one before left: a key handled in the same
	// tick as the one before (two keys in one read, see splitKeys) would see the state from before
	// it. `ranSinceRender`: a key ran and the render with its result has not happened yet.
	const queued = useRef<Keypress[]>([]);
	const ranSinceRender = useRef(false);
	const [, setQueueTick] = useState(0);
	const typing = (k: Keypress | undefined) => k !== undefined && (context === 'search' || context === 'text') && isPrintable(k.input, k.key) && !commandFor(context, keyName(k.input, k.key));
	const runQueued = () => {
		const next = queued.current.shift();
		if (!next) return;
		ranSinceRender.current = true;
		if (typing(next)) {
			// Text typed or pasted into a prompt goes in at once, not a character per render.
			let text = next.input;
			while (typing(queued.current[0])) text += queued.current.shift()!.input;
			dispatch({type: 'type', text});
		} else {
			handleKey(next.input, next.key);
		}

		// A key that changed nothing brings no render: ask for one, for the keys still waiting.
		if (queued.current.length > 0) setQueueTick(tick => tick + 1);
	};

	useInput((input, key) => {
		queued.current.push(...splitKeys(input, key));
		if (ranSinceRender.current) setQueueTick(tick => tick + 1);
		else runQueued();
	});
	useEffect(() => {
		ranSinceRender.current = false;
		runQueued();
	});

	const theme = makeTheme(noColor);
	const dated = useSpansYears(db, state.revision);
	const left = `${path.basename(dbPath)} · ${state.profile} · ${huntState.pending ? `hunting…${huntState.elapsed ? ` ${huntState.elapsed} s` : ''}` : huntState.result ? plural(huntState.result.findings.length, 'finding') : 'no hunt'}`;
	return (
		<ThemeContext.Provider value={theme}>
			<DatedContext.Provider value={dated}>
				<Box flexDirection="column" width={size.width} height={size.height}>
					<Breadcrumb path={searching ? [...breadcrumb(state), 'search'] : breadcrumb(state)} width={size.width} />
					<Box flexDirection="column" width={size.width} height={searching ? size.height - FRAME_LINES : body} flexShrink={0}>
						{searching
							? <SearchView query={searching.query} hits={search.hits} more={search.more} selected={searching.selected} size={search.size} width={size.width} height={size.height - FRAME_LINES} />
							: <ViewBody model={model} cursor={Math.min(frame.cursor, Math.max(0, model.count - 1))} width={size.width} height={body} tz={tz} profile={state.profile} hunt={huntState} />}
					</Box>
					{state.overlay && !searching ? <Prompt overlay={state.overlay} width={size.width} /> : null}
					<MessageLine message={state.message} width={size.width} />
					<StatusBar left={left} hints={hintsFor(context, huntState.logons === 0 && context === 'findings', db.readonly)} width={size.width} />
				</Box>
			</DatedContext.Provider>
		</ThemeContext.Provider>
	);
}

interface ViewBodyProps {
	model: ViewModel;
	cursor: number;
	width: number;
	height: number;
	tz: string;
	profile: string;
	hunt: HuntState;
}

/** The view on top of the stack, drawn from its model. */
function ViewBody({model, cursor, width, height, tz, profile, hunt}: ViewBodyProps) {
	const common = {offset: model.offset, cursor, width, height};
	switch (model.view) {
		case 'findings':
			return <FindingsView {...common} findings={model.findings} marked={model.marked} suppressed={model.suppressed} page={model.page} tz={tz} profile={profile} hunt={hunt.result} error={hunt.error} logons={hunt.logons} pending={hunt.pending} lastMs={hunt.lastMs} />;
		case 'finding':
			return <FindingView {...common} src={model.src} user={model.user} finding={model.finding} suppressed={model.suppressed} suppressedBy={model.suppressedBy} mark={model.mark} events={model.events} count={model.count} reasonsShown={model.reasonsShown} tz={tz} profile={profile} />;
		case 'entity':
			return <EntityView {...common} entity={model.entity} summary={model.summary} groups={model.groups} findings={model.findings} tz={tz} profile={profile} />;
		case 'timeline':
			return <TimelineView {...common} subject={model.subject} days={model.days} max={model.max} total={model.total} failed={model.failed} rule={model.rule} tz={tz} />;
		case 'chain':
			return <ChainView {...common} src={model.src} user={model.user} rows={model.rows} tz={tz} />;
		case 'allowlist':
			return <AllowlistView {...common} entries={model.entries} page={model.page} profile={profile} />;
		case 'shortlist':
			return <ShortlistView {...common} marks={model.marks} page={model.page} tz={tz} profile={profile} />;
		case 'datasets':
			return <DatasetsView {...common} datasets={model.datasets} page={model.page} tz={tz} />;
		case 'help':
			return <HelpView {...common} bindings={model.bindings} page={model.page} />;
	}
}
