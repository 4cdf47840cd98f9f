/**
 * The hunt of the profile in use, re-run when the profile or the data change (an allowlist
 * entry, a load), and the number of logons in the store (0 shows the empty state).
 */
import {useEffect, useState} from 'react';
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
	/** With showSuppressed: the findings that only exist without the allowlist; else empty. */
	suppressed: Finding[];
}

const keyOf = (f: Finding) => `${f.src_ip}\u0000${f.user}`;

/** Runs the hunt outside React (what the hook memoises); errors become one line. */
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
		return {result: undefined, error: neutralize(error instanceof Error ? error.message : String(error)), logons, pending: false, suppressed: []};
	}
}

/**
 * The hunt, run after the frame that announces it: better-sqlite3 is synchronous, so a slow
 * profile would otherwise leave the screen blank (or stale without a word) while it runs.
 */
export function useHunt(db: Db, input: HuntInput, revision: number): HuntState {
	const key = JSON.stringify([input.profile, input.tz, input.now ?? null, input.window === undefined ? 'default' : input.window, input.showSuppressed === true, revision]);
	const [done, setDone] = useState<{db: Db; key: string; state: HuntState} | undefined>(undefined);
	useEffect(() => {
		const timer = setTimeout(() => setDone({db, key, state: runHunt(db, input)}), 0);
		return () => clearTimeout(timer);
	}, [db, key]); // eslint-disable-line react-hooks/exhaustive-deps
	if (done && done.db === db && done.key === key) return done.state;
	return {result: done?.state.result, error: undefined, logons: done?.state.logons ?? -1, pending: true, suppressed: done?.state.suppressed ?? []};
}
