/**
 * Fuzzy search over every distinct source, user and host in a database (fuse.js).
 *
 * The index is built once per database and kept warm in a WeakMap, so typing only searches;
 * `dropSearchIndex` forgets it after the data changes (a load). Typos and partial names match;
 * results are ordered best match first: fuse's score, then exact and prefix matches, then the
 * names with more logons.
 *
 * Running fuse over every name costs about 40 ms a keystroke at 17k names and half a second at
 * 100k, most of it scoring and sorting thousands of matches of which 50 are shown. So a cheaper
 * stage comes first: fuse's score of a name depends only on how many edits its bitap needs to find
 * the query in the name (`distance.ts` counts them the same way, bit-parallel, in one pass over
 * all names) and on the number of words in the name. That predicts every name's score; the
 * ordering (`orderHits`) picks the top `limit` from the predictions, and fuse scores those names
 * alone, which confirms the predictions. Where fuse disagrees (no case is known: the tests compare
 * with fuse over 100k names), fuse searches every name; a query over 32 characters (fuse's bitap
 * word) is searched by fuse over the names within reach of one of its 32-character chunks.
 * Either way the results are those of fuse over all names, in the order of `orderHits`.
 */
import Fuse, {type IFuseOptions} from 'fuse.js';
import type {Db} from '../db/open.ts';
import {distinctEntities, type EntityName, type PivotKind} from '../db/pivots.ts';
import {MAX_PATTERN, NO_MATCH, clearMasks, distances, setMasks} from './distance.ts';

export interface SearchHit {
	kind: PivotKind;
	value: string;
	/** Logons carrying this name. */
	n: number;
	/** 0 = perfect, 1 = no match (fuse's score). */
	score: number;
}

const THRESHOLD = 0.4;
const OPTIONS: IFuseOptions<EntityName> = {
	keys: ['value'],
	includeScore: true,
	ignoreLocation: true,
	threshold: THRESHOLD,
	minMatchCharLength: 1,
	isCaseSensitive: false,
};

// Scores closer than this count as a tie, broken by prefix match and then by logon count.
const TIE = 0.02;

// Joins the lowercased names into one string; a query holding it is searched by fuse alone.
const SEP = '\u0000';

/** The most errors fuse's bitap accepts in an `m`-character pattern (errors / m within the threshold). */
function maxErrors(m: number): number {
	let k = 0;
	while ((k + 1) / m <= THRESHOLD) k++;
	return k;
}

/** fuse's field-length norm of a name: 1 / sqrt(words), to 3 decimals; its score is raised to it. */
function fieldNorm(value: string): number {
	let words = 0;
	let inWord = false;
	for (let i = 0; i < value.length; i++) {
		const c = value.charCodeAt(i);
		const separator = (c >= 9 && c <= 13) || c === 32 || c === 160;
		if (!separator && !inWord) words++;
		inWord = !separator;
	}

	return Math.round(1000 / Math.sqrt(Math.max(words, 1))) / 1000;
}

/** Names sharing one predicted (or fuse) score; `errors` where predicted (bitap's error count). */
interface ScoreClass {
	score: number;
	ids: ArrayLike<number>;
	errors?: number;
}

interface Ranked {
	i: number;
	score: number;
	rank: number;
}

/**
 * Queries a new index runs over its own names as it is built, before anyone types: one and two
 * characters (a substring scan, most names matching) and longer ones (the bitap pass, fuse on a
 * few), of letters, digits and dots. The loops compiled over warmUp's small index run slowly the
 * first times over a large one: over 84,655 names of 10.4M logons the first keystroke took about
 * 20 ms, 2-3 ms after these (about 30 ms more for the build, which the console does as it opens,
 * not at a keystroke).
 */
const PRIMING = ['e', 'a', '1', 'er', '10', 'adm', 'srv1', '10.1.'];

