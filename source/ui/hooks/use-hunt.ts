/**
 * The hunt of the profile in use, re-run when the profile or the data change (an allowlist
 * entry, a load), and the number of logons in the store (0 shows the empty state).
 *
 * On a database file the hunt runs in a child process (hunt-process.ts) with its own connection:
 * better-sqlite3 is synchronous, and a hunt over millions of logons takes seconds to minutes,
 * during which the console must still take keys, quit and redraw. WAL lets that connection read
 * beside the console's own. It is read-only when the console's is; otherwise it may write the
 * hunt cache (db/hunt-cache.ts), so that the console opened again answers at once. An in-memory
 * database cannot be shared with another process, so it is hunted on the main thread, after the
 * frame that announces the hunt.
 */
import {useEffect, useMemo, useRef, useState} from 'react';
import {fileURLToPath} from 'node:url';
import {fork, type ChildProcess} from 'node:child_process';
import type {Db} from '../../db/open.ts';
import {countLogons} from '../../db/store.ts';
import {lastHuntMs} from '../../db/hunt-cache.ts';
import {hunt} from '../../detect/hunt.ts';
import {loadProfile} from '../../detect/profiles.ts';
import type {Finding, HuntResult} from '../../detect/types.ts';
import {neutralize} from '../../util/sanitize.ts';
import {entryModule} from '../../util/runtime.ts';

export interface HuntInput {
	profile: string;
	tz: string;
	/** End of the window, epoch ms; default the newest logon. */
	now?: number | undefined;
	/** Window length in ms; null = all; undefined = the profile's default. */
	window?: number | null | undefined;
	/** Also hunt without the allowlist, to list what it suppresses. */
	showSuppressed?: boolean;
}

export interface HuntState {
	result: HuntResult | undefined;
	/** One line when the hunt could not run (a broken profile file, a locked database). */
	error: string | undefined;
	logons: number;
	/** True while a (re-)run is under way: `result` is the previous one, if any. */
	pending: boolean;
	/** While pending: whole seconds since the running hunt started. */
	elapsed?: number;
	/** While pending: how long the profile's last kept hunt of this database took (ms), if one is kept. */
	lastMs?: number;
	/** With showSuppressed: the findings that only exist without the allowlist; else empty. */
	suppressed: Finding[];
}

const keyOf = (f: Finding) => `${f.src_ip}\u0000${f.user}`;
/** The state of a hunt that could not run (an error, or a message saying why), neutralised for display. */
export function huntFailure(error: unknown, logons: number): HuntState {
	return {result: undefined, error: neutralize(error instanceof Error ? error.message : String(error)), logons, pending: false, suppressed: []};
}

/** Runs the hunt outside React (what the hook memoises, and what the hunt process runs); errors become one line. */
export function runHunt(db: Db, input: HuntInput): HuntState {
	const logons = countLogons(db);
	try {
		const options = {profile: input.profile, tz: input.tz, findingsOnly: true, ...(input.now === undefined ? {} : {now: input.now}), ...(input.window === undefined ? {} : {window: input.window})};
		const result = hunt(db, options);
		let suppressed: Finding[] = [];
		if (input.showSuppressed) {
			const kept = new Set(result.findings.map(keyOf));
			suppressed = hunt(db, {...options, allowlist: false}).findings.filter(f => !kept.has(keyOf(f)));
		}

		return {result, error: undefined, logons, pending: false, suppressed};
	} catch (error) {
		return huntFailure(error, logons);
	}
}

/**
 * The file behind `db` for a second connection, or undefined for an in-memory (or temporary)
 * database. A read-only database opened `immutable` is named by a file: URI; the process gets
 * the plain path and opens it the same way openDb did.
 */
export function databaseFile(db: Db): string | undefined {
	if (db.memory || db.name === '' || db.name === ':memory:') return undefined;
	if (!db.name.startsWith('file:')) return db.name;
	const url = new URL(db.name);
	url.search = '';
	return fileURLToPath(url);
}

/** Hunt processes still running, killed if the console exits without stopping them (a signal, a crash). */
const live = new Set<ChildProcess>();
let killOnExit = false;

/**
 * A child process that hunts one database file, one hunt at a time, on its own connection
 * (read-only with `readOnly`, else it may write only the hunt cache). It stays up between hunts
 * (starting one, with the TypeScript loader, takes a good part of a second) and is killed to
 * abandon a hunt midway. A process, not a worker thread: SQLite cannot be interrupted from
 * outside (better-sqlite3 has no sqlite3_interrupt) and a thread inside a long query neither
 * stops nor lets the process exit until the query ends, minutes at 10M logons; a process dies at once.
 * Answers cross by structured clone (IPC with advanced serialization).
 */
export class HuntProcess {
	readonly file: string;
	readonly readOnly: boolean;
	private readonly child: ChildProcess;
	private waiting: ((state: HuntState) => void) | undefined;
	private ended = false;
	private next = 0;
	/** The end of the child's stderr, to say why it died. */
	private stderr = '';

