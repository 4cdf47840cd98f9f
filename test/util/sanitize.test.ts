import {test} from 'node:test';
import assert from 'node:assert/strict';
import {clip, clipMiddle, columnsOf, csvCell, neutralize} from '../../source/util/sanitize.ts';

test('neutralize makes escapes, controls and bidi overrides visible and inert', () => {
	assert.equal(neutralize('alice'), 'alice');
	assert.equal(neutralize('\x1b]0;pwned\x07x'), '\\x1b]0;pwned\\x07x');
	assert.equal(neutralize('a\x1b[2Jb'), 'a\\x1b[2Jb');
	assert.equal(neutralize('evil\u202Etxt.exe'), 'evil\\u202etxt.exe');
	assert.equal(neutralize('tab\there\r\n'), 'tab\\x09here\\x0d\\x0a');
	assert.equal(neutralize('\u009b31m'), '\\x9b31m');
	assert.doesNotMatch(neutralize('\x00\x07\x1b\x7f\u2066'), /[\x00-\x1f\x7f\u2066]/);
});

test('clip cuts to a width with an ellipsis, after neutralising', () => {
	assert.equal(clip('abcdef', 4), 'abc…');
	assert.equal(clip('abc', 4), 'abc');
	assert.equal(clip('\x1b[2J', 3), '\\x…');
	assert.equal(clip('x', 0), '');
});

test('clipMiddle keeps a third of the width from the start and the rest from the end, or a whole file name, after neutralising', () => {
	assert.equal(clipMiddle('/cases/HOST1/Security.evtx', 16), '/…/Security.evtx', 'the file name whole');
	assert.equal(clipMiddle('/cases/HOST1/Security.evtx', 22), '/cases/…/Security.evtx', 'a third for the start');
	assert.equal(clipMiddle('/cases/HOST1/Security.evtx', 14), '/cas…rity.evtx', 'a name too long for the width');
	assert.equal(clipMiddle('abcdef', 6), 'abcdef');
	assert.equal(clipMiddle('abcdef', 4), 'a…ef');
	assert.equal(clipMiddle('abcdef', 1), '…');
	assert.equal(clipMiddle('\x1b[2Jpath', 7), '\\x…path');
	assert.equal(clipMiddle('x', 0), '');
});

test('clip, clipMiddle and columnsOf count terminal columns: wide characters two, combining marks none', () => {
	assert.equal(columnsOf('管理员'), 6);
	assert.equal(columnsOf('emoji😀'), 7);
	assert.equal(columnsOf('combine\u0301'), 7);
	assert.equal(clip('管理员管理员', 7), '管理员…', 'three wide characters and the ellipsis');
	assert.equal(clip('管理员管理员', 6), '管理…', 'a wide character that would straddle the cut is left out');
	assert.equal(clip('e\u0301e\u0301e\u0301x', 3), 'e\u0301e\u0301…', 'a letter keeps its accent');
	assert.equal(clip('👩\u200d💻 dev', 9), '👩\\u200d…', 'a zero-width joiner is neutralised, so the sequence is two emoji apart');
	assert.equal(clip('/cases/HOST1/データ.evtx', 14, 'start'), '…1/データ.evtx');
	assert.equal(clipMiddle('/cases/主机/データ.evtx', 16), '/ca…/データ.evtx', 'the file name whole, by its columns');
	assert.equal(clipMiddle('管理员管理员管理员', 9), '管…管理员', 'a third of the columns for the start');
});

test('csvCell neutralises formula triggers and quotes what needs it', () => {
	assert.equal(csvCell('=HYPERLINK("http://x","y")'), `"'=HYPERLINK(""http://x"",""y"")"`);
	assert.equal(csvCell('+1'), "'+1");
	assert.equal(csvCell('-2+3'), "'-2+3");
	assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
	// Tab, CR and other controls are shown as visible escapes (a CSV printed to a terminal must
	// not act on it), which also disarms them as formula triggers.
	assert.equal(csvCell('\tx'), '\\x09x');
	assert.equal(csvCell('\rx'), '\\x0dx');
	assert.equal(csvCell('evil\x1b]0;pwned\x07'), 'evil\\x1b]0;pwned\\x07');
	assert.equal(csvCell(['=A1', 'B']), "'=A1;B");
	assert.equal(csvCell('a,b'), '"a,b"');
	assert.equal(csvCell(-1), '-1');
	assert.equal(csvCell(null), '');
	assert.equal(csvCell(['A', 'B']), 'A;B');
});
