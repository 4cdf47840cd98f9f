import {after, test} from 'node:test';
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

// The commands' edges a hunter meets (flags, filters, CSV, the table's line, marks): the real
// command line, `node bin/lateral.js ...` from the repository, on the small CLI fixture
// (six logons of adm-jdoe from 10.10.3.7 to four servers, at night).
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = path.join(root, 'test/fixtures/cli/security.ndjson');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lateral-commands-'));
after(() => fs.rmSync(scratch, {recursive: true, force: true}));
const db = path.join(scratch, 'store.sqlite');

function lateral(...args: string[]) {
	const result = spawnSync(process.execPath, [path.join(root, 'bin/lateral.js'), ...args], {
		cwd: root,
		encoding: 'utf8',
		env: {...process.env, LATERAL_DB: db, NO_COLOR: '1'},
	});
	return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

// Two logons from the source '-' (as Windows logs a local logon's missing address), next to the fixture's.
const dashes = path.join(scratch, 'dash.ndjson');
fs.writeFileSync(dashes, ['bob', 'carol'].map((user, i) => JSON.stringify({
	EventID: 4624, TimeCreated: `2026-11-05T03:0${i}:00.000Z`, Computer: 'WS-0001', TargetUserName: user, LogonType: 3, IpAddress: '-',
})).join('\n') + '\n');
assert.equal(lateral('load', fixture, dashes).code, 0);

test('a flag that takes a value given none, or a number flag given text, is one usage line naming the flag (exit 2)', () => {
	for (const [args, message] of [
		// Without the check, meow read the default store for a bare --db, and made --limit NaN.
		[['hunt', '--db'], 'lateral: hunt: --db needs a value (see lateral hunt --help)'],
		[['hunt', '--db', '--format', 'json'], 'lateral: hunt: --db needs a value (see lateral hunt --help)'],
		[['events', '--limit'], 'lateral: events: --limit needs a value (see lateral events --help)'],
		[['events', '--limit', 'abc'], 'lateral: events: --limit must be a number (got "abc")'],
		[['hunt', '--limit=2x'], 'lateral: hunt: --limit must be a number (got "2x")'],
		[['events', '--dataset', ''], 'lateral: events: --dataset must be a number (got "")'],
		// An empty time or zone read as the flag left out: every logon, or UTC.
		[['events', '--since', ''], 'lateral: events: --since needs a value (see lateral events --help)'],
		[['hunt', '--tz='], 'lateral: hunt: --tz needs a value (see lateral hunt --help)'],
	] as const) {
		const r = lateral(...args);
		assert.deepEqual([r.code, r.stdout, r.stderr], [2, '', `${message}\n`], args.join(' '));
	}
});

test('--src - filters on the source "-" (meow alone takes a lone dash for input and leaves the flag empty)', () => {
	for (const args of [['--src', '-'], ['--src=-']]) {
		const rows = JSON.parse(lateral('events', ...args, '--format', 'json').stdout) as Array<{src_ip: string; user: string}>;
		assert.deepEqual(rows.map(r => [r.src_ip, r.user]), [['-', 'bob'], ['-', 'carol']], args.join(' '));
	}

	// A value that is a dash and the input after -- stay apart.
	const empty = lateral('events', '--user', 'nobody', '--', '-');
	assert.equal(empty.code, 0, empty.stderr);
});

test('lateral hunt --format csv gives a scored profile\'s reasons as signal+points, not [object Object]', () => {
	const r = lateral('hunt', '--format', 'csv');
	assert.equal(r.code, 0, r.stderr);
	const [header, row, ...rest] = r.stdout.trim().split('\n');
	assert.equal(rest.length, 0);
	assert.ok(header!.endsWith(',score,reasons'), header);
	assert.ok(row!.endsWith(',target-spread+2 privileged-name+1 after-hours+3 novelty+4 velocity+1'), row);
	assert.doesNotMatch(r.stdout, /object Object/);
});

test('the table\'s line says when --limit cut the findings short, and a --now before the data hunts nothing, with the window the right way round', () => {
	assert.match(lateral('hunt', '--profile', 'qradar', '--window', 'all', '--limit', '1').stdout, /^qradar: the first 1 finding, --limit 1 \(all time\)\n/);
	assert.match(lateral('hunt', '--profile', 'qradar', '--window', 'all', '--limit', '5').stdout, /^qradar: 1 finding \(all time\)\n/);
	const early = lateral('hunt', '--now', '2020-01-01T00:00:00Z');
	assert.equal(early.stdout, 'lateral: 0 findings (2020-01-01 00:00:00 .. 2020-01-01 00:00:00 UTC)\n');
	assert.equal(early.stderr, 'lateral: --now is before the oldest loaded logon (2026-11-05 02:09:00 UTC): nothing to hunt\n');
});

test('events --until DATE takes in the whole of that day in --tz, and --since after --until is a usage error', () => {
	const day = (...args: string[]) => (JSON.parse(lateral('events', ...args, '--format', 'json').stdout) as unknown[]).length;
	assert.equal(day('--since', '2026-11-05', '--until', '2026-11-05'), 8);
	assert.equal(day('--until', '2026-11-04'), 0);
	// In New York 2026-11-05 starts at 05:00 UTC: of the day's logons, only the one at 10:00 UTC.
	assert.equal(day('--since', '2026-11-05', '--until', '2026-11-05', '--tz', 'America/New_York'), 1);
	// A time of day: to the end of that second (the fixture's logons are on whole minutes).
	assert.equal(day('--until', '2026-11-05T02:12:00Z'), 4);
	const reversed = lateral('events', '--since', '2026-11-06', '--until', '2026-11-05');
	assert.deepEqual([reversed.code, reversed.stderr], [2, 'lateral: --since 2026-11-06 is after --until 2026-11-05\n']);
});

test('mark warns of a pair with no logons (a mistyped name), and the export gives such a pair no times rather than 1970', () => {
	const typo = lateral('mark', '--src', '10.10.3.7', '--user', 'adm-jdeo');
	assert.deepEqual([typo.code, typo.stdout], [0, 'marked adm-jdeo from 10.10.3.7: open\n']);
	assert.equal(typo.stderr, 'lateral: no logon of adm-jdeo from 10.10.3.7 is loaded (names are matched exactly, as spelled in the logs: lateral events --src 10.10.3.7)\n');
	// Marked already: an update says nothing more; a pair with logons never did.
	assert.equal(lateral('mark', '--src', '10.10.3.7', '--user', 'adm-jdeo', '--status', 'benign').stderr, '');
	assert.equal(lateral('mark', '--src', '10.10.3.7', '--user', 'adm-jdoe').stderr, '');
	const json = JSON.parse(lateral('export', '--format', 'json', '--window', 'all').stdout) as {findings: Array<{user: string; first_seen: string | null; last_seen: string | null}>};
	assert.deepEqual(json.findings.map(f => [f.user, f.first_seen, f.last_seen]), [
		['adm-jdeo', null, null],
		['adm-jdoe', '2026-11-05T02:09:00Z', '2026-11-05T02:13:00Z'],
	]);
	assert.match(lateral('export', '--format', 'md', '--window', 'all').stdout, /## adm-jdeo from 10\.10\.3\.7: score 0\n\n- Status: \*\*benign\*\*.*\n- When: no logons in this window\n/);
	assert.equal(lateral('unmark', '--src', '10.10.3.7', '--user', 'adm-jdeo').code, 0);
	assert.equal(lateral('unmark', '--src', '10.10.3.7', '--user', 'adm-jdoe').code, 0);
});

test('datasets rm takes a loaded file back out: its logons go, and it can be loaded again with other options', () => {
	const listed = () => JSON.parse(lateral('datasets', '--format', 'json').stdout) as Array<{id: number; path: string}>;
	const dash = listed().find(d => d.path === dashes)!;
	assert.deepEqual(lateral('datasets', 'rm', String(dash.id)), {code: 0, stderr: '', stdout: `removed dataset ${dash.id}: ${dashes} (windows-json, 2 logons)\n6 logons left in 1 dataset\n`});
	assert.deepEqual(listed().map(d => d.path), [fixture]);
	assert.equal(lateral('events', '--src=-').stdout, 'No logons match.\n');
	// Loaded again, read in another zone this time.
	assert.equal(lateral('load', '--tz', 'Europe/Paris', dashes).code, 0);
	assert.equal((JSON.parse(lateral('events', '--src=-', '--format', 'json').stdout) as unknown[]).length, 2);
	for (const [args, code, message] of [
		[['datasets', 'rm', '99'], 1, 'lateral: dataset 99: not loaded (lateral datasets lists the IDs)'],
		[['datasets', 'rm', 'x'], 2, 'lateral: datasets rm: "x" is not a dataset ID (see lateral datasets)'],
		[['datasets', 'rm'], 2, 'lateral: datasets rm needs the ID of each file to remove (see lateral datasets)'],
		[['datasets', 'drop'], 2, 'lateral: datasets takes no argument but rm (got "drop"; see lateral datasets --help)'],
	] as const) {
		const r = lateral(...args);
		assert.deepEqual([r.code, r.stderr], [code, `${message}\n`], args.join(' '));
	}
});

test('a CSV with no rows still has its header, the same as with rows (events, and each profile\'s hunt)', () => {
	const header = (...args: string[]) => {
		const r = lateral(...args, '--format', 'csv');
		assert.equal(r.code, 0, r.stderr);
		return r.stdout.split('\n');
	};
	const some = header('events');
	assert.ok(some.length > 2);
	assert.deepEqual(header('events', '--user', 'nobody'), [some[0], '']);
	assert.equal(some[0], 'ts,outcome,event_id,logon_type,src_ip,src_port,src_host,user,domain,target,dst_host,dst_ip,service,auth_package,log_source_type,dataset_id,file,line');
	for (const profile of ['qradar', 'logscale', 'lateral']) {
		const found = header('hunt', '--profile', profile, '--window', 'all');
		assert.ok(found.length > 2, profile);
		assert.deepEqual(header('hunt', '--profile', profile, '--now', '2020-01-01T00:00:00Z', '--window', '24h'), [found[0], ''], profile);
	}
});
