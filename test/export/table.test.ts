/**
 * renderTable (source/export/table.ts): cells neutralised and cut to MAX_CELL terminal columns
 * (a wide character two, a combining mark none); a list joined with commas only as far as shown.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {MAX_CELL, renderTable} from '../../source/export/table.ts';
import {columnsOf} from '../../source/util/sanitize.ts';

const one = (value: unknown) => renderTable([{value}], [{header: 'V', value: r => r.value}]).split('\n')[1]!;

test('a long list prints as its whole comma-joined text would, cut to MAX_CELL columns', () => {
	for (const item of ['WS-0001', '😀', 'a\u001b[31mb', 'x', 'e\u0301\u0301\u0301', '管理']) {
		const items = Array.from({length: 5000}, (_, i) => `${item}${i}`);
		assert.equal(one(items), one(items.join(',')), item);
		assert.ok(columnsOf(one(items)) <= MAX_CELL && columnsOf(one(items)) >= MAX_CELL - 1, item);
		assert.ok(one(items).endsWith('…'));
	}

	assert.equal(one(['a', 'b']), 'a,b', 'a short list whole');
});

test('list items are neutralised like any other text', () => {
	const row = one(['ok', 'evil\u001b]0;owned\u0007']);
	assert.ok(!row.includes('\u001b') && !row.includes('\u0007'), row);
	assert.equal(row, 'ok,evil\\x1b]0;owned\\x07');
});

test('widths count terminal columns: an emoji or a CJK character two, a combining mark none', () => {
	const fits = '😀'.repeat(MAX_CELL / 2);
	assert.equal(one(fits), fits, 'MAX_CELL / 2 emoji are not cut');
	assert.equal(one(`${fits}😀`), `${'😀'.repeat(MAX_CELL / 2 - 1)}…`, 'the last emoji would straddle the cut: a column short');
	const accents = 'e\u0301'.repeat(MAX_CELL);
	assert.equal(one(accents), accents, 'an accent is drawn on its letter');
	assert.equal(one(`${accents}x`), `${'e\u0301'.repeat(MAX_CELL - 1)}…`, 'a letter keeps its marks when cut');
	const lone = `a\ud800b\udc00`;
	assert.equal(one(lone), lone, 'lone surrogates are kept');
	const table = renderTable([{u: '管理员', n: 1}, {u: 'bob', n: 22}], [{header: 'USER', value: r => r.u}, {header: 'N', value: r => r.n, right: true}]);
	assert.deepEqual(table.split('\n'), ['USER     N', '管理员   1', 'bob     22'], 'columns line up after wide characters');
});

test('too wide: the flexible columns give up space widest first, so a short name stays whole while a long list is cut', () => {
	const rows = [{user: 'brenda.horvat', targets: ['DC01', 'SRV-APP04', 'SRV-APP21', 'SRV-APP22', 'SRV-APP23']}];
	const columns = [
		{header: 'SCORE', value: () => 16, right: true},
		{header: 'USER', value: (r: typeof rows[number]) => r.user, flexible: true, min: 8},
		{header: 'TARGETS', value: (r: typeof rows[number]) => r.targets, flexible: true, min: 8},
	];
	// At 40 the targets keep 40 - 5 - 2 - 13 - 2 = 18 columns and the user all 13. At 30 the two
	// share 21: the targets give up 30 down to the user's 13, then each in turn (user 10, targets 11).
	assert.equal(renderTable(rows, columns, 40), [
		'SCORE  USER           TARGETS',
		'   16  brenda.horvat  DC01,SRV-APP04,SR…',
	].join('\n'));
	assert.equal(renderTable(rows, columns, 30), [
		'SCORE  USER        TARGETS',
		'   16  brenda.ho…  DC01,SRV-A…',
	].join('\n'));
});

test('columns that may be dropped go, highest drop first, only while the rest cannot fit at their least', () => {
	const rows = [{user: 'admmig', first: '2021-04-22 08:51', last: '2021-12-16 10:25', total: 90}];
	const columns = [
		{header: 'USER', value: (r: typeof rows[number]) => r.user, flexible: true, min: 8},
		{header: 'TOTAL', value: (r: typeof rows[number]) => r.total, right: true, drop: 1},
		{header: 'FIRST', value: (r: typeof rows[number]) => r.first, drop: 2},
		{header: 'LAST', value: (r: typeof rows[number]) => r.last},
	];
	// All four: 6 + 2 + 5 + 2 + 16 + 2 + 16 = 49 columns.
	assert.equal(renderTable(rows, columns, 49), 'USER    TOTAL  FIRST             LAST\nadmmig     90  2021-04-22 08:51  2021-12-16 10:25');
	assert.equal(renderTable(rows, columns, 48), 'USER    TOTAL  LAST\nadmmig     90  2021-12-16 10:25', 'FIRST goes first');
	assert.equal(renderTable(rows, columns, 30), 'USER    LAST\nadmmig  2021-12-16 10:25', 'then TOTAL');
	assert.equal(renderTable(rows, columns, 20), 'USER    LAST\nadmmig  2021-12-16 …', 'what is never dropped is cut');
});

test("a column that elides in the middle keeps a path's file name when cut", () => {
	const rows = [{id: 7, path: '/cases/ir-2291/HOST-FS01/C/Windows/System32/winevt/Logs/Security.evtx'}];
	const columns = [
		{header: 'ID', value: (r: typeof rows[number]) => r.id, right: true},
		{header: 'PATH', value: (r: typeof rows[number]) => r.path, flexible: true, min: 12, elide: 'middle' as const},
	];
	// 40 - 2 - 2 = 36 for the path: 11 from its start, 24 from its end.
	assert.equal(renderTable(rows, columns, 40), 'ID  PATH\n 7  /cases/ir-2…inevt/Logs/Security.evtx');
	assert.equal(renderTable(rows, columns), `ID  PATH\n 7  ${rows[0]!.path}`, 'uncut when there is room');
	// Past MAX_CELL (a pipe has no width) the middle goes too.
	const long = [{id: 1, path: `/${'x/'.repeat(100)}Security.evtx`}];
	assert.match(renderTable(long, columns).split('\n')[1]!, /^ 1 {2}\/x\/x.*….*\/x\/Security\.evtx$/);
});
