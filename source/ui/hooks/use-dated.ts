/**
 * Short times in the console's tables and headings are `MM-dd HH:mm`, which no longer tells days
 * apart once the loaded logons span a year or more (the public datasets in ../shared run from 2016
 * to 2026): then they are dates, `yyyy-MM-dd`. App works it out (useSpansYears) and provides it;
 * views read it (useDated) and pass it to shortTime. The events of a finding keep full times.
 */
import {createContext, useContext, useMemo} from 'react';
import type {Db} from '../../db/open.ts';
import {newestTs, oldestTs} from '../../db/store.ts';
import {DAY_MS} from '../../util/time.ts';

export const DatedContext = createContext(false);

/** Whether short times are dates (the loaded logons span a year or more). */
export function useDated(): boolean {
	return useContext(DatedContext);
}

/** Whether the oldest and the newest loaded logon are 365 days or more apart; again after loads. */
export function useSpansYears(db: Db, revision: number): boolean {
	return useMemo(() => {
		const oldest = oldestTs(db);
		const newest = newestTs(db);
		return oldest !== undefined && newest !== undefined && newest - oldest >= 365 * DAY_MS;
	}, [db, revision]);
}
