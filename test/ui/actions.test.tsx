/**
 * The console's actions, driven through keys on an in-memory database: allowlisting re-runs
 * the hunt, marking fills the shortlist, profiles switch, the shortlist exports, an empty
 * database offers the sample, dataset strings are neutralised, and no view outgrows the screen.
 */
import {after, afterEach, test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {cleanup} from 'ink-testing-library';
import {openMemoryDb} from '../../source/db/open.ts';
import {insertEntries, listEntries} from '../../source/db/allowlist.ts';
import {validateEntry} from '../../source/allowlist/entry.ts';
import {getMark} from '../../source/db/shortlist.ts';
import {openConsole, linesOf} from './harness.tsx';
import {fixtureDb, fixtureRows, T} from './fixture.ts';
import {addDataset, logon} from '../helpers/logons.ts';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lateral-ui-'));
after(() => fs.rmSync(scratch, {recursive: true, force: true}));
afterEach(() => cleanup());

test('a: allowlist a pair with a reason (required: the prompt waits for one); the hunt re-runs without it', async () => {
	const db = fixtureDb();
	const c = await openConsole({db});
	const ask = linesOf(await c.press('a'));
	assert.deepEqual(ask.slice(17, 24), [
		'────────────────────────────────────────────────────────────────────────────────',
		'allowlist what?',
		'  source 10.0.0.5 (every user and host)',
		'  user adm-jdoe (from every source)',
		'› pair 10.0.0.5 + adm-jdoe',
		'',
		'test.sqlite · qradar · 2 findings  Enter accept  Esc cancel',
	]);
	await c.press('enter');
	assert.match(c.frame(), /\nreason for allowlisting pair 10\.0\.0\.5 \+ adm-jdoe \(required\):\n> █\n/);
	// Enter without a reason: the prompt stays open and says why, and what is typed next is the
	// reason, not console keys (A would list suppressed findings, t open a timeline, e export).
	const empty = linesOf(await c.press('enter'));
	assert.deepEqual(empty.slice(20, 23), [
		'reason for allowlisting pair 10.0.0.5 + adm-jdoe (required):',
		'> █  an allowlist entry needs a reason (Esc cancels)',
		'',
	]);
	assert.equal(listEntries(db).length, 0);
	const typed = linesOf(await c.press('At the'));
	assert.deepEqual([typed[0], typed[21]], ['lateral › findings', '> At the█'], 'typed into the prompt, which no longer complains');
	await c.press('escape');
	assert.equal(linesOf(c.frame())[0], 'lateral › findings');
	assert.doesNotMatch(c.frame(), /reason for allowlisting/, 'Esc still cancels');
	assert.equal(listEntries(db).length, 0);

	// k moves up in the choice list, as in every view.
	await c.press('a', 'k', 'enter', 'jump host admin', 'enter');
	const frame = linesOf(c.frame());
	assert.equal(frame[1], 'findings · profile qradar · 1 finding · 11-04 14:01 – 11-05 14:01 UTC');
	assert.match(frame[3]!, /^› +3 10\.0\.0\.8 +svc-backup/);
	assert.equal(frame[22], 'allowlist entry 1 added; findings recomputed (were 2)');
	assert.deepEqual(listEntries(db).map(e => [e.kind, e.pattern, e.reason]), [['user', 'adm-jdoe', 'jump host admin']]);
});

test('allowlist view: hit counts, disable, edit the reason, delete', async () => {
	const db = fixtureDb();
	const c = await openConsole({db});
	await c.press('a', 'enter', 'known admin jump', 'enter', 'tab');
	assert.deepEqual(linesOf(c.frame()).slice(0, 4), [
		'lateral › allowlist',
		'allowlist · 1 entry, 1 on · hits under qradar (off or expired: if on)',
		'   id state   matches                              events finds reason',
		'›   1 on      pair 10.0.0.5 + user adm-jdoe             5     1 known admin jump',
	]);
	await c.press('x');
	assert.match(linesOf(c.frame())[3]!, /^› +1 off /);
	assert.match(c.frame(), /test\.sqlite · qradar · 2 findings/, 'disabled: the finding is back');
	await c.press('r', 'backspace', 'backspace', 'backspace', 'backspace', 'host', 'enter');
	assert.match(linesOf(c.frame())[3]!, /known admin host$/);
	// The reason emptied: the prompt stays open, and x is a letter of the new reason, not on/off.
	await c.press('r', ...Array.from({length: 16}, () => 'backspace'), 'enter');
	assert.match(c.frame(), /\nreason for entry 1:\n> █ {2}the reason is required \(Esc cancels\)\n/);
	await c.press('x', 'escape');
	assert.match(linesOf(c.frame())[3]!, /^› +1 off .*known admin host$/, 'unchanged, still off');
	// The same rule again from the findings: not added twice, and the message says where it is.
	await c.press('shift-tab', 'a', 'enter');
	assert.match(c.frame(), /\nalready allowlisted as entry 1, which is off \(x in the allowlist view\): known a…\n/);
	assert.doesNotMatch(c.frame(), /reason for allowlisting/);
	assert.equal(listEntries(db).length, 1);
	await c.press('tab');
	await c.press('d', 'enter');
	assert.equal(listEntries(db).length, 1, 'the first option keeps the entry');
	await c.press('d', 'down', 'enter');
	assert.equal(listEntries(db).length, 0);
	assert.match(c.frame(), /entry 1 deleted; findings recomputed/);
});

test('a: the same rule expired, or kept for another profile, does not stop a new entry', async () => {
	const db = fixtureDb();
	insertEntries(db, [
		validateEntry({kind: 'pair', src_ip: '10.0.0.5', user: 'adm-jdoe', match: 'exact', reason: 'last audit', expires: '2020-01-31'}),
		validateEntry({kind: 'pair', src_ip: '10.0.0.5', user: 'adm-jdoe', match: 'exact', reason: 'lateral only', profile: 'lateral'}),
	], 'test');
	const c = await openConsole({db});
	await c.press('a', 'enter');
	assert.match(c.frame(), /\nreason for allowlisting pair 10\.0\.0\.5 \+ adm-jdoe \(required\):\n/);
	await c.press('jump host', 'enter');
	assert.deepEqual(listEntries(db).map(e => e.reason), ['last audit', 'lateral only', 'jump host']);
});

test('m: mark with a status and note, see it on the shortlist, unmark', async () => {
	const db = fixtureDb();
	const c = await openConsole({db});
	await c.press('m', 'down', 'enter', 'SMB fan-out at 02:00', 'enter');
	assert.match(linesOf(c.frame())[3]!, /^›\* +5 10\.0\.0\.5/, 'the finding shows its mark');
	assert.deepEqual(getMark(db, '10.0.0.5', 'adm-jdoe') && {status: getMark(db, '10.0.0.5', 'adm-jdoe')!.status, note: getMark(db, '10.0.0.5', 'adm-jdoe')!.note}, {status: 'escalated', note: 'SMB fan-out at 02:00'});
	await c.press('enter');
	assert.match(c.frame(), /\nshortlist: escalated · SMB fan-out at 02:00\n/);
	await c.press('backspace', 'tab', 'tab');
	const list = linesOf(c.frame());
	assert.equal(list[1], 'shortlist · 1 marked pair · scores under qradar (– not a finding now)');
	assert.match(list[3]!, /^›escalated 10\.0\.0\.5 +adm-jdoe +5 SMB fan-out at 02:00/);
	await c.press('m', 'down', 'enter');
	assert.equal(getMark(db, '10.0.0.5', 'adm-jdoe'), undefined);
	assert.match(c.frame(), /nothing marked yet/);
});

test('e: export the shortlist to a path; the extension picks the format', async () => {
	const db = fixtureDb();
	const c = await openConsole({db});
	// Nothing marked: nothing to export, and no prompt.
	await c.press('e');
	assert.match(c.frame(), /the shortlist is empty: mark findings with m first, then export/);
	assert.doesNotMatch(c.frame(), /export the shortlist to/);
	await c.press('m', 'enter', 'enter');
	const file = path.join(scratch, 'case.json');
	await c.press('e');
	assert.match(c.frame(), /\n> lateral-shortlist\.md█\n/);
	for (let i = 0; i < 'lateral-shortlist.md'.length; i++) await c.press('backspace');
	// No file name: the prompt stays open for one.
	await c.press('enter');
	assert.match(c.frame(), /\n> █ {2}a file name is needed \(Esc cancels\)\n/);
	await c.press(file, 'enter');
	assert.match(c.frame(), /wrote .*case\.json \(JSON, 1 shortlisted\)/);
	const written = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
	assert.match(JSON.stringify(written), /adm-jdoe/);
	// A file that is there is replaced only when the hunter says so; keeping it opens the prompt again with the path.
	fs.writeFileSync(file, 'kept');
	await c.press('e', ...Array.from({length: 20}, () => 'backspace'), file, 'enter');
	assert.match(c.frame(), /case\.json exists:\n› keep it \(choose another name\)\n {2}replace it\n/);
	await c.press('enter');
	assert.match(c.frame(), /export the shortlist to \(\.md, \.csv or \.json\):\n> .*case\.json█\n/);
	assert.equal(fs.readFileSync(file, 'utf8'), 'kept');
	await c.press('enter', 'down', 'enter');
	assert.match(c.frame(), /wrote .*case\.json \(JSON, 1 shortlisted\)/);
	assert.match(fs.readFileSync(file, 'utf8'), /adm-jdoe/);
	const md = path.join(scratch, 'case.md');
	await c.press('e', ...Array.from({length: 20}, () => 'backspace'), md, 'enter');
	assert.match(fs.readFileSync(md, 'utf8'), /10\.0\.0\.5/);
	assert.match(c.frame(), /wrote .*case\.md \(Markdown, 1 shortlisted\)/);
	// A folder's name: said at once, not asked whether to replace it.
	await c.press('e', ...Array.from({length: 20}, () => 'backspace'), scratch, 'enter');
	assert.match(c.frame(), /█ {2}that is a folder: add a file name \(Esc cancels\)/);
	assert.doesNotMatch(c.frame(), /exists:/);
	await c.press('escape');
	// A folder that is not there: the prompt stays, with the path typed and why (not an unexpected error).
	const lost = path.join(scratch, 'no-such-folder', 'case.md');
	await c.press('e', ...Array.from({length: 20}, () => 'backspace'), lost, 'enter');
	assert.match(c.frame(), /no-such-folder\/case\.md█ {2}cannot write: no such folder/);
	await c.press('escape');
	assert.doesNotMatch(c.frame(), /cannot write/);
	assert.equal(fs.existsSync(lost), false);
});

test('p: choose a profile (j/k move in the list); the findings re-run under it', async () => {
	const c = await openConsole({db: fixtureDb()});
	await c.press('u', 'p');
	assert.match(c.frame(), /\nprofile:\n {2}lateral +lateral: .*\n› qradar +.*\n {2}logscale/);
	// j moves down the list, as in every view.
	await c.press('j');
	assert.match(c.frame(), /\n {2}qradar +.*\n› logscale/);
	await c.press('enter');
	const frame = linesOf(c.frame());
	assert.equal(frame[0], 'lateral › findings');
	assert.equal(frame[1], 'findings · profile logscale · 2 findings · all loaded time');
	assert.match(frame[3]!, /^› +3 10\.0\.0\.5 +adm-jdoe/);
});

test('an empty database explains itself and loads the sample on L', async () => {
	const db = openMemoryDb();
	let calls = 0;
	const loadSample = async () => {
		calls++;
		addDataset(db, fixtureRows(), {path: '/sample/week.json'});
		return 'loaded the bundled sample: 8 logons';
	};

	const c = await openConsole({db, loadSample});
	assert.equal(c.frame(), [
		'lateral › findings',
		'findings · profile qradar',
		'  No logons are loaded yet.',
		'',
		'  Press L to load the bundled sample (datasets/sample: a small week of',
		'  Windows and sshd logons with a planted lateral movement), or quit (q) and run',
		'    lateral load PATH...',
		'  with your own Windows Security, Falcon, QRadar, sshd or LANL exports.',
		...Array.from({length: 14}, () => ''),
		'',
		// Nothing to open or pivot to yet: the keys that work.
		'test.sqlite · qradar · 0 findings  L load the sample  ? help  q quit',
	].join('\n'));
	await c.press('L');
	await c.until(f => f.includes('loaded the bundled sample: 8 logons'), 'the load summary');
	assert.equal(calls, 1);
	assert.match(c.frame(), /findings · profile qradar · 2 findings/);
	await c.press('/', 'adm-jdo');
	assert.match(c.frame(), /›user +adm-jdoe/, 'the search index sees the loaded names');
	await c.press('escape', 'L');
	assert.equal(calls, 1, 'L does nothing once logons are loaded');
	assert.match(c.frame(), /the database already holds logons/);
});

test('dataset strings are neutralised: escape sequences and controls are shown, never run', async () => {
	const db = fixtureDb([
		logon({ts: T + 60_000, src_ip: '10.6.6.6', user: 'evil\u001b]0;pwned\u0007', target: 'SRV-A'}),
		logon({ts: T + 120_000, src_ip: '10.6.6.6', user: 'evil\u001b]0;pwned\u0007', target: '\u001b[2JSRV-B\u202e'}),
	]);
	const c = await openConsole({db, width: 100});
	const frame = await c.press('G', 'enter');
	assert.ok(!frame.includes('\u001b') && !frame.includes('\u0007') && !frame.includes('\u202e'), 'no raw control characters');
	assert.match(frame, /10\.6\.6\.6 → evil\\x1b\]0;pwned\\x07/);
	assert.match(frame, /\\x1b\[2JSRV-B\\u202e/);
});

test('no line is wider than the screen in any view, at 80x24 and 60x20', async () => {
	for (const [width, height] of [[80, 24], [60, 20]] as const) {
		const c = await openConsole({db: fixtureDb(), width, height});
		const frames: string[] = [c.frame()];
		for (const keys of [['enter'], ['backspace', 's'], ['t'], ['backspace', 'backspace', '?'], ['G'], ['backspace', 'tab'], ['tab'], ['tab'], ['tab', '/', 'srv'], ['escape', 'a'], ['escape', 'm']]) {
			frames.push(await c.press(...keys));
		}

		for (const f of frames) {
			const lines = linesOf(f);
			assert.equal(lines.length, height, `${width}x${height}: ${lines.length} lines:\n${f}`);
			for (const l of lines) assert.ok([...l].length <= width, `${width}x${height}: too wide (${[...l].length}): ${l}`);
		}

		cleanup();
	}
});

test('q and Ctrl-C quit; letters in a prompt do not', async () => {
	let quits = 0;
	const c = await openConsole({db: fixtureDb(), onQuit: () => quits++});
	await c.press('/', 'q');
	assert.equal(quits, 0);
	await c.press('ctrl-c');
	assert.equal(quits, 1);
	const d = await openConsole({db: fixtureDb(), onQuit: () => quits++});
	await d.press('q');
	assert.equal(quits, 2);
});

test('w: choose the hunt window; the findings re-run over it, and an empty window says w widens it', async () => {
	// A pair five days earlier, and an ordinary logon that makes the newest two hours later.
	const db = fixtureDb([
		logon({ts: T - 120 * 3_600_000, src_ip: '10.0.0.9', user: 'bob', target: 'SRV-FS01'}),
		logon({ts: T - 120 * 3_600_000 + 60_000, src_ip: '10.0.0.9', user: 'bob', target: 'SRV-APP1'}),
		logon({ts: T + 14 * 3_600_000, src_ip: '10.0.0.6', user: 'alice', target: 'SRV-FS01'}),
	]);
	const c = await openConsole({db, window: 3_600_000});
	let frame = linesOf(c.frame());
	assert.equal(frame[1], 'findings · profile qradar · 0 findings · 11-05 15:00 – 11-05 16:00 UTC');
	assert.match(c.frame(), /\n  no qradar findings in this window \(w: another window, p: another profile\)\n/);
	await c.press('w');
	assert.deepEqual(linesOf(c.frame()).slice(15, 22), [
		'hunt window, up to the newest logon (or --now):',
		"  the profile's own (24h)",
		'› 1 hour (from --window)',
		'  24 hours',
		'  7 days',
		'  30 days',
		'  all loaded time',
	]);
	await c.press('up', 'enter');
	frame = linesOf(c.frame());
	assert.equal(frame[1], 'findings · profile qradar · 2 findings · 11-04 16:00 – 11-05 16:00 UTC');
	await c.press('w', 'down', 'down', 'down', 'down', 'enter');
	frame = linesOf(c.frame());
	assert.equal(frame[1], 'findings · profile qradar · 3 findings · all loaded time');
	await c.press('w');
	assert.match(c.frame(), /\n {2}30 days\n› all loaded time\n/, 'the choice opens on the window in use');
});

test('keys read together (a held key, a paste, a slow link) each count, in order, each on the screen the one before left', async () => {
	const c = await openConsole({db: fixtureDb()});
	await c.press('jj');
	assert.match(linesOf(c.frame())[4]!, /^› +3 10\.0\.0\.8 +svc-backup/, 'two moves down, the second stopping at the last row');
	await c.press('kg');
	assert.match(linesOf(c.frame())[3]!, /^› +5 10\.0\.0\.5 +adm-jdoe/);
	// An arrow and Enter read together: Enter accepts the option the arrow moved to.
	await c.press('p');
	await c.press('\x1b[B\r');
	assert.equal(linesOf(c.frame())[1], 'findings · profile logscale · 2 findings · all loaded time');
	// A name pasted into search with Enter: the search sees every letter before Enter jumps.
	await c.press('/');
	await c.press('svc-back\r');
	await c.until(f => f.startsWith('lateral › findings › user svc-backup'), 'the user view');
	// A long paste goes into the prompt at once, not a character per render.
	await c.press('/');
	const before = c.frames.length;
	await c.press('x'.repeat(2000));
	assert.match(c.frame(), /\n\/ x{70}/);
	assert.ok(c.frames.length - before < 20, `${c.frames.length - before} frames for one paste`);
});

test('allowlist view: an expired entry switched off shows off, and x shows it expired again; at 120 columns its expiry shows', async () => {
	const db = fixtureDb();
	insertEntries(db, [validateEntry({kind: 'user', pattern: 'adm-jdoe', reason: 'left in 2020', expires: '2020-01-01'})], 'tester');
	const wide = await openConsole({db, width: 120});
	await wide.press('tab');
	assert.match(linesOf(wide.frame())[2]!, /^ +id state +matches +events finds reason +expires +profile$/);
	assert.match(linesOf(wide.frame())[3]!, /^› +1 expired +user adm-jdoe +\d+ +\d+ left in 2020 +2020-01-01 all$/);
	cleanup();
	const c = await openConsole({db});
	await c.press('tab');
	assert.match(linesOf(c.frame())[3]!, /^› +1 expired /);
	await c.press('x');
	assert.match(linesOf(c.frame())[3]!, /^› +1 off /);
	await c.press('x');
	assert.match(linesOf(c.frame())[3]!, /^› +1 expired /);
});
