/**
 * The views, rendered with ink-testing-library at 80x24 (and smaller) on a small fixture, and
 * compared frame by frame. NO_COLOR is on, so a frame is exactly the text a hunter reads.
 */
import {afterEach, test} from 'node:test';
import assert from 'node:assert/strict';
import {cleanup} from 'ink-testing-library';
import {openConsole} from './harness.tsx';
import {columnsOf} from '../../source/util/sanitize.ts';
import {fixtureDb, T} from './fixture.ts';
import {addDataset, logon} from '../helpers/logons.ts';

afterEach(() => cleanup());

/** A full screen: the top lines, blank lines, then the bottom lines, `height` lines in all. */
function screen(top: string[], bottom: string[], height = 24): string {
	const blank = Array.from({length: height - top.length - bottom.length}, () => '');
	return [...top, ...blank, ...bottom].join('\n');
}

const STATUS = 'test.sqlite · qradar · 2 findings  Enter open  s source  u user  ? help  q quit';
const STATUS_BACK = 'test.sqlite · qradar · 2 findings  Backspace back  / search  ? help  q quit';

test('findings: ranked rows with source, user, hosts, failures, after hours, score, first/last seen', async () => {
	const c = await openConsole({db: fixtureDb()});
	assert.equal(c.frame(), screen([
		'lateral › findings',
		'findings · profile qradar · 2 findings · 11-04 14:01 – 11-05 14:01 UTC',
		'   score source          user            hosts  fail aft first seen  last seen',
		'›      5 10.0.0.5        adm-jdoe            4     1 yes 11-05 02:00 11-05 02:05',
		'       3 10.0.0.8        svc-backup          2           11-05 14:00 11-05 14:01',
	], ['', STATUS]));
	assert.match(await c.press('j'), /\n›      3 10\.0\.0\.8 {8}svc-backup/);
	assert.match(await c.press('k'), /\n›      5 10\.0\.0\.5/);
});

test('findings: wide and combining characters in names keep the columns in line, at 120 and at 80 columns', async () => {
	const names = ['管理员管理员管理员', 'emoji😀😀😀', 'combine\u0301\u0301\u0301', '管理员管理员管理员管理员管理员管理员管理员管理员'];
	const extra = names.flatMap((user, u) => ['SRV-DB01', 'SRV-FS01'].map((target, i) => logon({ts: T + (u * 2 + i) * 60_000, src_ip: `10.0.1.${u}`, user, target})));
	for (const width of [120, 80]) {
		const c = await openConsole({db: fixtureDb(extra), width});
		const rows = c.frame().split('\n').filter(line => / 10\.0\.\d\.\d+ /.test(line));
		assert.equal(rows.length, 6, c.frame());
		// Where the first-seen time starts, in terminal columns: the same on every row.
		const starts = new Set(rows.map(row => columnsOf(row.slice(0, row.search(/11-05 \d\d:\d\d/)))));
		assert.equal(starts.size, 1, `${width} columns:\n${rows.join('\n')}`);
		for (const row of rows) assert.ok(columnsOf(row) <= width, row);
		assert.ok(rows.every(row => / 11-05 \d\d:\d\d +11-05 \d\d:\d\d$/.test(row)) || width < 100, 'both times shown');
		cleanup();
	}
});

test('finding detail: score breakdown, targets, mark and events with file:line', async () => {
	const c = await openConsole({db: fixtureDb()});
	assert.equal(await c.press('enter'), screen([
		'lateral › findings › finding 10.0.0.5 / adm-jdoe',
		'10.0.0.5 → adm-jdoe  score 5 (medium)',
		'5 logons, 1 failed, 4 targets · 11-05 02:00 – 11-05 02:05 · after hours',
		'  +4 target-spread        4 distinct target hosts (1 point each)',
		'  +1 after-hours          a logon before 06:00 (UTC)',
		'targets: SRV-APP1, SRV-APP2, SRV-DB01, SRV-FS01',
		'shortlist: not marked (m marks it)',
		'events 1-5 of 5 in the hunt window',
		' time                result  type target       service  file:line',
		'›2026-11-05 02:00:00 ok         3 SRV-DB01     network  night.json:1',
		' 2026-11-05 02:01:00 ok         3 SRV-FS01     network  night.json:2',
		' 2026-11-05 02:02:00 ok         3 SRV-APP1     network  night.json:3',
		' 2026-11-05 02:03:00 ok         3 SRV-APP2     network  night.json:4',
		' 2026-11-05 02:05:00 FAILED     3 SRV-DB01     network  night.json:5',
	], ['', 'test.sqlite · qradar · 2 findings  s source  u user  h host  ? help  q quit']));
	// h on an event row pivots to that event's host.
	const host = await c.press('G', 'h');
	assert.match(host.split('\n')[0]!, /^lateral › findings › finding 10\.0\.0\.5 \/ adm-jdoe › host SRV-DB01$/);
});