export class EntitySearch {
	readonly size: number;
	/** Searches where fuse scored a predicted name differently, so fuse searched every name (expected: none). */
	disagreements = 0;
	private readonly lower: string[];
	// Each name's logon count and value, read by the ordering without touching the name objects
	// (whose shape depends on where they came from: a shape V8 has not seen undoes its optimizations).
	private readonly counts: Float64Array;
	private readonly values: string[];
	// The lowercased names joined by SEP: name i is text[starts[i], starts[i + 1] - 1).
	private readonly text: string;
	private readonly starts: Int32Array;
	private readonly norms: number[] = [];
	private readonly normOf: Uint16Array;
	private readonly masks = new Int32Array(65_536);
	// Each name's bitap error count for the current query (distances' output).
	private readonly errors: Uint8Array;
	// The current query's matches, grouped by score (see predict).
	private readonly byBucket: Int32Array;
	private readonly collator = new Intl.Collator();
	private full?: Fuse<EntityName>;

	constructor(readonly names: EntityName[]) {
		this.size = names.length;
		// Lowercased as fuse lowercases both sides (toLowerCase, no diacritics folding).
		this.values = names.map(name => name.value);
		this.lower = this.values.map(value => value.toLowerCase());
		this.counts = Float64Array.from(names, name => name.n);
		this.text = this.lower.join(SEP) + SEP;
		this.starts = new Int32Array(names.length + 1);
		this.normOf = new Uint16Array(names.length);
		this.errors = new Uint8Array(names.length);
		this.byBucket = new Int32Array(names.length);
		const normIds = new Map<number, number>();
		let offset = 0;
		for (let i = 0; i < names.length; i++) {
			this.starts[i] = offset;
			offset += this.lower[i]!.length + 1;
			const norm = fieldNorm(names[i]!.value);
			let id = normIds.get(norm);
			if (id === undefined) {
				id = this.norms.push(norm) - 1;
				normIds.set(norm, id);
			}

			this.normOf[i] = id;
		}

		this.starts[names.length] = offset;
		warmUp();
		for (const query of PRIMING) this.search(query);
	}

	/** Up to `limit` names matching `query`, best first. An empty query finds nothing. */
	search(query: string, limit = 50): SearchHit[] {
		const q = query.trim();
		if (q === '' || limit <= 0) return [];
		const pattern = q.toLowerCase();
		if (pattern.length > MAX_PATTERN || pattern.includes(SEP)) return this.fuseOver(q, pattern, limit, this.chunkCandidates(pattern));
		const hits = this.confirm(q, this.predict(pattern, limit));
		if (hits) return hits;
		this.disagreements++;
		return this.fuseOver(q, pattern, limit);
	}

	/**
	 * The top `limit` names by predicted score, in order: every name's bitap error count (a substring
	 * scan when the query allows no errors), turned into the score fuse would give it.
	 */
	private predict(pattern: string, limit: number): Ranked[] {
		const m = pattern.length;
		const k = maxErrors(m);
		const {starts, text, norms, normOf, errors, size} = this;
		if (k === 0) {
			errors.fill(NO_MATCH);
			let at = text.indexOf(pattern);
			let i = 0;
			while (at !== -1) {
				while (starts[i + 1]! <= at) i++;
				errors[i] = 0;
				at = text.indexOf(pattern, starts[i + 1]);
			}
		} else {
			setMasks(this.masks, pattern);
			distances(this.masks, m, k, text, starts, errors);
			clearMasks(this.masks, pattern);
		}

		// The matches by error count and norm (each such bucket shares one score), counting-sorted
		// into one reused array rather than an array per bucket: a short query matches most names.
		const exact: number[] = [];
		const bucketOf = (i: number) => errors[i]! * norms.length + normOf[i]!;
		const offsets = new Int32Array((k + 1) * norms.length + 1);
		for (let i = 0; i < size; i++) {
			if (errors[i] === NO_MATCH) continue;
			if (errors[i] === 0 && starts[i + 1]! - 1 - starts[i]! === m) {
				exact.push(i);
				errors[i] = NO_MATCH;
			} else {
				const b = bucketOf(i) + 1;
				offsets[b] = offsets[b]! + 1;
			}
		}

		for (let b = 1; b < offsets.length; b++) offsets[b] = offsets[b]! + offsets[b - 1]!;
		const next = offsets.slice();
		for (let i = 0; i < size; i++) {
			if (errors[i] === NO_MATCH) continue;
			const b = bucketOf(i);
			this.byBucket[next[b]!] = i;
			next[b] = next[b]! + 1;
		}

		const classes: ScoreClass[] = [];
		for (let d = 0; d <= k; d++) {
			for (let norm = 0; norm < norms.length; norm++) {
				const b = d * norms.length + norm;
				if (offsets[b] === offsets[b + 1]) continue;
				classes.push({score: Math.pow(Math.max(0.001, d / m), norms[norm]!), ids: this.byBucket.subarray(offsets[b], offsets[b + 1]), errors: d});
			}
		}

		const exactScore = (i: number) => Math.pow(Number.EPSILON, norms[normOf[i]!]!);
		// No errors: the name holds the query.
		const rank = (i: number, of: ScoreClass) => of.errors === 0 ? (this.lower[i]!.startsWith(pattern) ? 1 : 2) : 3;
		return this.orderHits(exact, exactScore, classes, rank, limit);
	}

