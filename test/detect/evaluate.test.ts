import {test} from 'node:test';
import assert from 'node:assert/strict';
import {averagePrecision} from '../../source/detect/evaluate.ts';

test('average precision, worked by hand', () => {
	const rel = new Set(['a', 'b']);
	assert.equal(averagePrecision(['a', 'b', 'x', 'y'], rel), 1);
	assert.equal(averagePrecision(['x', 'a', 'y', 'b'], rel), (1 / 2 + 2 / 4) / 2);
	assert.equal(averagePrecision(['x', 'a'], rel), (1 / 2) / 2, 'b is missing: it counts 0');
	assert.equal(averagePrecision([], rel), 0);
	assert.equal(averagePrecision(['x'], new Set()), 1);
});
