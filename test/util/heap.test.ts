import {test} from 'node:test';
import assert from 'node:assert/strict';
import {HeapCeiling} from '../../source/util/heap.ts';

test('HeapCeiling collects once the heap has grown past its slack, and says what was live after', () => {
	const heap = new HeapCeiling(8);
	assert.equal(heap.check(), undefined, 'nothing grown yet');
	// About 32 MB kept alive, then the garbage of as much again.
	const kept = Array.from({length: 64}, (_, i) => Array.from({length: 64 * 1024}, (_, j) => i + j + 0.5));
	for (let i = 0; i < 64; i++) Array.from({length: 64 * 1024}, (_, j) => i - j - 0.5);
	const live = heap.check();
	assert.ok(live !== undefined && live > 32, `collected, ${live} MB live`);
	assert.equal(heap.check(), undefined, 'just collected: nothing grown since');
	assert.equal(kept.length, 64);
});
