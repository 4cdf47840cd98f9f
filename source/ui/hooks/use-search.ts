/**
 * The search overlay's matches. The index is warmed shortly after the console opens (after the
 * first frame, so opening stays instant) and kept per database; typing only searches.
 */
import {useEffect, useMemo} from 'react';
import type {Db} from '../../db/open.ts';
import {searchIndexFor, type SearchHit} from '../../search/index.ts';

export function useSearch(db: Db, query: string | undefined, dataRevision: number): {hits: SearchHit[]; size: number} {
	useEffect(() => {
		const timer = setTimeout(() => searchIndexFor(db), 30);
		return () => clearTimeout(timer);
	}, [db, dataRevision]);
	return useMemo(() => {
		if (query === undefined) return {hits: [], size: 0};
		const index = searchIndexFor(db);
		return {hits: index.search(query), size: index.size};
	}, [db, query, dataRevision]);
}
