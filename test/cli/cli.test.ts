import {after, test} from 'node:test';
import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

// Runs the real command line, as a hunter would: `node bin/lateral.js ...` from the repository.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = path.join(root, 'test/fixtures/cli/security.ndjson');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lateral-cli-'));
after(() => fs.rmSync(scratch, {recursive: true, force: true}));
let dbs = 0;
const freshDb = () => path.join(scratch, `db-${++dbs}.sqlite`);

function lateral(args: string[], db?: string, env: Record<string, string> = {}) {
	const result = spawnSync(process.execPath, [path.join(root, 'bin/lateral.js'), ...args], {
		cwd: root,
		encoding: 'utf8',
		env: {...process.env, LATERAL_DB: db ?? freshDb(), NO_COLOR: '1', ...env},
	});
	return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

const oneLine = (text: string) => text.trim().split('\n').length === 1 && !/\n\s+at /.test(text);

test('--help lists every command; each command has its own --help', () => {
	const main = lateral(['--help']);
	assert.equal(main.code, 0);
	for (const c of ['tui', 'load', 'hunt', 'events', 'datasets', 'allow', 'mark', 'unmark', 'export', 'generate']) {
		assert.match(main.stdout, new RegExp(`^  ${c} `, 'm'), c);
		const own = lateral([c, '--help']);
		assert.equal(own.code, 0, c);
		assert.match(own.stdout, /Usage/, c);
		assert.match(own.stdout, /\$ lateral/, `${c} help has an example`);
	}
});

test('usage errors exit 2 with one line; no stack trace', () => {
	for (const args of [['nope'], ['hunt', '--bogus'], ['hunt', '--tz', 'Mars/Base'], ['hunt', '--window', 'soon'], ['hunt', '--format', 'xml'], ['load'], ['hunt', '--profile', 'nosuch']]) {
		const r = lateral(args);
		assert.equal(r.code, 2, args.join(' '));
		assert.ok(oneLine(r.stderr), `${args.join(' ')}: ${r.stderr}`);
	}
});

test('load, datasets, reload, events and hunt on a small Windows JSON file', () => {
	const db = freshDb();
	const load = lateral(['load', fixture], db);
	assert.equal(load.code, 0, load.stderr);
	assert.match(load.stdout, /windows-json, 6 logons, 0 rejected, 1 other events skipped/);
	const datasets = JSON.parse(lateral(['datasets', '--format', 'json'], db).stdout) as Array<Record<string, unknown>>;
	assert.equal(datasets.length, 1);
	assert.deepEqual([datasets[0]!['format'], datasets[0]!['records'], datasets[0]!['rejected']], ['windows-json', 6, 0]);
	assert.match(String(datasets[0]!['sha256']), /^[0-9a-f]{64}$/);
	assert.equal(datasets[0]!['path'], fixture);

	const again = lateral(['load', fixture], db);
	assert.equal(again.code, 0);
	assert.match(again.stdout, /already loaded/);
	assert.equal((JSON.parse(lateral(['datasets', '--format', 'json'], db).stdout) as unknown[]).length, 1);

	const events = lateral(['events', '--user', 'ADM-JDOE', '--format', 'ndjson'], db).stdout.trim().split('\n').map(l => JSON.parse(l) as Record<string, unknown>);
	assert.equal(events.length, 5);
	assert.equal(events[0]!['ts'], Date.parse('2026-11-05T02:09:00Z'));
	assert.equal(events[0]!['outcome'], 'failure');
	assert.equal(events[0]!['line'], 5);
	for (const key of ['ts', 'outcome', 'event_id', 'logon_type', 'src_ip', 'src_host', 'user', 'domain', 'target', 'dst_host', 'dst_ip', 'service', 'auth_package', 'log_source_type', 'dataset_id']) {
		assert.ok(key in events[0]!, key);
	}
	assert.equal(JSON.parse(lateral(['events', '--dataset', '1', '--format', 'json'], db).stdout).length, 6);
	assert.deepEqual(Object.values(lateral(['events', '--dataset', '2', '--format', 'json'], db)).slice(0, 3), [1, '', 'lateral: no dataset 2 is loaded (lateral datasets lists them)\n'], 'a dataset that is not there is said so, not an empty answer');

	const qradar = JSON.parse(lateral(['hunt', '--profile', 'qradar', '--format', 'json'], db).stdout) as Array<Record<string, unknown>>;
	assert.deepEqual(qradar, [{
		first_seen: '2026-11-05 02:09:00', last_seen: '2026-11-05 02:13:00', source_ip: '10.10.3.7', target_user: 'adm-jdoe',
		total_logons: 5, failed_logons: 1, success_logons: 4, unique_target_hosts: 4, is_privileged: 0, any_after_hours: 1, suspicion_score: 5,
	}]);
	// The same hunt again answers from the hunt cache, and --no-cache re-reads the logons: same rows.
	assert.deepEqual(JSON.parse(lateral(['hunt', '--profile', 'qradar', '--format', 'json'], db).stdout), qradar);
	assert.deepEqual(JSON.parse(lateral(['hunt', '--profile', 'qradar', '--format', 'json', '--no-cache'], db).stdout), qradar);
	const table = lateral(['hunt', '--profile', 'logscale'], db);
	assert.equal(table.code, 0);
	assert.match(table.stdout, /logscale: 1 finding/);
	assert.match(table.stdout, /10\.10\.3\.7\s+adm-jdoe/);
	// logscale has no window: --now does not stop it, and the hunter is told so.
	const replay = lateral(['hunt', '--profile', 'logscale', '--now', '2026-11-05T02:10:00Z'], db);
	assert.match(replay.stdout, /logscale: 1 finding \(all time\)/);
	assert.equal(replay.stderr, 'lateral: note: --now ends a window, and this hunt has none (--window all or the profile\'s default): every loaded logon was hunted; give --window to stop at --now\n');
	assert.equal(lateral(['hunt', '--profile', 'qradar', '--now', '2026-11-05T02:10:00Z'], db).stderr, '', 'qradar\'s 24 hours end at --now: no note');
});

test('hunt --profile FILE: a copy of lateral.json hunts; a misspelt field in it is refused by name, exit 2', () => {
	const db = freshDb();
	assert.equal(lateral(['load', fixture], db).code, 0);
	const shipped = JSON.parse(fs.readFileSync(path.join(root, 'db/profiles/lateral.json'), 'utf8')) as Record<string, unknown>;
	const copy = path.join(scratch, 'my-site.json');
	fs.writeFileSync(copy, JSON.stringify({...shipped, minScore: 8}, null, '\t'));
	const hunt = lateral(['hunt', '--profile', copy], db);
	assert.equal(hunt.code, 0, hunt.stderr);
	assert.match(hunt.stdout, /^lateral: \d+ findings? /m);
	const typo = path.join(scratch, 'my-site-typo.json');
	fs.writeFileSync(typo, JSON.stringify({...shipped, minscore: 8}, null, '\t'));
	const refused = lateral(['hunt', '--profile', typo], db);
	assert.deepEqual(refused, {code: 2, stdout: '', stderr: `lateral: profile ${typo}: unknown field minscore (did you mean minScore?)\n`});
});

test('a file repeating logons of an earlier one loads, with a line saying how many and from which file', () => {
	const db = freshDb();
	assert.equal(lateral(['load', fixture], db).code, 0);
	// The same log collected again a day later: its first four logons, and one more.
	const lines = fs.readFileSync(fixture, 'utf8').trim().split('\n').slice(0, 4);
	lines.push(lines[0]!.replace('2026-11-05T02:10:00', '2026-11-06T02:10:00'));
	const again = path.join(scratch, 'security-again.ndjson');
	fs.writeFileSync(again, `${lines.join('\n')}\n`);
	const load = lateral(['load', again], db);
	assert.equal(load.code, 0, load.stderr);
	assert.match(load.stdout, /windows-json, 5 logons/);
	assert.match(load.stdout, /^ {2}repeats: 4 of its 5 logons are already loaded, from dataset 1 \(security\.ndjson\) /m);
	// The datasets list keeps saying so.
	const listed = JSON.parse(lateral(['datasets', '--format', 'json'], db).stdout) as Array<Record<string, unknown>>;
	assert.deepEqual(listed.map(d => [d['records'], d['repeats']]), [[6, 0], [5, 4]]);
	assert.match(lateral(['datasets'], db).stdout, /^ID +FORMAT +RECORDS +REJECTED +SKIPPED +REPEATS +FIRST/m);
	// Both copies are kept: the hunt counts them.
	const qradar = JSON.parse(lateral(['hunt', '--profile', 'qradar', '--format', 'json', '--window', 'all'], db).stdout) as Array<Record<string, unknown>>;
	assert.equal(qradar[0]!['total_logons'], 10);
	// The table says so on stderr; the JSON above says nothing there.
	assert.match(lateral(['hunt', '--profile', 'qradar', '--window', 'all'], db).stderr, /^lateral: 4 of the loaded logons repeat logons of other files \(lateral datasets: REPEATS\); hunts count both copies$/m);
	assert.doesNotMatch(lateral(['hunt', '--profile', 'qradar', '--format', 'json', '--window', 'all'], db).stderr, /repeat/);
	// A file of other days says nothing of repeats.
	const later = path.join(scratch, 'security-later.ndjson');
	fs.writeFileSync(later, `${lines.map(l => l.replace('2026-11-0', '2026-12-0')).join('\n')}\n`);
	assert.doesNotMatch(lateral(['load', later], db).stdout, /repeats/);
	// Several files end with a total.
	const both = lateral(['load', later, again], db);
	assert.equal(both.code, 0);
	assert.match(both.stdout, /\ntotal: 0 files loaded, 0 logons, 0 rejected; 2 files already loaded\n$/);
	assert.doesNotMatch(load.stdout, /total:/, 'not after one file');
});

test('a reader that closes the pipe early (lateral events | head) ends nothing in error: no stack, the usual exit code, later files still loaded', async () => {
	const db = freshDb();
	const other = path.join(root, 'datasets/sample/auth.log');
	/** Runs lateral with its stdout a pipe whose only reader is closed before lateral writes. */
	const closedPipe = (args: string[]) => new Promise<{code: number | null; stderr: string}>(resolve => {
		const child = spawn(process.execPath, [path.join(root, 'bin/lateral.js'), ...args], {cwd: root, env: {...process.env, LATERAL_DB: db, NO_COLOR: '1'}, stdio: ['ignore', 'pipe', 'pipe']});
		child.stdout.destroy();
		let stderr = '';
		child.stderr.on('data', chunk => stderr += String(chunk));
		child.on('close', code => resolve({code, stderr}));
	});
	assert.deepEqual(await closedPipe(['load', fixture, other]), {code: 0, stderr: ''});
	assert.deepEqual((JSON.parse(lateral(['datasets', '--format', 'json'], db).stdout) as Array<{path: string}>).map(d => d.path), [fixture, other]);
	assert.deepEqual(await closedPipe(['events']), {code: 0, stderr: ''});
	assert.deepEqual(await closedPipe(['hunt', '--profile', 'qradar', '--format', 'json']), {code: 0, stderr: ''});
});

test('on an empty store, events and hunt say how to load logons; with logons, a filter that matches none says so', () => {
	const db = freshDb();
	assert.equal(lateral(['allow', 'list'], db).code, 0, 'an empty store');
	for (const args of [['events'], ['hunt'], ['hunt', '--profile', 'qradar']]) {
		const r = lateral(args, db);
		assert.deepEqual([r.code, r.stdout], [0, ''], args.join(' '));
		assert.equal(r.stderr, 'No logons loaded yet. Load some with: lateral load PATH (try datasets/sample)\n', args.join(' '));
	}

	assert.equal(lateral(['load', fixture], db).code, 0);
	const none = lateral(['events', '--user', 'nobody'], db);
	assert.deepEqual([none.code, none.stdout, none.stderr], [0, 'No logons match.\n', '']);
});

test('a store named by --db or $LATERAL_DB that does not exist is not created: reading commands warn and answer as on an empty store, mark fails', () => {
	const missing = path.join(scratch, 'no-such-case.sqlite');
	const warning = `lateral: no database at ${missing} (check --db; lateral load PATH creates one)\n`;
	const json = lateral(['hunt', '--format', 'json', '--db', missing]);
	assert.deepEqual([json.code, json.stdout, json.stderr], [0, '[]\n', warning]);
	const table = lateral(['hunt', '--db', missing]);
	assert.deepEqual([table.code, table.stdout, table.stderr], [0, '', `${warning}No logons loaded yet. Load some with: lateral load PATH (try datasets/sample)\n`]);
	for (const args of [['events'], ['datasets'], ['export', '--format', 'json'], ['rules', '--target', 'sigma']]) {
		const r = lateral([...args, '--db', missing]);
		assert.equal(r.code, 0, args.join(' '));
		assert.ok(r.stderr.startsWith(warning), `${args.join(' ')}: ${r.stderr}`);
	}

	const byEnv = lateral(['events'], missing);
	assert.ok(byEnv.stderr.startsWith(`lateral: no database at ${missing} (check $LATERAL_DB;`), byEnv.stderr);
	const mark = lateral(['mark', '--src', '10.0.0.1', '--user', 'bob', '--status', 'escalated', '--db', missing]);
	assert.deepEqual([mark.code, mark.stderr], [1, warning]);
	assert.equal(fs.existsSync(missing), false, 'no store was created');
});

test('counts and durations are not negative, limits are at least 1, a flag is given once and a date is of the calendar: one line, exit 2', () => {
	for (const [args, message] of [
		[['hunt', '--window', '-5h'], 'lateral: hunt: --window cannot be negative (got -5h)'],
		[['events', '--limit', '-3'], 'lateral: events: --limit cannot be negative (got -3)'],
		[['hunt', '--limit', '0'], 'lateral: --limit must be a whole number of at least 1 (got "0")'],
		[['hunt', '--limit=-2'], 'lateral: --limit must be a whole number of at least 1 (got "-2")'],
		[['hunt', '--profile', 'qradar', '--profile=logscale'], 'lateral: hunt: --profile is given twice (see lateral hunt --help)'],
		[['hunt', '--allowlist', '--no-allowlist'], 'lateral: hunt: --allowlist is given twice (see lateral hunt --help)'],
		[['generate', '--out', 'never-written', '--start', '2026-02-30'], 'lateral: --start is not a calendar date: "2026-02-30"'],
		[['generate', '--out', 'never-written', '--users', '5'], 'lateral: --users must be a whole number of at least 10 (got "5")'],
		[['load', 'datasets/sample/auth.log', '--year', '20266'], 'lateral: --year must be from 1970 to 2200 (got 20266)'],
	] as const) {
		const r = lateral([...args]);
		assert.deepEqual([r.code, r.stderr], [2, `${message}\n`], args.join(' '));
	}
});

test('generate --out naming a file is refused with one line, exit 1, and the file is left alone', () => {
	const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lateral-gen-')), 'auth.log');
	fs.writeFileSync(file, 'keep me\n');
	const r = lateral(['generate', '--out', file]);
	assert.deepEqual([r.code, r.stderr], [1, `lateral: ${file}: exists and is not a folder (--out names the folder to write into)\n`]);
	assert.equal(fs.readFileSync(file, 'utf8'), 'keep me\n');
});

test('allow import of a file that is missing or a folder: one line saying which, exit 1', () => {
	const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'lateral-import-'));
	const missing = path.join(folder, 'team.yaml');
	assert.deepEqual(Object.values(lateral(['allow', 'import', missing])).slice(0, 3), [1, '', `lateral: ${missing}: cannot read: no such file\n`]);
	assert.deepEqual(Object.values(lateral(['allow', 'import', folder])).slice(0, 3), [1, '', `lateral: ${folder}: cannot read: it is a folder\n`]);
});