	/** Fuse's scores of the predicted names, in the predicted order; undefined where fuse disagrees. */
	private confirm(q: string, picked: Ranked[]): SearchHit[] | undefined {
		if (picked.length === 0) return [];
		const docs = picked.map(p => this.names[p.i]!);
		const results = new Fuse(docs, OPTIONS).search(q);
		if (results.length !== docs.length) return undefined;
		const hits: SearchHit[] = [];
		for (const r of results) {
			if (r.score !== picked[r.refIndex]!.score) return undefined;
			hits[r.refIndex] = {kind: r.item.kind, value: r.item.value, n: r.item.n, score: r.score};
		}

		return hits;
	}

	/** Fuse over `candidates` (every name when not given), ordered: the search without a prediction. */
	private fuseOver(q: string, pattern: string, limit: number, candidates?: number[]): SearchHit[] {
		const fuse = candidates ? new Fuse(candidates.map(i => this.names[i]!), OPTIONS) : (this.full ??= new Fuse(this.names, OPTIONS));
		const exact: number[] = [];
		const scoreOf = new Map<number, number>();
		const byScore = new Map<number, number[]>();
		for (const r of fuse.search(q)) {
			const i = candidates ? candidates[r.refIndex]! : r.refIndex;
			const score = r.score ?? 1;
			scoreOf.set(i, score);
			if (this.lower[i] === pattern) exact.push(i);
			else {
				const ids = byScore.get(score);
				if (ids) ids.push(i);
				else byScore.set(score, [i]);
			}
		}

		const classes = [...byScore].map(([score, ids]) => ({score, ids}));
		const rank = (i: number) => this.lower[i]!.startsWith(pattern) ? 1 : this.lower[i]!.includes(pattern) ? 2 : 3;
		return this.orderHits(exact, i => scoreOf.get(i)!, classes, rank, limit).map(({i, score}) => {
			const {kind, value, n} = this.names[i]!;
			return {kind, value, n, score};
		});
	}

	/**
	 * Names longer queries can match: fuse splits a query of more than 32 characters into 32-character
	 * chunks and matches a name where any chunk matches, so a name is a candidate where one chunk
	 * is within the errors a 32-character pattern allows.
	 */
	private chunkCandidates(pattern: string): number[] {
		if (pattern.includes(SEP)) return this.lower.map((_, i) => i);
		const chunks: string[] = [];
		const whole = pattern.length - (pattern.length % MAX_PATTERN);
		for (let at = 0; at < whole; at += MAX_PATTERN) chunks.push(pattern.slice(at, at + MAX_PATTERN));
		if (whole < pattern.length) chunks.push(pattern.slice(-MAX_PATTERN));
		const candidates = new Set<number>();
		for (const chunk of chunks) {
			setMasks(this.masks, chunk);
			distances(this.masks, chunk.length, maxErrors(chunk.length), this.text, this.starts, this.errors);
			clearMasks(this.masks, chunk);
			for (let i = 0; i < this.size; i++) if (this.errors[i] !== NO_MATCH) candidates.add(i);
		}

		return [...candidates].sort((a, b) => a - b);
	}