test('finding detail: file:line takes the spare width, and a long file name loses its middle, never its :line', async () => {
	const db = fixtureDb();
	addDataset(db, [
		logon({ts: T + 3_600_000, src_ip: '10.0.0.7', user: 'eve', target: 'WKS-FINANCE-0042.corp.example.com', raw_ref: 13662}),
		logon({ts: T + 3_660_000, src_ip: '10.0.0.7', user: 'eve', target: 'SRV-DB01', raw_ref: 13663}),
	], {path: '/evidence/HOST-FS01/windows-security.ndjson'});
	const events = async (width: number) => {
		const c = await openConsole({db, width});
		await c.press('/', 'eve', 'enter', 'enter');
		const lines = c.frame().split('\n');
		const header = lines.findIndex(l => l.startsWith(' time '));
		return lines.slice(header, header + 3).map(l => l.trimEnd());
	};

	// 80 columns: no spare width; both long names give way in the middle.
	assert.deepEqual(await events(80), [
		' time                result  type target             service  file:line',
		'›2026-11-05 03:00:00 ok         3 WKS-F….example.com network  windo…ndjson:13662',
		' 2026-11-05 03:01:00 ok         3 SRV-DB01           network  windo…ndjson:13663',
	]);
	// Wider: the target as wide as its longest name, file:line the rest, whole.
	for (const width of [120, 200]) {
		assert.deepEqual(await events(width), [
			' time                result  type target                            service  file:line',
			'›2026-11-05 03:00:00 ok         3 WKS-FINANCE-0042.corp.example.com network  windows-security.ndjson:13662',
			' 2026-11-05 03:01:00 ok         3 SRV-DB01                          network  windows-security.ndjson:13663',
		], `${width} columns`);
	}
});

test('entity view: a user\'s logons grouped by source and host, and the findings it is in', async () => {
	const c = await openConsole({db: fixtureDb()});
	assert.equal(await c.press('u'), screen([
		'lateral › findings › user adm-jdoe',
		'user adm-jdoe',
		'5 logons, 1 failed · 11-05 02:00 – 11-05 02:05 · all loaded time',
		'in 1 finding: 10.0.0.5/adm-jdoe (5)',
		' source          host                      logons failed first seen  last seen',
		'›10.0.0.5        SRV-DB01                       2      1 11-05 02:00 11-05 02:05',
		' 10.0.0.5        SRV-APP2                       1        11-05 02:03 11-05 02:03',
		' 10.0.0.5        SRV-APP1                       1        11-05 02:02 11-05 02:02',
		' 10.0.0.5        SRV-FS01                       1        11-05 02:01 11-05 02:01',
	], ['', STATUS]));
});

test('pivots chain and back unwinds them; the breadcrumb shows the path', async () => {
	const c = await openConsole({db: fixtureDb()});
	await c.press('s', 'j', 'h');
	const host = c.frame().split('\n');
	assert.equal(host[0], 'lateral › findings › source 10.0.0.5 › host SRV-APP2');
	assert.equal(host[3], 'in 1 finding: 10.0.0.5/adm-jdoe (5)');
	await c.press('u');
	assert.equal(c.frame().split('\n')[0], 'lateral › findings › source 10.0.0.5 › host SRV-APP2 › user adm-jdoe');
	await c.press('backspace');
	assert.equal(c.frame().split('\n')[0], 'lateral › findings › source 10.0.0.5 › host SRV-APP2');
	await c.press('escape');
	const back = c.frame().split('\n');
	assert.equal(back[0], 'lateral › findings › source 10.0.0.5');
	assert.match(back[6]!, /^›adm-jdoe/, 'the cursor is where it was');
	await c.press('backspace', 'backspace');
	assert.equal(c.frame().split('\n')[0], 'lateral › findings');
	assert.equal(c.frame().split('\n')[22], 'at the top (Tab cycles views, q quits)');
});

