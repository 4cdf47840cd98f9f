import {test} from 'node:test';
import assert from 'node:assert/strict';
import {clip, clipMiddle, csvCell, neutralize} from '../../source/util/sanitize.ts';

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
