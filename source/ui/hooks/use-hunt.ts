/**
 * The hunt of the profile in use, re-run when the profile or the data change (an allowlist
 * entry, a load), and the number of logons in the store (0 shows the empty state).
 *
 * On a database file the hunt runs in a worker thread (hunt-worker.ts) with its own connection:
 * better-sqlite3 is synchronous, and a hunt over millions of logons takes seconds to minutes,
 * during which the console must still take keys, quit and redraw. WAL lets that connection read
 * beside the console's own. It is read-only when the console's is; otherwise it may write the
 * hunt cache (db/hunt-cache.ts), so that the console opened again answers at once. An in-memory database cannot be shared with a thread,
 * so it is hunted on the main thread, after the frame that announces the hunt.
 */
import {useEffect, useRef, useState} from 'react';
import {fileURLToPath} from 'node:url';
import {Worker} from 'node:worker_threads';
import type {Db} from '../../db/open.ts';
import {countLogons} from '../../db/store.ts';
import {hunt} from '../../detect/hunt.ts';
import type {Finding, HuntResult} from '../../detect/types.ts';
import {neutralize} from '../../util/sanitize.ts';

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
	/** With showSuppressed: the findings that only exist without the allowlist; else empty. */
	suppressed: Finding[];
}

const keyOf = (f: Finding) => `${f.src_ip}\u0000${f.user}`;
const oneLine = (error: unknown) => neutralize(error instanceof Error ? error.message : String(error));

/** Runs the hunt outside React (what the hook memoises, and what the hunt thread runs); errors become one line. */
export function runHunt(db: Db, input: HuntInput): HuntState {
	const logons = countLogons(db);
	try {
		const options = {profile: input.profile, tz: input.tz, ...(input.now === undefined ? {} : {now: input.now}), ...(input.window === undefined ? {} : {window: input.window})};
		const result = hunt(db, options);
		let suppressed: Finding[] = [];
		if (input.showSuppressed) {
			const kept = new Set(result.findings.map(keyOf));
			suppressed = hunt(db, {...options, allowlist: false}).findings.filter(f => !kept.has(keyOf(f)));
		}

		return {result, error: undefined, logons, pending: false, suppressed};
	} catch (error) {
		return {result: undefined, error: oneLine(error), logons, pending: false, suppressed: []};
	}
}

/**
 * The file behind `db` for a second connection, or undefined for an in-memory (or temporary)
 * database. A read-only database opened `immutable` is named by a file: URI; the thread gets
 * the plain path and opens it the same way openDb did.
 */
export function databaseFile(db: Db): string | undefined {
	if (db.memory || db.name === '' || db.name === ':memory:') return undefined;
	if (!db.name.startsWith('file:')) return db.name;
	const url = new URL(db.name);
	url.search = '';
	return fileURLToPath(url);
}

/**
 * A worker thread that hunts one database file, one hunt at a time, on its own connection
 * (read-only with `readOnly`, else it may write only the hunt cache). It stays up between hunts (starting one, with the TypeScript loader, takes a good
 * part of a second) and is stopped to abandon a hunt midway. The worker registers the loader
 * itself, as the load's parser thread does: a thread does not inherit the one the CLI registered.
 */
export class HuntThread {
	readonly file: string;
	readonly readOnly: boolean;
	private readonly worker: Worker;
	private waiting: ((state: HuntState) => void) | undefined;
	private ended = false;
	private next = 0;

	constructor(file: string, readOnly: boolean) {
		this.file = file;
		this.readOnly = readOnly;
		const shim = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(m => { m.register(); return import(${JSON.stringify(new URL('hunt-worker.ts', import.meta.url).href)}); });`;
		this.worker = new Worker(shim, {eval: true, workerData: {file, readOnly}});
		// Idle, the thread must not keep the process alive; run() holds it while a hunt is under way.
		this.worker.unref();
		this.worker.on('message', (m: {id: number; state: HuntState}) => {
			if (m.id === this.next) this.answer(m.state);
		});
		this.worker.on('error', error => this.fail(error.message));
		this.worker.on('exit', code => this.fail(`the hunt thread ended without an answer (code ${code})`));
	}

	/** False once the thread has ended (stopped, or died): take a new one. */
	get alive(): boolean {
		return !this.ended;
	}

	/** True while a hunt is under way. */
	get busy(): boolean {
		return this.waiting !== undefined;
	}

	/** Runs the hunt; a thread that fails or dies answers with an error line. One hunt at a time. */
	async run(input: HuntInput): Promise<HuntState> {
		if (this.busy) throw new Error('the hunt thread is busy');
		if (this.ended) return failure('the hunt thread has ended');
		const id = ++this.next;
		this.worker.ref();
		return new Promise(resolve => {
			this.waiting = resolve;
			this.worker.postMessage({id, input});
		});
	}

	/** Stops the thread, mid-hunt if need be; a hunt under way never answers. Resolves once it has ended. */
	async stop(): Promise<void> {
		this.waiting = undefined;
		this.ended = true;
		await this.worker.terminate();
	}

	private answer(state: HuntState): void {
		const resolve = this.waiting;
		this.waiting = undefined;
		this.worker.unref();
		resolve?.(state);
	}

	private fail(message: string): void {
		this.ended = true;
		this.answer(failure(message));
	}
}

const failure = (message: string): HuntState => ({result: undefined, error: neutralize(message), logons: -1, pending: false, suppressed: []});

/**
 * The hunt for `input`, re-run when `input` or `revision` changes. A newer request supersedes the
 * running one (its thread is stopped and its answer never shown), and so does unmounting (q).
 * While a hunt runs, the previous result stays on screen with `pending` set and `elapsed` ticking.
 */
export function useHunt(db: Db, input: HuntInput, revision: number): HuntState {
	const key = JSON.stringify([input.profile, input.tz, input.now ?? null, input.window === undefined ? 'default' : input.window, input.showSuppressed === true, revision]);
	const [done, setDone] = useState<{db: Db; key: string; state: HuntState} | undefined>(undefined);
	const [clock, setClock] = useState<{db: Db; key: string; elapsed: number} | undefined>(undefined);
	// The thread kept between hunts; stopped when the console closes.
	const idle = useRef<HuntThread | undefined>(undefined);
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

		let thread = idle.current;
		idle.current = undefined;
		if (thread?.alive !== true || thread.file !== file || thread.readOnly !== db.readonly) {
			void thread?.stop();
			thread = new HuntThread(file, db.readonly);
		}

		const started = Date.now();
		const ticker = setInterval(() => setClock({db, key, elapsed: Math.floor((Date.now() - started) / 1000)}), 1000);
		let current = true;
		void thread.run(input).then(state => {
			if (!current) return;
			clearInterval(ticker);
			idle.current = thread;
			setDone({db, key, state});
		});
		return () => {
			current = false;
			clearInterval(ticker);
			if (thread.busy) void thread.stop();
		};
	}, [db, key]); // eslint-disable-line react-hooks/exhaustive-deps
	if (done && done.db === db && done.key === key) return done.state;
	const elapsed = clock && clock.db === db && clock.key === key ? clock.elapsed : 0;
	return {result: done?.state.result, error: undefined, logons: done?.state.logons ?? -1, pending: true, elapsed, suppressed: done?.state.suppressed ?? []};
}
