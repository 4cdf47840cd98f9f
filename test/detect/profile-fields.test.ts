import {test} from 'node:test';
import assert from 'node:assert/strict';
import {closest, fieldProblem} from '../../source/detect/profile-fields.ts';

test('closest: the known name a slip of the keyboard was meant to be, or none when none is near', () => {
	const known = ['points', 'minUsers', 'withinMinutes', 'n'];
	const cases: Array<[string, string | undefined]> = [
		['pionts', 'points'], // two letters swapped
		['Points', 'points'], // case
		['point', 'points'],
		['minusers', 'minUsers'],
		['withinMins', 'withinMinutes'], // 3 edits: a third of its length
		['within', undefined], // 7 edits
		['pts', undefined],
		['m', undefined], // one edit from any one-letter name, which would be all of it
		['weight', undefined],
	];
	for (const [name, expected] of cases) assert.equal(closest(name, known), expected, name);
});

test('fieldProblem: unknown keys first, at every level, then missing ones; optional ones may go', () => {
	const fields = {name: 'required', note: 'optional', inner: {a: 'required', b: 'required'}} as const;
	assert.equal(fieldProblem({name: 'x', inner: {a: 1, b: 2}}, fields), undefined);
	assert.equal(fieldProblem({name: 'x', inner: {a: 1, c: 2}}, fields), 'unknown field inner.c');
	assert.equal(fieldProblem({inner: {a: 1, b: 2}, nmae: 'x'}, fields), 'unknown field nmae (did you mean name?)');
	assert.equal(fieldProblem({name: 'x', inner: {a: 1}}, fields), 'inner.b is missing');
	assert.equal(fieldProblem({name: 'x', inner: [1, 2]}, fields), 'inner must be an object');
});