	/**
	 * The first `limit` matches in search order: exact names first (more logons first); then the
	 * rest by score, where scores within TIE of the best remaining score form one group, ordered by
	 * rank (prefix 1, substring 2, other 3), more logons, name (locale order), score and position.
	 * Where scores fall in clear clusters (always, unless names of four or more words match), this is
	 * the order of sorting fuse's results with "closer than TIE is a tie"; a chain of close scores
	 * (0.001, 0.019, 0.032) is cut into groups from the best one down instead of depending on the sort.
	 */
	private orderHits(exact: number[], exactScore: (i: number) => number, classes: ScoreClass[], rank: (i: number, of: ScoreClass) => number, limit: number): Ranked[] {
		const {counts, values} = this;
		const out: Ranked[] = exact
			.sort((a, b) => counts[b]! - counts[a]! || a - b)
			.slice(0, limit)
			.map(i => ({i, score: exactScore(i), rank: 0}));
		classes.sort((a, b) => a.score - b.score);
		const before = (x: Ranked, y: Ranked) => x.rank - y.rank || counts[y.i]! - counts[x.i]!
			|| this.collator.compare(values[x.i]!, values[y.i]!) || x.score - y.score || x.i - y.i;
		let c = 0;
		while (out.length < limit && c < classes.length) {
			const first = classes[c]!.score;
			let end = c;
			let size = 0;
			while (end < classes.length && classes[end]!.score - first <= TIE) size += classes[end++]!.ids.length;
			const room = limit - out.length;
			const group = classes.slice(c, end);
			c = end;
			if (size <= room) {
				out.push(...group.flatMap(of => Array.from(of.ids, i => ({i, score: of.score, rank: rank(i, of)}))).sort(before));
				continue;
			}

			// The best `room` of a large group, kept sorted; most names lose to the last one on rank or count.
			const best: Ranked[] = [];
			for (const of of group) {
				for (let j = 0; j < of.ids.length; j++) {
					const i = of.ids[j]!;
					const r = rank(i, of);
					if (best.length === room) {
						const last = best[room - 1]!;
						if (r > last.rank || (r === last.rank && counts[i]! < counts[last.i]!)) continue;
					}

					const entry = {i, score: of.score, rank: r};
					if (best.length === room && before(entry, best[room - 1]!) >= 0) continue;
					let at = best.length;
					while (at > 0 && before(entry, best[at - 1]!) < 0) at--;
					best.splice(at, 0, entry);
					if (best.length > room) best.pop();
				}
			}

			out.push(...best);
		}

		return out;
	}
}

let warmedUp = false;

/**
 * Runs a few searches over made-up names once per process, so that V8 has compiled the loops above
 * before the first keystroke: unoptimized, the first searches over 100k names take 50-100 ms
 * instead of 15 at most.
 */
function warmUp(): void {
	if (warmedUp) return;
	warmedUp = true;
	const names: EntityName[] = [];
	for (let i = 0; i < 4000; i++) {
		names.push({kind: 'user', value: `user${i % 97}.name${i}`, n: 1 + (i % 13)}, {kind: 'src', value: `10.${i % 7}.${i % 251}.${i % 199}`, n: 1 + (i % 5)});
	}

	names.push({kind: 'user', value: 'LOCAL USER', n: 1});

	const index = new EntitySearch(names);
	for (let round = 0; round < 2; round++) {
		for (const query of ['u', '1', 'us', 'use', 'user1', 'name12', 'uzer9.nme', '10.3.1']) index.search(query);
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