test('a file of random bytes is refused with one line naming it', () => {
	const junk = path.join(scratch, 'junk.bin');
	fs.writeFileSync(junk, Buffer.from(Array.from({length: 4096}, (_, i) => (i * 7919 + 13) % 256)));
	const db = freshDb();
	const r = lateral(['load', junk], db);
	assert.equal(r.code, 1);
	assert.ok(oneLine(r.stderr), r.stderr);
	assert.match(r.stderr, /junk\.bin/);
	assert.equal(lateral(['datasets', '--format', 'json'], db).stdout.trim(), '[]');
});

test('allowlist, shortlist and export through the command line', () => {
	const db = freshDb();
	lateral(['load', fixture], db);
	assert.equal(lateral(['allow', 'add', '--kind', 'user', '--pattern', 'adm-*', '--match', 'glob'], db).code, 2, 'a reason is required');
	const add = lateral(['allow', 'add', '--kind', 'src_ip', '--pattern', '10.10.3.0/24', '--match', 'cidr', '--reason', 'test lab'], db);
	assert.equal(add.code, 0, add.stderr);
	assert.equal(lateral(['hunt', '--profile', 'qradar', '--format', 'json'], db).stdout.trim(), '[]');
	assert.equal((JSON.parse(lateral(['hunt', '--profile', 'qradar', '--format', 'json', '--no-allowlist'], db).stdout) as unknown[]).length, 1);
	const list = JSON.parse(lateral(['allow', 'list', '--format', 'json', '--profile', 'qradar'], db).stdout) as Array<{hits: {events: number; findings: number}}>;
	assert.deepEqual(list[0]!.hits, {events: 5, findings: 1, profile: 'qradar'});

	const bad = path.join(scratch, 'bad-allowlist.yaml');
	fs.writeFileSync(bad, '- {kind: user, pattern: a, reason: ok}\n- {kind: user, pattern: b}\n');
	const imported = lateral(['allow', 'import', bad], db);
	assert.equal(imported.code, 1);
	assert.match(imported.stderr, /entry 1: reason/);
	assert.equal((JSON.parse(lateral(['allow', 'list', '--format', 'json'], db).stdout) as unknown[]).length, 1, 'nothing imported');

	assert.equal(lateral(['allow', 'rm', '1'], db).code, 0);
	assert.equal(lateral(['mark', '--src', '10.10.3.7', '--user', 'adm-jdoe', '--status', 'escalated', '--note', 'four servers at 02:10'], db).code, 0);
	const listed = lateral(['mark', '--list', '--tz', 'America/New_York'], db).stdout.split('\n');
	assert.match(listed[0]!, /^STATUS +SOURCE +USER +BY +UPDATED \(America\/New_York\) +NOTE$/);
	assert.match(listed[1]!, /^escalated +10\.10\.3\.7 +adm-jdoe +\S+ +\d{4}-\d\d-\d\d \d\d:\d\d +four servers at 02:10$/);
	const exported = JSON.parse(lateral(['export', '--format', 'json', '--profile', 'qradar', '--window', 'all'], db).stdout) as {findings: Array<Record<string, unknown>>};
	assert.equal(exported.findings[0]!['status'], 'escalated');
	assert.deepEqual(exported.findings[0]!['targets'], ['SRV-APP01', 'SRV-DB01', 'SRV-FS01', 'SRV-WEB01']);
	// --format markdown is md; without --format, --out's extension picks it.
	const markdown = lateral(['export', '--format', 'markdown', '--profile', 'qradar', '--window', 'all'], db);
	assert.equal(markdown.code, 0, markdown.stderr);
	assert.equal(markdown.stdout, lateral(['export', '--format', 'md', '--profile', 'qradar', '--window', 'all'], db).stdout);
	const csv = path.join(scratch, 'shortlist.CSV');
	assert.equal(lateral(['export', '--out', csv, '--profile', 'qradar', '--window', 'all'], db).code, 0);
	assert.match(fs.readFileSync(csv, 'utf8'), /^[a-z_]+(,[a-z_]+)+\r?\n/, 'a CSV header line');
	const json = path.join(scratch, 'shortlist.json');
	assert.equal(lateral(['export', '--out', json, '--profile', 'qradar', '--window', 'all'], db).code, 0);
	assert.equal((JSON.parse(fs.readFileSync(json, 'utf8')) as typeof exported).findings[0]!['status'], 'escalated');
	// --format wins over the extension.
	assert.equal(lateral(['export', '--out', json, '--format', 'md', '--profile', 'qradar', '--window', 'all'], db).code, 0);
	assert.match(fs.readFileSync(json, 'utf8'), /^# /);
	assert.equal(lateral(['export', '--format', 'xlsx'], db).code, 2);
});

test('allow: impossible expiry dates are refused, dates come back as entered, re-imports add nothing', () => {
	const db = freshDb();
	const add = (...more: string[]) => lateral(['allow', 'add', '--kind', 'user', '--pattern', 'svc-x', '--reason', 'batch jobs', ...more], db);
	for (const [value, why] of [['2027-02-30', 'February 2027 has 28 days'], ['2027-02-29', 'February 2027 has 28 days'], ['2027-13-01', 'there is no month 13'], ['2027-01-00', 'there is no day 0']]) {
		const r = add('--expires', value!);
		assert.equal(r.code, 2, value);
		assert.equal(r.stderr, `lateral: allow add: --expires "${value}" is not a calendar date: ${why}\n`);
	}

	assert.equal(add('--expires', '2028-02-29').stdout, 'added allowlist entry 1: user svc-x — batch jobs\n');
	assert.equal(add('--expires', '2027-01-31').stdout, 'added allowlist entry 2: user svc-x — batch jobs\n');
	const again = add('--expires', '2027-01-31');
	assert.equal(again.code, 0);
	assert.equal(again.stdout, 'already in the allowlist as entry 2: user svc-x — batch jobs\n');
	const past = add('--expires', '2020-06-30');
	assert.deepEqual([past.code, past.stdout, past.stderr], [0, 'added allowlist entry 3: user svc-x — batch jobs\n', 'lateral: note: it expired on 2020-06-30, so it does not apply (check --expires)\n']);
	assert.match(lateral(['allow', 'list'], db).stdout, /^ 2 .* 2027-01-31 +all +batch jobs$/m);
	assert.match(lateral(['allow', 'list'], db).stdout, /^ 3 +expired .* 2020-06-30 +all +batch jobs$/m);
	assert.equal(lateral(['allow', 'rm', '3'], db).code, 0);
	const exported = lateral(['allow', 'export'], db).stdout;
	assert.match(exported, /^ {2}expires: 2028-02-29$/m);
	assert.match(exported, /^ {2}expires: 2027-01-31$/m);

	// The team's file: imported into a new store and exported again, byte for byte; imported twice, once.
	const file = path.join(scratch, 'team-allowlist.yaml');
	fs.writeFileSync(file, exported);
	const other = freshDb();
	assert.equal(lateral(['allow', 'import', file], other).stdout, `imported 2 allowlist entries from ${file} (ids 1..2)\n`);
	assert.equal(lateral(['allow', 'import', file], other).stdout, `imported 0 allowlist entries from ${file} (2 already present)\n`);
	assert.equal(lateral(['allow', 'export'], other).stdout, exported);
	fs.writeFileSync(file, `${exported}- {kind: target, pattern: DC01, reason: domain controller}\n`);
	assert.equal(lateral(['allow', 'import', file], other).stdout, `imported 1 allowlist entry from ${file} (ids 3..3; 2 already present)\n`);

	fs.writeFileSync(file, '- {kind: target, pattern: DC02, reason: domain controller}\n- {kind: user, pattern: z, reason: r, expires: 2027-02-30}\n');
	const bad = lateral(['allow', 'import', file], other);
	assert.equal(bad.code, 1);
	assert.equal(bad.stderr, `lateral: ${file}: entry 1: expires: "2027-02-30" is not a calendar date: February 2027 has 28 days; nothing was imported\n`);
	assert.equal((JSON.parse(lateral(['allow', 'list', '--format', 'json'], other).stdout) as unknown[]).length, 3, 'nothing imported');
});

test('a read-only database can be hunted but not loaded into', () => {
	const db = freshDb();
	lateral(['load', fixture], db);
	const hunt = lateral(['hunt', '--profile', 'qradar', '--format', 'json', '--read-only'], db);
	assert.equal(hunt.code, 0, hunt.stderr);
	assert.equal((JSON.parse(hunt.stdout) as unknown[]).length, 1);
	const load = lateral(['load', fixture, '--read-only'], db);
	assert.equal(load.code, 1);
	assert.ok(oneLine(load.stderr), load.stderr);
	assert.match(load.stderr, /read-only/);
});
