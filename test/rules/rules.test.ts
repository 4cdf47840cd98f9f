import {test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import YAML from 'yaml';
import {buildRules, rules as rulesCommand, targetOf} from '../../source/commands/rules.ts';
import {openDb} from '../../source/db/open.ts';
import {loadProfile} from '../../source/detect/profiles.ts';
import {emitRules, TARGETS, type Target} from '../../source/rules/index.ts';
import {templateLines} from '../../source/rules/templates.ts';
import {UsageError} from '../../source/util/errors.ts';
import {allowlistDb, NOW} from './fixtures.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const goldenDir = path.join(root, 'test/golden/rules');
const PROFILES = ['qradar', 'logscale', 'lateral'] as const;
const EXT: Record<Target, string> = {aql: 'aql', cql: 'cql', spl: 'spl', sigma: 'sigma.yml'};

function rulesFor(target: Target, profile: string, allowlist = true): string {
	const db = allowlistDb();
	try {
		return buildRules(db, {target, profile, allowlist, now: NOW});
	} finally {
		db.close();
	}
}

// Goldens are compared exactly; UPDATE_GOLDEN=1 rewrites them (review the diff before keeping it).
for (const profile of PROFILES) {
	for (const target of TARGETS) {
		test(`golden: ${target} for the ${profile} profile`, () => {
			const file = path.join(goldenDir, `${profile}.${EXT[target]}`);
			const text = rulesFor(target, profile);
			if (process.env['UPDATE_GOLDEN'] === '1') fs.writeFileSync(file, text);
			assert.equal(text, fs.readFileSync(file, 'utf8'));
		});
	}
}

/** The query text of a seed page: from the line after the language tag to the line before the rating. */
function seedQuery(file: string, tag: string): string[] {
	const lines = fs.readFileSync(path.join(root, '../shared/seeds', file), 'utf8').split('\n');
	const start = lines.indexOf(tag) + 1;
	const end = lines.findIndex((l, i) => i > start && /^high severity/.test(l));
	assert.ok(start > 0 && end > start, `cannot find the query in ${file}`);
	return lines.slice(start, end);
}

test('the seed templates are the seed queries verbatim', () => {
	// The copies under test/golden/rules/ keep this test meaningful where ../shared/seeds is absent;
	// where it is present, the copies are checked against the seed pages too.
	const copies = {aql: fs.readFileSync(path.join(goldenDir, 'seed-qradar.aql'), 'utf8'), cql: fs.readFileSync(path.join(goldenDir, 'seed-logscale.cql'), 'utf8')};
	assert.equal(`${templateLines('qradar.aql').join('\n')}\n`, copies.aql);
	assert.equal(`${templateLines('logscale.cql').join('\n')}\n`, copies.cql);
	if (fs.existsSync(path.join(root, '../shared/seeds'))) {
		assert.equal(copies.aql, `${seedQuery('t1021-qradar-aql.txt', 'sql').join('\n')}\n`);
		assert.equal(copies.cql, `${seedQuery('t1021-logscale-cql.txt', 'cql').join('\n')}\n`);
	}
});

test('seed AQL and CQL: the seed text preserved, exclusions only inserted (before LAST 24 HOURS / before the first eval)', () => {
	for (const [target, profile, anchor] of [['aql', 'qradar', '  AND LAST 24 HOURS'], ['cql', 'logscale', '| hour := formatTime(format="%H", field=ContextTimeStamp)']] as const) {
		const seed = templateLines(`${profile}.${target}`);
		assert.equal(rulesFor(target, profile, false), `${seed.join('\n')}\n`, `${target} without allowlist is the seed`);
		const out = rulesFor(target, profile).replace(/\n$/, '').split('\n');
		const at = seed.indexOf(anchor);
		assert.deepEqual(out.slice(0, at), seed.slice(0, at), 'text before the exclusions unchanged');
		assert.deepEqual(out.slice(out.length - (seed.length - at)), seed.slice(at), 'text after the exclusions unchanged');
		const inserted = out.slice(at, out.length - (seed.length - at));
		// AQL: the regex entry for domain controllers' host names is a NOT APPLIED comment alone (destinationip is an address).
		assert.equal(inserted.length, target === 'aql' ? 7 : 8, 'a comment and a condition per active entry');
		for (const line of inserted) assert.match(line, target === 'aql' ? /^  (\/\* allowlist #[1-4]: .* \*\/|AND NOT \(.*\))$/ : /^(\/\/ allowlist #[1-4]: |\| )/);
	}
});

test('every target excludes the allowlisted CIDR source and pair; inactive entries are left out', () => {
	const cidr: Record<Target, RegExp> = {
		aql: /AND NOT \(INCIDR\('10\.20\.0\.0\/24', sourceip\)\)/,
		cql: /\| !cidr\(RemoteAddressIP4, subnet="10\.20\.0\.0\/24"\)/,
		spl: /\| where NOT \(cidrmatch\("10\.20\.0\.0\/24", (src_ip|RemoteAddressIP4)\)\)/,
		sigma: /IpAddress\|cidr: 10\.20\.0\.0\/24/,
	};
	for (const profile of PROFILES) {
		for (const target of TARGETS) {
			const text = rulesFor(target, profile);
			assert.match(text, cidr[target], `${target} ${profile}`);
			assert.match(text, /10\.20\.0\.9/, `${target} ${profile}: pair`);
			assert.match(text, /svc-backup/, `${target} ${profile}: glob user`);
			for (const gone of ['192.0.2.77', 'old-contractor', '198.51.100.0']) assert.ok(!text.includes(gone), `${target} ${profile}: ${gone} is inactive`);
			assert.ok(!rulesFor(target, profile, false).includes('10.20.0.0/24'), `${target} ${profile}: --no-allowlist`);
		}
	}
});

test('a CIDR entry given as a bare address is written as its /32 block for every target', () => {
	const db = allowlistDb([
		{kind: 'src_ip', pattern: '10.30.0.5', match: 'cidr', reason: 'one host, as a block'},
		{kind: 'pair', src_ip: '10.40.0.7', user: 'svc-x', match: 'cidr', reason: 'a pair whose source is a block'},
	]);
	try {
		for (const profile of PROFILES) {
			for (const target of TARGETS) {
				const text = buildRules(db, {target, profile, allowlist: true, now: NOW});
				assert.ok(text.includes('10.30.0.5/32') && text.includes('10.40.0.7/32'), `${target} ${profile}`);
				assert.doesNotMatch(text, /10\.30\.0\.5(?!\/32)|10\.40\.0\.7(?!\/32)/, `${target} ${profile}: no bare address`);
			}
		}
	} finally {
		db.close();
	}
});

test('AQL: a regex target entry spelling a host name is said not to apply (destinationip is an address); one for addresses applies', () => {
	const db = allowlistDb([{kind: 'target', pattern: '^10\\.20\\.\\d+\\.\\d+$', match: 'regex', reason: 'the server subnet'}]);
	try {
		const text = buildRules(db, {target: 'aql', profile: 'qradar', allowlist: true, now: NOW});
		assert.match(text, /\/\* allowlist #4: domain controllers -- NOT APPLIED: target "\^dc\[0-9\]\+.*" is a host name/);
		assert.doesNotMatch(text, /IMATCHES '\.\*\(\?:\^dc/);
		assert.match(text, /AND NOT \(destinationip IMATCHES '\.\*\(\?:\^10\\\.20\\\.\\d\+\\\.\\d\+\$\)\.\*'\)/);
	} finally {
		db.close();
	}
});

test('Sigma quotes the values YAML 1.1 (PyYAML, pySigma) would read as booleans or numbers', () => {
	const db = allowlistDb([
		{kind: 'user', pattern: 'yes', match: 'exact', reason: 'a user named yes'},
		{kind: 'user', pattern: 'On', match: 'exact', reason: 'a user named On'},
		{kind: 'target', pattern: '1_000', match: 'exact', reason: 'a host named 1_000'},
	]);
	try {
		const text = buildRules(db, {target: 'sigma', profile: 'qradar', allowlist: true, now: NOW});
		const values = YAML.parseAllDocuments(text.replace(/^#.*\n/gm, ''), {version: '1.1'}).flatMap(d => {
			const detection = (d.toJS() as {detection?: Record<string, unknown>}).detection ?? {};
			return Object.entries(detection).filter(([k]) => k.startsWith('filter_allowlist_')).flatMap(([, v]) => Object.values(v as Record<string, unknown>));
		});
		for (const name of ['yes', 'On', '1_000']) assert.ok(values.includes(name), `${name} read back as the string ${JSON.stringify(name)}: ${JSON.stringify(values)}`);
	} finally {
		db.close();
	}
});

test('AQL groups and has a HAVING; SPL counts targets with dc()', () => {
	for (const profile of PROFILES) {
		const aql = rulesFor('aql', profile);
		assert.match(aql, /^GROUP BY sourceip, username$/m, profile);
		assert.match(aql, /^HAVING\b/m, profile);
		assert.ok(aql.indexOf('GROUP BY') < aql.indexOf('HAVING'));
		assert.match(rulesFor('spl', profile), /\| stats .*\bdc\((dest|ComputerName)\) as /, profile);
	}
});

test('user matches are case-insensitive in every language', () => {
	assert.match(rulesFor('aql', 'qradar'), /LOWER\(username\) = LOWER\('svc-sccm'\)/);
	assert.match(rulesFor('aql', 'qradar'), /username ILIKE 'svc-backup%'/);
	assert.match(rulesFor('cql', 'logscale'), /TargetUserName = \/\^svc-sccm\$\/i/);
	assert.match(rulesFor('spl', 'qradar'), /lower\(user\) == lower\("svc-sccm"\)/);
	assert.match(rulesFor('spl', 'qradar'), /match\(user, "\(\?si\)\^svc-backup\.\*\$"\)/);
});

const SIGMA_RULE_FIELDS = ['title', 'id', 'name', 'status', 'description', 'logsource', 'detection', 'level'];
const SIGMA_CORRELATION_FIELDS = ['title', 'id', 'name', 'correlation', 'level'];

test('Sigma: a valid YAML rule collection with correlation rules referring to rules of the same file', () => {
	for (const profile of PROFILES) {
		const text = rulesFor('sigma', profile);
		const docs = YAML.parseAllDocuments(text);
		for (const d of docs) assert.deepEqual(d.errors, [], profile);
		const rules = docs.map(d => d.toJS() as Record<string, unknown>);
		const names = new Set(rules.map(r => r['name']));
		const ids = rules.map(r => r['id']);
		assert.equal(new Set(ids).size, ids.length, 'unique ids');
		const base = rules.filter(r => r['detection'] !== undefined);
		const correlations = rules.filter(r => r['correlation'] !== undefined);
		assert.ok(base.length >= 1 && correlations.length >= 1, profile);
		for (const r of base) {
			for (const f of SIGMA_RULE_FIELDS) assert.ok(r[f] !== undefined, `${profile}: rule lacks ${f}`);
			assert.match(String(r['id']), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
			assert.deepEqual(r['logsource'], {product: 'windows', service: 'security'});
			const detection = r['detection'] as Record<string, unknown>;
			assert.equal(detection['condition'], 'selection and not 1 of filter_*');
			assert.deepEqual(detection['filter_allowlist_1'], {'IpAddress|cidr': '10.20.0.0/24'});
			assert.deepEqual(detection['filter_allowlist_2'], {IpAddress: '10.20.0.9', TargetUserName: 'svc-sccm'});
			assert.deepEqual(detection['filter_allowlist_3'], {TargetUserName: 'svc-backup*'});
			assert.deepEqual(detection['filter_allowlist_4'], {'Computer|re|i': '^dc[0-9]+\\.corp\\.example$'});
			assert.equal(detection['filter_allowlist_5'], undefined, 'disabled entry left out');
		}

		for (const r of correlations) {
			for (const f of SIGMA_CORRELATION_FIELDS) assert.ok(r[f] !== undefined, `${profile}: correlation lacks ${f}`);
			const c = r['correlation'] as Record<string, unknown>;
			assert.ok(['value_count', 'event_count', 'temporal_ordered'].includes(String(c['type'])));
			assert.match(String(c['timespan']), /^\d+[smhd]$/);
			assert.ok(Array.isArray(c['group-by']) && (c['group-by'] as unknown[]).length > 0);
			for (const ref of c['rules'] as string[]) assert.ok(names.has(ref), `${profile}: ${ref} is a rule of the file`);
			if (c['type'] === 'value_count') assert.ok(typeof (c['condition'] as Record<string, unknown>)['field'] === 'string');
		}
	}

	const qradar = YAML.parseAllDocuments(rulesFor('sigma', 'qradar')).map(d => d.toJS() as Record<string, unknown>);
	assert.deepEqual(qradar[1]!['correlation'], {
		type: 'value_count', rules: ['lateral_qradar_remote_logon'], 'group-by': ['IpAddress', 'TargetUserName'], timespan: '24h', condition: {gt: 1, field: 'Computer'},
	});
});

test('translations state what they could not express, at the top', () => {
	for (const target of TARGETS) {
		const text = rulesFor(target, 'lateral');
		// AQL allows comments only inside the query body: its notes follow FROM events.
		const head = target === 'aql' ? text.slice(text.indexOf('FROM events')) : text;
		const notExpressed = /Signals NOT expressed[^\n]*/.exec(head)?.[0] ?? '';
		for (const signal of ['novelty', 'hopChain', 'routine']) assert.match(notExpressed, new RegExp(signal), `${target} names ${signal}`);
		assert.ok(head.indexOf('Signals NOT expressed') < head.indexOf(target === 'sigma' ? 'title:' : target === 'aql' ? 'WHERE' : 'search'), `${target}: note comes first`);
	}

	assert.match(rulesFor('sigma', 'qradar'), /^# NOT expressed .*second HAVING branch/m);
	assert.match(rulesFor('sigma', 'logscale'), /^# NOT expressed .*AnyAfterHours/m);
});

test('the scored profile is data: its weights and thresholds reach every language', () => {
	const file = path.join(root, 'db/profiles/lateral.json');
	const tuned = {...JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>, name: 'tuned', minScore: 7};
	const dir = fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), 'lateral-rules-'));
	try {
		const tunedFile = path.join(dir, 'tuned.json');
		fs.writeFileSync(tunedFile, JSON.stringify(tuned));
		const profile = loadProfile(tunedFile);
		assert.match(emitRules('aql', profile, []), /\) >= 7\nORDER BY/);
		assert.match(emitRules('cql', profile, []), /\| where score >= 7/);
		assert.match(emitRules('spl', profile, []), /\| where score >= 7/);
		assert.match(emitRules('sigma', profile, []), /against minScore 7/);
		assert.match(emitRules('cql', profile, [], {tz: 'Europe/Berlin'}), /timezone="Europe\/Berlin"/);
	} finally {
		fs.rmSync(dir, {recursive: true, force: true});
	}
});

test('--target is checked: missing or unknown is a usage error with one line', () => {
	assert.throws(() => targetOf({}), UsageError);
	assert.throws(() => targetOf({target: 'kql'}), (e: Error) => e instanceof UsageError && !e.message.includes('\n') && /aql, cql, spl, sigma/.test(e.message));
	for (const t of TARGETS) assert.equal(targetOf({target: t}), t);
});

test('the command writes --out and reports it; help has examples', async () => {
	const dir = fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), 'lateral-rules-'));
	try {
		const out = path.join(dir, 'rule.aql');
		const db = path.join(dir, 'db.sqlite');
		openDb(db).close();
		let said = '';
		const stdout = {write: (s: string) => (said += s, true)} as unknown as NodeJS.WriteStream;
		const code = await rulesCommand.run({input: [], flags: {target: 'aql', profile: 'qradar', db, allowlist: true, out}, stdout, stderr: stdout});
		assert.equal(code, 0);
		assert.equal(said, `wrote ${out}\n`);
		assert.equal(fs.readFileSync(out, 'utf8'), `${templateLines('qradar.aql').join('\n')}\n`);
	} finally {
		fs.rmSync(dir, {recursive: true, force: true});
	}

	assert.match(rulesCommand.help, /Usage/);
	assert.match(rulesCommand.help, /\$ lateral rules --target sigma/);
});