test('entity view at 60x16: low-priority columns give way, nothing is wider than the screen', async () => {
	const c = await openConsole({db: fixtureDb(), width: 60, height: 16});
	assert.equal(await c.press('s'), screen([
		'lateral › findings › source 10.0.0.5',
		'source 10.0.0.5',
		'5 logons, 1 failed · 11-05 02:00 – 11-05 02:05 · all loaded…',
		'in 1 finding: 10.0.0.5/adm-jdoe (5)',
		' user             host             logons failed last seen',
		'›adm-jdoe         SRV-DB01              2      1 11-05 02:05',
		' adm-jdoe         SRV-APP2              1        11-05 02:03',
		' adm-jdoe         SRV-APP1              1        11-05 02:02',
		' adm-jdoe         SRV-FS01              1        11-05 02:01',
	], ['', 'test.sqlite · qradar · 2 findings  ? help  q quit'], 16));
});

test('timeline: logons by hour, failures marked with !, after-hours hours shaded with ·', async () => {
	const c = await openConsole({db: fixtureDb()});
	assert.equal(await c.press('u', 't'), screen([
		'lateral › findings › user adm-jdoe › timeline user adm-jdoe',
		'timeline · user adm-jdoe · 5 logons, 1 failed · by hour (UTC)',
		'▁▂▃▄▅▆▇█ logons per hour (busiest 5)   ! with failures',
		'shaded / · after hours: before 06:00',
		' date          00    03    06    09    12    15    18    21',
		'›2026-11-05 Th · · █!· · ·                                      5 1!',
	], ['2026-11-05: 5 logons, 1 failed; busiest 02:00 (5)', '', STATUS_BACK]));
});

test('timeline: a week or more without logons is one row', async () => {
	const db = fixtureDb([logon({ts: Date.parse('2026-10-20T10:00:00Z'), src_ip: '10.0.0.5', user: 'adm-jdoe', target: 'SRV-FS01'})]);
	const c = await openConsole({db});
	const frame = (await c.press('u', 't')).split('\n');
	assert.deepEqual(frame.slice(4, 8), [
		' date          00    03    06    09    12    15    18    21',
		'›2026-10-20 Tu · · · · · ·         ▂                            1',
		' 2026-10-21 ┆  15 days without logons, to 2026-11-04',
		' 2026-11-05 Th · · █!· · ·                                      5 1!',
	]);
	const gap = await c.press('down');
	assert.match(gap, /\n2026-10-21 – 2026-11-04: 15 days without logons\n/);
});

test('the lateral profile shades business hours and weekends from its own data', async () => {
	const c = await openConsole({db: fixtureDb(), profile: 'lateral'});
	const frame = await c.press('/', 'svc-backup', 'enter', 't');
	assert.match(frame, /after hours: outside 07:00-19:00 and on non-business days/);
	assert.match(frame, /\n›2026-11-05 Th (· ){7} {14}█ {9}(· ){5} 2\n/);
});

test('search: a name with a letter missing finds it; Enter opens its view', async () => {
	const c = await openConsole({db: fixtureDb()});
	await c.press('/');
	assert.equal(await c.press('adm-jde'), screen([
		'lateral › findings › search',
		'/ adm-jde█',
		'1 match of 11 names · Enter opens the selected one',
		' kind   name                                                            logons',
		'›user   adm-jdoe                                                             5',
	], ['', 'test.sqlite · qradar · 2 findings  Enter accept  Esc cancel']));
	assert.equal((await c.press('enter')).split('\n')[0], 'lateral › findings › user adm-jdoe');
});

test('search: more matches than the 50 listed are said to be more, not counted as 50', async () => {
	const many = Array.from({length: 60}, (_, i) => logon({ts: T + i * 60_000, src_ip: `10.9.0.${i}`, user: 'carol', target: 'SRV-FS01'}));
	const c = await openConsole({db: fixtureDb(many)});
	await c.press('/', '10.9.0.');
	assert.match(c.frame(), /\nbest 50 of more matches in 72 names; type more · Enter opens the selected one\n/);
	await c.press(...Array.from({length: 7}, () => 'backspace'), 'carol');
	assert.match(c.frame(), /\n1 match of 72 names · Enter opens the selected one\n/);
});

test('search: typed letters are text, arrows choose, Esc cancels, Backspace edits', async () => {
	const c = await openConsole({db: fixtureDb()});
	await c.press('/', 'srv-');
	assert.match(c.frame(), /\n›host {3}SRV-DB01/);
	await c.press('down');
	assert.match(c.frame(), /\n›host {3}SRV-FS01/);
	await c.press('backspace', 'backspace', 'backspace', 'backspace', 'q');
	assert.match(c.frame(), /\n\/ q█\n/, 'q is typed, not quit');
	await c.press('escape');
	assert.equal(c.frame().split('\n')[0], 'lateral › findings');
});