	constructor(file: string, readOnly: boolean) {
		this.file = file;
		this.readOnly = readOnly;
		const entry = entryModule('hunt-process', new URL('hunt-process.ts', import.meta.url));
		this.child = fork(fileURLToPath(entry.url), [file, readOnly ? 'read-only' : 'read-write'], {
			execArgv: entry.needsTsx ? ['--import', import.meta.resolve('tsx')] : [],
			serialization: 'advanced',
			// The console owns the terminal: nothing of the child's may reach it.
			stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
		});
		live.add(this.child);
		if (!killOnExit) {
			killOnExit = true;
			process.on('exit', () => {
				for (const child of live) child.kill('SIGKILL');
			});
		}

		this.child.stderr?.setEncoding('utf8').on('data', (text: string) => {
			this.stderr = (this.stderr + text).slice(-2000);
		});
		this.child.on('message', (m: {id: number; state: HuntState}) => {
			if (m.id === this.next) this.answer(m.state);
		});
		this.child.on('error', error => this.fail(error.message));
		this.child.on('exit', code => {
			live.delete(this.child);
			const last = this.stderr.trim().split('\n').at(-1);
			this.fail(`the hunt process ended without an answer (${last ? last : `code ${code}`})`);
		});
		this.idle();
	}

	/** False once the process has ended (stopped, or died): take a new one. */
	get alive(): boolean {
		return !this.ended;
	}

	/** True while a hunt is under way. */
	get busy(): boolean {
		return this.waiting !== undefined;
	}

	/** Runs the hunt; a process that fails or dies answers with an error line. One hunt at a time. */
	async run(input: HuntInput): Promise<HuntState> {
		if (this.busy) throw new Error('the hunt process is busy');
		if (this.ended) return huntFailure('the hunt process has ended', -1);
		const id = ++this.next;
		// While a hunt is under way the child keeps the console's process alive (scripts, tests).
		this.child.ref();
		(this.child.channel as {ref?: () => void} | null | undefined)?.ref?.();
		return new Promise(resolve => {
			this.waiting = resolve;
			this.child.send({id, input});
		});
	}

	/** Kills the process, mid-hunt if need be; a hunt under way never answers. Resolves once it has ended. */
	async stop(): Promise<void> {
		this.waiting = undefined;
		this.ended = true;
		if (this.child.exitCode !== null || this.child.signalCode !== null) return;
		const exited = new Promise(resolve => this.child.once('exit', resolve));
		// Held until it has ended, for whoever awaits this.
		this.child.ref();
		this.child.kill('SIGKILL');
		await exited;
	}

	/** Idle, the process must not keep the console's alive. */
	private idle(): void {
		this.child.unref();
		(this.child.channel as {unref?: () => void} | null | undefined)?.unref?.();
	}

	private answer(state: HuntState): void {
		const resolve = this.waiting;
		this.waiting = undefined;
		this.idle();
		resolve?.(state);
	}

	private fail(message: string): void {
		this.ended = true;
		this.answer(huntFailure(message, -1));
	}
}

/**
 * The hunt for `input`, re-run when `input` or `revision` changes. A newer request supersedes the
 * running one (its process is killed and its answer never shown), and so does unmounting (q).
 * While a hunt runs, the previous result stays on screen with `pending` set and `elapsed` ticking.
 */
export function useHunt(db: Db, input: HuntInput, revision: number): HuntState {
	const key = JSON.stringify([input.profile, input.tz, input.now ?? null, input.window === undefined ? 'default' : input.window, input.showSuppressed === true, revision]);
	const [done, setDone] = useState<{db: Db; key: string; state: HuntState} | undefined>(undefined);
	const [clock, setClock] = useState<{db: Db; key: string; elapsed: number} | undefined>(undefined);
	// The process kept between hunts; killed when the console closes.
	const idle = useRef<HuntProcess | undefined>(undefined);
	useEffect(() => () => {
		void idle.current?.stop();
		idle.current = undefined;
	}, []);
	useEffect(() => {
		const file = databaseFile(db);
		if (file === undefined) {
			const timer = setTimeout(() => setDone({db, key, state: runHunt(db, input)}), 0);
			return () => clearTimeout(timer);
		}

		let hunter = idle.current;
		idle.current = undefined;
		if (hunter?.alive !== true || hunter.file !== file || hunter.readOnly !== db.readonly) {
			void hunter?.stop();
			hunter = new HuntProcess(file, db.readonly);
		}

		const started = Date.now();
		const ticker = setInterval(() => setClock({db, key, elapsed: Math.floor((Date.now() - started) / 1000)}), 1000);
		let current = true;
		void hunter.run(input).then(state => {
			if (!current) return;
			clearInterval(ticker);
			idle.current = hunter;
			setDone({db, key, state});
		});
		return () => {
			current = false;
			clearInterval(ticker);
			if (hunter.busy) void hunter.stop();
		};
	}, [db, key]); // eslint-disable-line react-hooks/exhaustive-deps
	// Asked once per hunt (a broken profile file has none: its hunt fails at once).
	const lastMs = useMemo(() => {
		try {
			return lastHuntMs(db, loadProfile(input.profile).name);
		} catch {
			return undefined;
		}
	}, [db, key]); // eslint-disable-line react-hooks/exhaustive-deps
	if (done && done.db === db && done.key === key) return done.state;
	const elapsed = clock && clock.db === db && clock.key === key ? clock.elapsed : 0;
	return {result: done?.state.result, error: undefined, logons: done?.state.logons ?? -1, pending: true, elapsed, ...(lastMs === undefined ? {} : {lastMs}), suppressed: done?.state.suppressed ?? []};
}
