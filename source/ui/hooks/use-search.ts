/**
 * The search overlay's matches. The index is warmed shortly after the console opens (after the
 * first frame, so opening stays instant) and kept per database; typing only searches.
 */
import {useEffect, useMemo} from 'react';
import type {Db} from '../../db/open.ts';
import {searchIndexFor, type SearchHit} from '../../search/index.ts';

/** Matches listed at most; one more is asked for, to tell whether there are others. */
const SHOWN = 50;

export function useSearch(db: Db, query: string | undefined, dataRevision: number): {hits: SearchHit[]; more: boolean; size: number} {
	useEffect(() => {
		const timer = setTimeout(() => searchIndexFor(db), 30);
		return () => clearTimeout(timer);
	}, [db, dataRevision]);
	return useMemo(() => {
		if (query === undefined) return {hits: [], more: false, size: 0};
		const index = searchIndexFor(db);
		const hits = index.search(query, SHOWN + 1);
		return {hits: hits.slice(0, SHOWN), more: hits.length > SHOWN, size: index.size};
	}, [db, query, dataRevision]);
}