test('help is generated from the keymap and scrolls', async () => {
	const c = await openConsole({db: fixtureDb()});
	assert.equal(await c.press('?'), screen([
		'lateral › findings › help',
		'keys · 36 commands · Backspace or Esc returns',
		' keys            action',
		'›↑ k             move up',
		' ↓ j             move down',
		' PgUp            page up',
		' PgDn            page down',
		' g Home          first row',
		' G End           last row',
		" Enter           open the row: a finding's events, targets and score breakdown",
		" s               pivot to the selected row's source",
		" u               pivot to the selected row's user",
		" h               pivot to the selected row's target host",
		' Backspace Esc   back one pivot (the breadcrumb shows the path)',
		' /               fuzzy search sources, users and hosts; Enter jumps there',
		' a               allowlist the selection: source, user, target or pair + reason',
		' m               mark / unmark for the shortlist (status and note)',
		' A               show / hide the findings the allowlist suppresses (marked ~)',
		' t               timeline of the current entity (logons by hour)',
		' c               hop chain of the finding: an indented path with times',
		' p               choose the detection profile',
		" w               choose the hunt window (profile's own, 24 h, 7 d, 30 d, all)",
	], ['', STATUS_BACK]));
	const end = await c.press('G');
	assert.match(end, /\n›Ctrl-C {10}quit from anywhere\n/);
	assert.equal((await c.press('?')).split('\n')[0], 'lateral › findings', '? again closes help');
});

test('help on a wide screen: the where column is read whole, next to the action', async () => {
	for (const width of [120, 200]) {
		const c = await openConsole({db: fixtureDb(), width, height: 60});
		const lines = (await c.press('?')).split('\n').map(l => l.trimEnd());
		const rows = [
			' keys            action                                                         where',
			" Enter           open the row: a finding's events, targets and score breakdown  findings, entity, chain, shortlist",
			' a               allowlist the selection: source, user, target or pair + reason findings, finding, entity, shortlist',
			' ↓ j Ctrl-N      next option                                                    choice lists',
			' ↓ Ctrl-N        next match                                                     search',
			' Backspace       delete the last character                                      search, text prompts',
		];
		for (const row of rows) assert.ok(lines.includes(row), `${width} columns: no line\n${row}\nin\n${lines.join('\n')}`);
		cleanup();
	}
});

test('long names that differ only at the end keep their ends in view (five hosts, five IPv6 sources)', async () => {
	const hosts = [1, 2, 3, 4, 5].map(i => `HOST-${'A'.repeat(40)}${i}`);
	const sources = [1, 2, 3, 4, 5].map(i => `2001:db8:aaaa:bbbb:cccc:dddd:eeee:${i}`);
	const db = fixtureDb(sources.flatMap((src, i) => [0, 1].map(k => logon({ts: T + (i * 2 + k) * 60_000, src_ip: src, user: 'bob', target: hosts[(i + k) % 5]!}))));
	const c = await openConsole({db});
	assert.deepEqual(c.frame().split('\n').slice(5, 10), [1, 2, 3, 4, 5].map(i => `       3 2001…ddd:eeee:${i} bob                 2       yes 11-05 02:${String(2 * i - 2).padStart(2, '0')} 11-05 02:${String(2 * i - 1).padStart(2, '0')}`));
	const user = (await c.press('/', 'bob', 'enter')).split('\n');
	assert.deepEqual(user.slice(4, 8), [
		' source          host                      logons failed first seen  last seen',
		'›2001…ddd:eeee:5 HOST-AAA…AAAAAAAAAAAAAAA1      1        11-05 02:09 11-05 02:09',
		' 2001…ddd:eeee:5 HOST-AAA…AAAAAAAAAAAAAAA5      1        11-05 02:08 11-05 02:08',
		' 2001…ddd:eeee:4 HOST-AAA…AAAAAAAAAAAAAAA5      1        11-05 02:07 11-05 02:07',
	]);
});

test('datasets: what is loaded', async () => {
	const c = await openConsole({db: fixtureDb()});
	assert.equal(await c.press('shift-tab'), screen([
		'lateral › datasets',
		'datasets · 1 file · 8 logons',
		'  id format          logons rejected skipped last        path',
		'›  1 windows-json         8                  11-05 14:01 /cases/night.json',
	], ['', STATUS_BACK]));
	// A key of other views says where it works, rather than doing nothing.
	assert.match(await c.press('t'), /\nt works in findings, finding, entity, shortlist, not in datasets\n/);
	assert.match(await c.press('m'), /\nm works in findings, finding, entity, shortlist, not in datasets\n/);
});

