/**
 * The stages in front of fuse: the bit-parallel error count that predicts fuse's scores, and the
 * search over ~100k names giving what fuse over every name gives (the search as it was before the
 * stages, copied below as `plainFuse`).
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import Fuse from 'fuse.js';
import type {EntityName} from '../../source/db/pivots.ts';
import {substringDistance} from '../../source/search/distance.ts';
import {EntitySearch, type SearchHit} from '../../source/search/index.ts';
import {prng, syntheticNames} from './synthetic-names.ts';

const OPTIONS = {keys: ['value'], includeScore: true, ignoreLocation: true, threshold: 0.4, minMatchCharLength: 1, isCaseSensitive: false};

/** The search before the stages: fuse over every name, sorted with "scores closer than 0.02 tie". */
function plainFuse(fuse: Fuse<EntityName>, query: string, limit = 50): SearchHit[] {
	const q = query.trim();
	const lower = q.toLowerCase();
	const rank = (value: string) => {
		const v = value.toLowerCase();
		return v === lower ? 0 : v.startsWith(lower) ? 1 : v.includes(lower) ? 2 : 3;
	};

	return fuse.search(q)
		.map(r => ({kind: r.item.kind, value: r.item.value, n: r.item.n, score: r.score ?? 1, rank: rank(r.item.value)}))
		.sort((x, y) => {
			if (x.rank === 0 || y.rank === 0) return x.rank - y.rank || y.n - x.n;
			if (Math.abs(x.score - y.score) > 0.02) return x.score - y.score;
			return x.rank - y.rank || y.n - x.n || x.value.localeCompare(y.value);
		})
		.slice(0, limit)
		.map(({rank: _, ...hit}) => hit);
}

