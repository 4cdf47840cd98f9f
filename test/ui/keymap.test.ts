import {test} from 'node:test';
import assert from 'node:assert/strict';
import {KEYMAP, bindingsFor, commandFor, hintsFor, isPrintable, keyName, splitKeys, type KeyContext} from '../../source/ui/keymap.ts';

const CONTEXTS: KeyContext[] = ['findings', 'finding', 'entity', 'timeline', 'allowlist', 'shortlist', 'datasets', 'help', 'search', 'choice', 'text'];

test('no key repeats within a view', () => {
	for (const context of CONTEXTS) {
		const seen = new Map<string, string>();
		for (const b of bindingsFor(context)) {
			for (const key of b.keys) {
				assert.ok(!seen.has(key), `${context}: "${key}" is bound to both ${seen.get(key)} and ${b.command}`);
				seen.set(key, b.command);
			}
		}
	}
});

test('every command has a name, keys, a description and at least one view', () => {
	const names = new Set<string>();
	for (const b of KEYMAP) {
		assert.ok(!names.has(b.command), `${b.command} appears twice`);
		names.add(b.command);
		assert.ok(b.keys.length > 0 && b.description.length > 0 && b.contexts.length > 0, b.command);
	}
});

test('the SPEC keys reach their commands', () => {
	const cases: Array<[KeyContext, string, string]> = [
		['findings', 'j', 'move-down'], ['findings', 'down', 'move-down'], ['findings', 'k', 'move-up'],
		['findings', 'pagedown', 'page-down'], ['findings', 'pageup', 'page-up'], ['findings', 'g', 'top'], ['findings', 'G', 'bottom'],
		['findings', 'enter', 'open'], ['findings', 's', 'pivot-source'], ['findings', 'u', 'pivot-user'], ['findings', 'h', 'pivot-host'],
		['entity', 'backspace', 'back'], ['entity', 'escape', 'back'], ['findings', '/', 'search'], ['findings', 'a', 'allowlist'],
		['findings', 'm', 'mark'], ['findings', 'p', 'profile'], ['entity', 't', 'timeline'], ['datasets', 'tab', 'cycle'],
		['shortlist', 'e', 'export'], ['help', '?', 'help'], ['findings', 'q', 'quit'], ['search', 'ctrl-c', 'interrupt'],
		['allowlist', 'x', 'toggle-entry'], ['allowlist', 'r', 'edit-reason'], ['allowlist', 'd', 'delete-entry'],
		['search', 'enter', 'accept'], ['search', 'escape', 'cancel'], ['search', 'backspace', 'erase'], ['choice', 'down', 'option-down'],
		['choice', 'j', 'option-down'], ['choice', 'k', 'option-up'], ['search', 'down', 'match-down'], ['search', 'ctrl-p', 'match-up'],
	];
	for (const [context, key, command] of cases) assert.equal(commandFor(context, key), command, `${context} ${key}`);
});

test('letters typed into search and prompts are text, not commands', () => {
	for (const letter of ['q', 'j', 'k', 's', 'u', 'h', '/', '?', 'a', 'm']) {
		assert.equal(commandFor('search', letter), undefined, letter);
		assert.equal(commandFor('text', letter), undefined, letter);
	}
});

test('keyName reads ink keypresses; Backspace arrives as DEL, which ink calls delete', () => {
	assert.equal(keyName('', {upArrow: true}), 'up');
	assert.equal(keyName('', {delete: true}), 'backspace');
	assert.equal(keyName('', {backspace: true}), 'backspace');
	assert.equal(keyName('', {escape: true}), 'escape');
	assert.equal(keyName('\r', {return: true}), 'enter');
	assert.equal(keyName('', {tab: true, shift: true}), 'shift-tab');
	assert.equal(keyName('c', {ctrl: true}), 'ctrl-c');
	assert.equal(keyName('G', {shift: true}), 'G');
	assert.equal(keyName('', {pageDown: true}), 'pagedown');
});

test('status hints come from the table', () => {
	assert.deepEqual(hintsFor('choice').map(h => `${h.key} ${h.label}`), ['Enter accept', 'Esc cancel']);
	assert.ok(hintsFor('findings').some(h => h.key === '/' && h.label === 'search'));
});

test('status hints: a view\'s own keys first; on a read-only store none that writes', () => {
	const say = (hints: Array<{key: string; label: string}>) => hints.map(h => `${h.key} ${h.label}`);
	assert.deepEqual(say(hintsFor('allowlist')).slice(0, 3), ['x on/off', 'r reason', 'd delete'], 'before back, search and views');
	assert.deepEqual(say(hintsFor('allowlist', false, true)).filter(h => /on\/off|reason|delete/.test(h)), []);
	const findings = say(hintsFor('findings'));
	assert.ok(findings.includes('a allow') && findings.includes('m mark'));
	const readOnly = say(hintsFor('findings', false, true));
	assert.ok(!readOnly.includes('a allow') && !readOnly.includes('m mark'), readOnly.join(', '));
	assert.deepEqual(readOnly, findings.filter(h => h !== 'a allow' && h !== 'm mark'), 'the rest unchanged, in order');
	assert.deepEqual(say(hintsFor('findings', true, true)), ['? help', 'q quit'], 'an empty read-only store cannot load the sample');
});

test('isPrintable tells typed text from named keys', () => {
	assert.equal(isPrintable('a', {}), true);
	assert.equal(isPrintable('ab', {}), true);
	assert.equal(isPrintable('', {}), false);
	assert.equal(isPrintable('c', {ctrl: true}), false);
	assert.equal(isPrintable('\x1b', {}), false);
	assert.equal(isPrintable('\r', {return: true}), false);
});

test('splitKeys: a run of characters read at once is one keypress each; a single key or a named one stays whole', () => {
	const names = (input: string, key = {}) => splitKeys(input, key).map(k => keyName(k.input, k.key));
	assert.deepEqual(names('jjk'), ['j', 'j', 'k']);
	assert.deepEqual(names('adm\r'), ['a', 'd', 'm', 'enter']);
	assert.deepEqual(names('x\x7f\t\x03'), ['x', 'backspace', 'tab', 'ctrl-c']);
	assert.deepEqual(names('gé😀'), ['g', 'é', '😀'], 'by code point, not UTF-16 unit');
	assert.deepEqual(names('G', {shift: true}), ['G']);
	assert.deepEqual(names('', {downArrow: true}), ['down']);
	assert.deepEqual(names('c', {ctrl: true}), ['ctrl-c']);
	// Esc and the next key in one read (as ink reports "\x1bk", "\x1b\x1b[A", "\x1b\t"): both, Esc first.
	assert.deepEqual(names('k', {meta: true}), ['escape', 'k']);
	assert.deepEqual(names('', {upArrow: true, meta: true}), ['escape', 'up']);
	assert.deepEqual(names('\t'), ['escape', 'tab']);
	assert.deepEqual(names('', {tab: true}), ['tab']);
	assert.deepEqual(names('', {escape: true, meta: true}), ['escape'], 'Esc alone');
});
