import {test} from 'node:test';
import assert from 'node:assert/strict';
import {breadcrumb, current, initialState, reducer, visibleOffset, type Action, type State} from '../../source/ui/state.ts';

const run = (state: State, ...actions: Action[]) => actions.reduce(reducer, state);

test('a pivot pushes {view, subject} and back pops it; the breadcrumb follows the stack', () => {
	let s = initialState('lateral');
	assert.deepEqual(breadcrumb(s), ['findings']);
	s = run(s,
		{type: 'push', view: 'entity', subject: {kind: 'src', value: '10.0.0.5'}},
		{type: 'push', view: 'entity', subject: {kind: 'user', value: 'alice'}},
		{type: 'push', view: 'finding', subject: {kind: 'pair', src: '10.0.0.5', user: 'alice'}});
	assert.deepEqual(breadcrumb(s), ['findings', 'source 10.0.0.5', 'user alice', 'finding 10.0.0.5 / alice']);
	s = run(s, {type: 'pop'});
	assert.deepEqual(current(s), {view: 'entity', subject: {kind: 'user', value: 'alice'}, cursor: 0, offset: 0});
	s = run(s, {type: 'pop'}, {type: 'pop'});
	assert.deepEqual(breadcrumb(s), ['findings']);
	s = run(s, {type: 'pop'});
	assert.equal(s.stack.length, 1, 'back at the root stays at the root');
	assert.match(s.message ?? '', /at the top/);
});

test('pivoting to the view already on screen does not grow the stack', () => {
	const push: Action = {type: 'push', view: 'entity', subject: {kind: 'target', value: 'SRV1'}};
	const s = run(initialState('qradar'), push, push);
	assert.equal(s.stack.length, 2);
});

test('the cursor of each frame survives a pivot and a return', () => {
	const s = run(initialState('lateral'),
		{type: 'move', move: 'down', count: 10, page: 5},
		{type: 'move', move: 'down', count: 10, page: 5},
		{type: 'push', view: 'entity', subject: {kind: 'user', value: 'bob'}},
		{type: 'move', move: 'down', count: 3, page: 5},
		{type: 'pop'});
	assert.equal(current(s).cursor, 2);
});

test('moves clamp to the rows and keep the cursor on screen', () => {
	const count = 50;
	const page = 10;
	let s = initialState('lateral');
	s = run(s, {type: 'move', move: 'up', count, page});
	assert.equal(current(s).cursor, 0);
	s = run(s, {type: 'move', move: 'pageDown', count, page});
	assert.deepEqual([current(s).cursor, current(s).offset], [10, 1]);
	s = run(s, {type: 'move', move: 'bottom', count, page});
	assert.deepEqual([current(s).cursor, current(s).offset], [49, 40]);
	s = run(s, {type: 'move', move: 'pageDown', count, page});
	assert.equal(current(s).cursor, 49);
	s = run(s, {type: 'move', move: 'pageUp', count, page});
	assert.deepEqual([current(s).cursor, current(s).offset], [39, 39]);
	s = run(s, {type: 'move', move: 'top', count, page});
	assert.deepEqual([current(s).cursor, current(s).offset], [0, 0]);
	s = run(s, {type: 'move', move: 'down', count: 0, page});
	assert.equal(current(s).cursor, 0, 'no rows: the cursor stays at 0');
});

test('visibleOffset keeps the cursor visible when the screen shrinks', () => {
	assert.equal(visibleOffset({view: 'findings', cursor: 30, offset: 25}, 4), 27);
	assert.equal(visibleOffset({view: 'findings', cursor: 30, offset: 25}, 20), 25);
	assert.equal(visibleOffset({view: 'findings', cursor: 3, offset: 10}, 20), 3);
});

test('Tab cycles the root views and resets the stack', () => {
	let s = run(initialState('lateral'), {type: 'push', view: 'entity', subject: {kind: 'user', value: 'x'}});
	const seen: string[] = [];
	for (let i = 0; i < 4; i++) {
		s = run(s, {type: 'cycle', direction: 1});
		seen.push(current(s).view);
		assert.equal(s.stack.length, 1);
	}

	assert.deepEqual(seen, ['allowlist', 'shortlist', 'datasets', 'findings']);
	assert.equal(current(run(s, {type: 'cycle', direction: -1})).view, 'datasets');
});

test('search overlay: typing, erasing and choosing a result', () => {
	let s = run(initialState('lateral'), {type: 'open-overlay', overlay: {type: 'search', query: '', selected: 0}});
	s = run(s, {type: 'type', text: 'a'}, {type: 'type', text: 'dm'}, {type: 'overlay-move', delta: 1, count: 3}, {type: 'overlay-move', delta: 5, count: 3});
	assert.deepEqual(s.overlay, {type: 'search', query: 'adm', selected: 2});
	s = run(s, {type: 'erase'});
	assert.deepEqual(s.overlay, {type: 'search', query: 'ad', selected: 0}, 'editing the query selects the best match again');
	s = run(s, {type: 'push', view: 'entity', subject: {kind: 'user', value: 'adm-jdoe'}});
	assert.equal(s.overlay, null, 'jumping closes the overlay');
});

test('text prompts edit their value; a profile switch returns to the findings and re-queries', () => {
	let s = run(initialState('lateral'), {type: 'open-overlay', overlay: {type: 'text', title: 'reason', value: '', purpose: {action: 'export'}}});
	s = run(s, {type: 'type', text: 'é'}, {type: 'type', text: 'x'}, {type: 'erase'});
	assert.equal(s.overlay?.type === 'text' ? s.overlay.value : undefined, 'é');
	s = run(s, {type: 'close-overlay'}, {type: 'cycle', direction: 1}, {type: 'set-profile', profile: 'qradar'});
	assert.equal(s.profile, 'qradar');
	assert.deepEqual(breadcrumb(s), ['findings']);
	assert.equal(s.revision, 1);
});
