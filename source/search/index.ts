/**
 * Fuzzy search over every distinct source, user and host in a database (fuse.js).
 *
 * The index is built once per database and kept warm in a WeakMap, so typing only searches;
 * `dropSearchIndex` forgets it after the data changes (a load). Typos and partial names match;
 * results are ordered best match first: fuse's score, then exact and prefix matches, then the
 * names with more logons.
 */
import Fuse from 'fuse.js';
import type {Db} from '../db/open.ts';
import {distinctEntities, type EntityName, type PivotKind} from '../db/pivots.ts';

export interface SearchHit {
	kind: PivotKind;
	value: string;
	/** Logons carrying this name. */
	n: number;
	/** 0 = perfect, 1 = no match (fuse's score). */
	score: number;
}

// Scores closer than this count as a tie, broken by prefix match and then by logon count.
const TIE = 0.02;

export class EntitySearch {
	readonly size: number;
	private readonly fuse: Fuse<EntityName>;

	constructor(readonly names: EntityName[]) {
		this.size = names.length;
		this.fuse = new Fuse(names, {
			keys: ['value'],
			includeScore: true,
			ignoreLocation: true,
			threshold: 0.4,
			minMatchCharLength: 1,
			isCaseSensitive: false,
		});
	}

	/** Up to `limit` names matching `query`, best first. An empty query finds nothing. */
	search(query: string, limit = 50): SearchHit[] {
		const q = query.trim();
		if (q === '') return [];
		const lower = q.toLowerCase();
		const rank = (value: string) => {
			const v = value.toLowerCase();
			return v === lower ? 0 : v.startsWith(lower) ? 1 : v.includes(lower) ? 2 : 3;
		};

		return this.fuse.search(q)
			.map(r => ({kind: r.item.kind, value: r.item.value, n: r.item.n, score: r.score ?? 1}))
			.sort((x, y) => {
				const rx = rank(x.value);
				const ry = rank(y.value);
				if (rx === 0 || ry === 0) return rx - ry || y.n - x.n;
				if (Math.abs(x.score - y.score) > TIE) return x.score - y.score;
				return rx - ry || y.n - x.n || x.value.localeCompare(y.value);
			})
			.slice(0, limit);
	}
}

const warm = new WeakMap<Db, EntitySearch>();

/** The search index of `db`, built on first use and kept for the life of the database handle. */
export function searchIndexFor(db: Db): EntitySearch {
	let index = warm.get(db);
	if (!index) {
		index = new EntitySearch(distinctEntities(db));
		warm.set(db, index);
	}

	return index;
}

/** Forgets the index of `db` (after loading data), so the next search rebuilds it. */
export function dropSearchIndex(db: Db): void {
	warm.delete(db);
}
