/**
 * The bench's DuckDB baseline says "same N rows" only when firstDifference finds none: the
 * comparison must notice a changed, missing, extra or reordered row.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {firstDifference, seedKey} from '../../bench/duckdb.ts';

const row = (src: string, score: number, targets: string | null = null) =>
	seedKey({src, user: 'u', first: 1, last: 2, total: 3, failed: 1, hosts: 2, score, targets});

test('seed results compare equal only row for row', () => {
	const a = [row('10.0.0.1', 3), row('10.0.0.2', 2)];
	assert.equal(firstDifference(a, [row('10.0.0.1', 3), row('10.0.0.2', 2)]), null);
	assert.match(firstDifference(a, [row('10.0.0.1', 3), row('10.0.0.2', 1)])!, /^row 2: /);
	assert.match(firstDifference(a, [row('10.0.0.1', 3)])!, /^row 2: .*DuckDB null$/);
	assert.match(firstDifference(a.slice(0, 1), a)!, /^row 2: lateral null/);
	assert.match(firstDifference(a, [...a].reverse())!, /^row 1: /);
	assert.notEqual(row('10.0.0.1', 3, '["A"]'), row('10.0.0.1', 3, '["B"]'));
	// A count given as text (DuckDB's JSON rows give BIGINT as text) is the same number.
	assert.equal(seedKey({src: 's', user: 'u', first: '1', last: '2', total: '3', failed: '1', hosts: '2', score: '3', targets: null}), row('s', 3));
});
