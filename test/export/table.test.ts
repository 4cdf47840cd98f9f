/**
 * renderTable (source/export/table.ts): cells neutralised and cut to MAX_CELL characters, counted
 * as characters (code points), not UTF-16 units; a list joined with commas only as far as shown.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {MAX_CELL, renderTable} from '../../source/export/table.ts';

const one = (value: unknown) => renderTable([{value}], [{header: 'V', value: r => r.value}]).split('\n')[1]!;

test('a long list prints as its whole comma-joined text would, cut to MAX_CELL characters', () => {
	for (const item of ['WS-0001', '😀', 'a\u001b[31mb', 'x']) {
		const items = Array.from({length: 5000}, (_, i) => `${item}${i}`);
		assert.equal(one(items), one(items.join(',')), item);
		assert.equal([...one(items)].length, MAX_CELL, item);
		assert.ok(one(items).endsWith('…'));
	}

	assert.equal(one(['a', 'b']), 'a,b', 'a short list whole');
});

test('list items are neutralised like any other text', () => {
	const row = one(['ok', 'evil\u001b]0;owned\u0007']);
	assert.ok(!row.includes('\u001b') && !row.includes('\u0007'), row);
	assert.equal(row, 'ok,evil\\x1b]0;owned\\x07');
});

test('widths count characters: astral characters (two UTF-16 units) count once', () => {
	const fits = '😀'.repeat(MAX_CELL);
	assert.equal(one(fits), fits, 'MAX_CELL emoji are not cut');
	assert.equal(one(`${fits}😀`), `${'😀'.repeat(MAX_CELL - 1)}…`);
	const lone = `a\ud800b\udc00`;
	assert.equal(one(lone), lone, 'lone surrogates count one each');
});