test('the error count is what fuse counts: a match within 40% of the query, scored errors / length', () => {
	const random = prng(7);
	const alphabet = 'ab.-1 A';
	const text = (length: number) => Array.from({length}, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
	let matches = 0;
	for (let t = 0; t < 20_000; t++) {
		const pattern = text(1 + Math.floor(random() * (random() < 0.05 ? 32 : 9))).toLowerCase();
		const name = text(1 + Math.floor(random() * 14)).replaceAll(' ', '_');
		const d = substringDistance(pattern, name.toLowerCase());
		const fuse = new Fuse([{value: name}], OPTIONS).search(pattern)[0]?.score;
		const expected = name.toLowerCase() === pattern ? Number.EPSILON : d / pattern.length <= 0.4 ? Math.max(0.001, d / pattern.length) : undefined;
		assert.equal(fuse, expected, `${JSON.stringify(pattern)} in ${JSON.stringify(name)}: ${d} errors`);
		if (fuse !== undefined) matches++;
	}

	assert.ok(matches > 3000, `only ${matches} matches: the alphabet is too large to test near misses`);
	assert.equal(substringDistance('adm-jde', 'adm-jdoe'), 1);
	assert.equal(substringDistance('jdoe', 'adm-jdoe'), 0);
	assert.equal(substringDistance('abc', 'x'), 3);
});

const names = syntheticNames(100_000);
const search = new EntitySearch(names);
const fuse = new Fuse(names, OPTIONS);

test('a typo that no name contains is found by the fuzzy stage, the name it misspells first', () => {
	const name = names.find(x => x.value.startsWith('adm-') && x.value.length > 9)!.value;
	const typo = name.slice(0, 6) + name.slice(7);
	assert.ok(!names.some(x => x.value.toLowerCase().includes(typo)), `${typo} is a substring of a name`);
	assert.equal(search.search(typo)[0]?.value, name);
});

test('on 100k names the results are fuse\'s over every name: exact, substring, fuzzy and long queries', () => {
	const random = prng(11);
	const some = (pick: (x: EntityName) => boolean) => {
		const list = names.filter(pick);
		return list[Math.floor(random() * list.length)]!.value;
	};

	const user = some(x => /^[a-z]+\.[a-z]+$/.test(x.value));
	const queries = [
		'1', // most names hold it: one group of tens of thousands
		'e', 'ws', // one or two characters: substring matches only
		user.slice(0, 3), user.slice(0, 6), user, // a name as typed: few substring matches, then fuzzy ones
		user.slice(0, 4) + user.slice(5), // a letter missing
		'adm-', 'DC07', 'dc0', 'SRV-SQL1', 'WS-0123$',
		'10.2', '10.23.207.19',
		'ANONYMOUS LOGON', 'font dr', 'nonymus', // names with spaces score worse
		'zqxv', 'xq', // nothing, or almost nothing
	];
	for (const q of queries) assert.deepEqual(search.search(q), plainFuse(fuse, q), q);
	assert.deepEqual(search.search('10.2', 5), plainFuse(fuse, '10.2', 5), 'a limit below a group takes its best names');
	assert.equal(search.disagreements, 0, 'fuse scored every predicted name as predicted');
});

test('the last error level fuse allows (40% of the query) and names shorter than the query', () => {
	// 'adm' is 'admxy' with two letters deleted: 2 / 5 errors, fuse's threshold exactly.
	const list: EntityName[] = ['adm', 'admin', 'adm-jd', 'adm-jdoe', 'jdoe', 'ws', 'WS-01', 'WS-0001', 'sc', 'svc-sccm', '10.1', '10.0.0.1']
		.map((value, i) => ({kind: 'user', value, n: 1 + (i % 3)}));
	const local = new EntitySearch(list);
	const reference = new Fuse(list, OPTIONS);
	const scores: number[] = [];
	for (const q of ['admxy', 'adm-jdoexy', 'ws-0001-bac', 'sxc', 'svc-sccm-abcde', '10.0.0.1.2.3']) {
		const hits = local.search(q);
		assert.deepEqual(hits, plainFuse(reference, q), q);
		scores.push(...hits.map(h => h.score));
	}

	assert.ok(scores.includes(0.4), `no hit at the threshold: ${scores.join(' ')}`);
	assert.equal(local.search('admxy').find(h => h.value === 'adm')?.score, 0.4);
});

test('a query over 32 characters (fuse searches it in chunks) gives fuse\'s results too', () => {
	// Fuse alone takes seconds on such a query over 100k names, so the reference runs on 10k.
	const some = [
		...names.filter((_, i) => i % 10 === 0),
		...['svc-backup-exchange-replication-01', 'svc-backup-exchange-replication-02', 'svc-sql-reporting-services-prod-01',
			'sharepoint-search-crawler-account', 'SHAREPOINT-SEARCH-CRAWLER', 'a.very.long.user.name.for.chunks'].map(value => ({kind: 'user' as const, value, n: value.length})),
	];
	const local = new EntitySearch(some);
	const reference = new Fuse(some, OPTIONS);
	for (const q of ['svc-backup-exchange-replication-0', 'svc-backup-exchange-replicaton-01x', 'sharepoint-search-crawler-acount-svc', 'a.very.long.user.name.for.chunks.and.more', 'x'.repeat(33)]) {
		assert.ok(q.length > 32);
		const hits = local.search(q);
		assert.deepEqual(hits, plainFuse(reference, q), q);
		assert.ok(q.startsWith('x') || hits.length > 0, `${q} finds a name`);
	}
});

test('where close scores chain (names of four words), groups are cut from the best score down', () => {
	// Each name holds the query: 'xbackupx' scores 0.001, 'one two xbackup' 0.019 (three words),
	// 'a b c xbackup' 0.032 (four). The old sort tied each with its neighbour but not the ends
	// (more logons first within a tie, lower score first otherwise): a cycle, ordered by the sort's
	// whim. Now the best score opens a group of everything within 0.02 of it.
	const list: EntityName[] = [
		{kind: 'user', value: 'a b c xbackup', n: 90},
		{kind: 'user', value: 'one two xbackup', n: 50},
		{kind: 'target', value: 'xbackupx', n: 10},
	];
	const hits = new EntitySearch(list).search('backup');
	assert.deepEqual(hits.map(h => h.value), ['one two xbackup', 'xbackupx', 'a b c xbackup']);
	assert.ok(hits[2]!.score - hits[1]!.score > 0.02 && hits[1]!.score - hits[0]!.score < 0.02, hits.map(h => h.score).join(' '));
});
