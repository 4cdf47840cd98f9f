import {test} from 'node:test';
import assert from 'node:assert/strict';
import YAML from 'yaml';
import type {Entry} from '../../source/allowlist/entry.ts';
import {validateEntry} from '../../source/allowlist/entry.ts';
import {loadProfile} from '../../source/detect/profiles.ts';
import {emitRules, TARGETS, type Target} from '../../source/rules/index.ts';
import {commentText, doubleQuoted, escapeRegex, globRegex, regexSource, singleQuoted, slashDelimited} from '../../source/rules/quote.ts';

// Entries a hostile or careless team file could hold: quotes of every kind, backslashes,
// comment terminators of every language, raw newlines and escapes, in reasons and in patterns.
// INJECTED marks text that must stay inside a literal or a comment.
const NASTY = `o'brien" INJECTED */ INJECTED \`\`\` INJECTED \\ INJECTED \n INJECTED // INJECTED # INJECTED`;
const ENTRIES: Entry[] = [
	{kind: 'user', pattern: NASTY, match: 'exact', reason: NASTY},
	{kind: 'user', pattern: `adm'"*\\?\n*INJECTED`, match: 'glob', reason: `glob */ \`\`\` \r\n INJECTED`},
	{kind: 'src_ip', pattern: `^10\\.0\\.0\\.1'"/INJECTED\\\\$`, match: 'regex', reason: 'regex source'},
	{kind: 'pair', src_ip: '10.9.9.9', target: `srv'"/INJECTED\\`, match: 'exact', reason: 'pair with a quoted target \u2028 INJECTED'},
	{kind: 'target', pattern: `host"'\\d+/\nINJECTED`, match: 'regex', reason: 'regex target'},
].map((e, i) => ({...validateEntry(e), id: i + 1}));

/** Text outside literals and comments, scanning as each language's lexer would; throws on an unclosed one. */
function code(target: Exclude<Target, 'sigma'>, text: string): string {
	let out = '';
	let i = 0;
	const until = (end: string, escapes: boolean) => {
		for (i += 1; i < text.length; i++) {
			if (escapes && text[i] === '\\') i++;
			else if (text.startsWith(end, i)) return void (i += end.length);
		}

		throw new Error(`unclosed ${end} in ${target}`);
	};

	while (i < text.length) {
		const rest = text.slice(i);
		const before = out.trimEnd().at(-1);
		if (target === 'aql' && rest.startsWith('/*')) {
			i += 1;
			until('*/', false);
		} else if (target === 'aql' && rest.startsWith('\'')) {
			// '' inside a literal is an escaped quote: skip pairs.
			for (i += 1; ; i++) {
				if (i >= text.length) throw new Error('unclosed \' in aql');
				if (text[i] === '\'' && text[i + 1] === '\'') i++;
				else if (text[i] === '\'') break;
			}

			i++;
		} else if (target === 'cql' && rest.startsWith('//')) {
			const nl = text.indexOf('\n', i);
			i = nl === -1 ? text.length : nl;
		} else if (target === 'spl' && rest.startsWith('```')) {
			i += 2;
			until('```', false);
		} else if (target !== 'aql' && rest.startsWith('"')) {
			until('"', true);
		} else if (target === 'cql' && rest.startsWith('/') && (before === '=' || before === '(')) {
			until('/', true);
		} else {
			out += text[i];
			i++;
		}
	}

	return out;
}

for (const target of ['aql', 'cql', 'spl'] as const) {
	test(`${target}: quotes, backslashes, comment terminators and newlines in entries stay data`, () => {
		for (const name of ['qradar', 'logscale', 'lateral']) {
			const profile = loadProfile(name);
			const clean = emitRules(target, profile, []);
			const text = emitRules(target, profile, ENTRIES);
			assert.ok(!code(target, text).includes('INJECTED'), `${target} ${name}:\n${code(target, text)}`);
			// eslint-disable-next-line no-control-regex
			assert.ok(!/[\u0000-\u0009\u000b-\u001f\u2028\u2029]/.test(text), `${target} ${name}: a raw control character`);
			// Each entry adds exactly its comment line and one condition line (AQL: a comment alone when not expressible).
			const added = text.split('\n').length - clean.split('\n').length;
			assert.ok(added >= ENTRIES.length && added <= 2 * ENTRIES.length, `${target} ${name}: ${added} lines added`);
		}
	});
}

test('sigma: hostile values survive YAML exactly, comments stay comments', () => {
	const text = emitRules('sigma', loadProfile('qradar'), ENTRIES);
	const lines = text.split('\n');
	const first = lines.indexOf(lines.find(l => l.startsWith('title:'))!);
	assert.ok(lines.slice(0, first).every(l => l.startsWith('# ')), 'the header is comment lines only');
	assert.ok(lines.slice(first).every(l => !l.startsWith('#')), 'no comment line after the header');

	const docs = YAML.parseAllDocuments(text);
	for (const d of docs) assert.deepEqual(d.errors, []);
	const detection = (docs[0]!.toJS() as {detection: Record<string, Record<string, string>>}).detection;
	for (const key of Object.keys(detection)) assert.match(key, /^(selection|filter_[a-z0-9_]+|condition)$/);
	// Exact: Sigma's wildcards and escape escaped. Glob: wildcards kept, backslashes doubled.
	assert.equal(detection['filter_allowlist_1']!['TargetUserName'], NASTY.replace(/[\\*?]/g, '\\$&'));
	assert.equal(detection['filter_allowlist_2']!['TargetUserName'], `adm'"*\\\\?\n*INJECTED`);
	assert.equal(detection['filter_allowlist_3']!['IpAddress|re'], `^10\\.0\\.0\\.1'"/INJECTED\\\\$`);
	assert.deepEqual(detection['filter_allowlist_4'], {IpAddress: '10.9.9.9', Computer: `srv'"/INJECTED\\\\`});
	assert.equal(detection['filter_allowlist_5']!['Computer|re|i'], 'host"\'\\d+/\\x0aINJECTED');
});

test('quoting helpers', () => {
	assert.equal(singleQuoted(`it's`), `'it''s'`);
	assert.equal(doubleQuoted(`a"b\\c`), `"a\\"b\\\\c"`);
	assert.equal(escapeRegex('a.b*c\n'), 'a\\.b\\*c\\x0a');
	assert.equal(globRegex('svc-*.?'), '^svc-.*\\..$');
	assert.equal(regexSource('a\nb\\\nc'), 'a\\x0ab\\x0ac');
	assert.equal(slashDelimited('a/b\\/c\\'), 'a\\/b\\/c\\\\');
	assert.equal(commentText('x */ y /* z\nw', ['*/', '/*']), 'x * / y / * z\\x0aw');
	assert.equal(commentText('a ``` b', ['```']), 'a ` `` b');
	assert.equal(commentText('a\u2028b'), 'a\\u2028b');
	// Every emitted literal is checked once more: every target refuses a raw control in a literal.
	for (const t of TARGETS) assert.doesNotThrow(() => emitRules(t, loadProfile('lateral'), ENTRIES));
});