test('datasets: a long path loses its middle, not its file name', async () => {
	const db = fixtureDb();
	addDataset(db, [logon({ts: Date.parse('2026-11-05T15:00:00Z')})], {path: '/cases/ir-2291/collections/2026-11-06/HOST-FS01/C/Windows/System32/winevt/Logs/Security.evtx', format: 'evtx'});
	const c = await openConsole({db});
	const row = (await c.press('shift-tab')).split('\n').find(l => l.includes(' evtx '));
	assert.ok(row, 'the evtx dataset is listed');
	assert.equal(row.length, 80);
	assert.equal(row, '   2 evtx                 1                  11-05 15:00 /cases/…s/Security.evtx');
	// Rows written by the test's helper are not counted (repeats null): no repeats column.
	assert.doesNotMatch(c.frame(), /repeats/);
	// Wider, more of both ends.
	const wide = await openConsole({db, width: 120});
	const wideRow = (await wide.press('shift-tab')).split('\n').find(l => l.includes(' evtx '));
	assert.match(wideRow ?? '', / \/cases\/ir-2291\/c…System32\/winevt\/Logs\/Security\.evtx$/);
});

test('datasets: a file repeating logons of an earlier one shows how many, until the screen is too narrow', async () => {
	const db = fixtureDb();
	const again = addDataset(db, [logon({ts: Date.parse('2026-11-05T15:00:00Z')})], {path: '/cases/again.json'});
	db.prepare('UPDATE datasets SET repeats = 0 WHERE id = 1').run();
	db.prepare('UPDATE datasets SET repeats = 1234 WHERE id = ?').run(again);
	const wide = await openConsole({db, width: 100});
	const lines = (await wide.press('shift-tab')).split('\n');
	assert.equal(lines[1], 'datasets · 2 files · 9 logons, 1,234 of them loaded twice');
	assert.match(lines[2]!, /^ {2}id format {10}logons repeats rejected skipped first {7}last {8}path/);
	assert.match(lines[3]!, /^› +1 windows-json +8 {26}11-05 02:00 11-05 14:01/, 'none: an empty cell');
	assert.match(lines[4]!, /^ +2 windows-json +1 +1,234 /);
	// At 80 columns first goes; at 64 repeats too.
	const eighty = (await (await openConsole({db})).press('shift-tab')).split('\n')[2]!;
	assert.match(eighty, /logons repeats rejected skipped last/);
	const narrow = (await (await openConsole({db, width: 64})).press('shift-tab')).split('\n')[2]!;
	assert.doesNotMatch(narrow, /repeats|first/);
});

test('logons that span a year or more: short times are dates, which say the year', async () => {
	// The fixture's night, and two logons of a pair 400 days earlier.
	const early = Date.parse('2025-10-01T09:30:00Z');
	const db = fixtureDb([
		logon({ts: early, src_ip: '10.0.0.9', user: 'bob', target: 'SRV-FS01'}),
		logon({ts: early + 60_000, src_ip: '10.0.0.9', user: 'bob', target: 'SRV-APP1'}),
	]);
	const c = await openConsole({db, window: null});
	const lines = c.frame().split('\n');
	assert.equal(lines[1], 'findings · profile qradar · 3 findings · all loaded time');
	assert.deepEqual(lines.slice(3, 6).map(l => l.replace(/ +/g, ' ')), [
		'› 5 10.0.0.5 adm-jdoe 4 1 yes 2026-11-05 2026-11-05',
		' 3 10.0.0.8 svc-backup 2 2026-11-05 2026-11-05',
		' 2 10.0.0.9 bob 2 2025-10-01 2025-10-01',
	]);
	await c.press('enter');
	assert.match(c.frame(), /\n5 logons, 1 failed, 4 targets · 2026-11-05 – 2026-11-05 · after hours\n/);
	assert.match(c.frame(), /\n›2026-11-05 02:00:00 /, 'the events keep their full times');
	assert.match(await c.press('shift-tab'), /\n› +1 windows-json +10 +2026-11-05 +\/cases\/night\.json\n/, 'datasets: the last logon (80 columns leave out the first)');
});

test('a count wider than its column widens the column on screen instead of being cut', async () => {
	const T0 = Date.parse('2026-11-05T01:00:00Z');
	const sweep = Array.from({length: 12_345}, (_, i) => logon({ts: T0 + i * 100, src_ip: '10.0.0.20', user: 'svc-sccm', target: `WS-${i}`}));
	const c = await openConsole({db: fixtureDb(sweep)});
	const lines = c.frame().split('\n');
	assert.deepEqual(lines.slice(2, 4), [
		'   score source          user            hosts  fail aft first seen  last seen',
		'›  12347 10.0.0.20       svc-sccm       12,345       yes 11-05 01:00 11-05 01:20',
	]);
});
