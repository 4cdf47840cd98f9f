/**
 * End to end: the real binary in a real terminal (tmux). Starts the console on a small week of
 * logons with a planted lateral movement, searches for the attacker's account with a letter
 * missing, opens it, goes back, opens help, resizes to 80x24 and quits, checking the screen at
 * every step and that the shell's screen comes back afterwards.
 */
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {openDb} from '../../source/db/open.ts';
import {finishDataset, insertDataset, logonInserter} from '../../source/db/store.ts';
import type {Logon} from '../../source/ingest/types.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lateral-tmux-'));
const dbFile = path.join(scratch, 'week.sqlite');
const session = `lateral-e2e-${process.pid}`;
const HOUR = 3_600_000;
const DAY0 = Date.parse('2026-11-02T00:00:00Z'); // a Monday
/** Hosts the attacker reaches on the night of Thursday 2026-11-05. */
const ATTACK_HOSTS = ['SRV-APP01', 'SRV-APP02', 'SRV-BK01', 'SRV-DB01', 'SRV-FS02'];

/** A week of ordinary office logons plus adm-jdoe fanning out from 10.10.3.7 at night. */
function writeWeek(file: string): void {
	const rows: Logon[] = [];
	let line = 0;
	const add = (ts: number, src: string, user: string, target: string, outcome: 'success' | 'failure' = 'success') => rows.push({
		ts, outcome, event_id: outcome === 'success' ? 4624 : 4625, logon_type: 3, src_ip: src, src_port: null, src_host: null,
		user, domain: 'CORP', target, dst_host: target, dst_ip: null, service: 'network', auth_package: 'NTLM',
		log_source_type: 'Microsoft Windows Security Event Log', raw_ref: ++line,
	});
	for (let day = 0; day < 5; day++) {
		for (let u = 1; u <= 12; u++) {
			const user = `user${String(u).padStart(2, '0')}`;
			add(DAY0 + day * 24 * HOUR + (8 + (u % 3)) * HOUR + u * 60_000, `10.10.1.${u}`, user, 'FS01');
			add(DAY0 + day * 24 * HOUR + 13 * HOUR + u * 60_000, `10.10.1.${u}`, user, 'MAIL01');
		}

		add(DAY0 + day * 24 * HOUR + 10 * HOUR, '10.10.3.7', 'adm-jdoe', 'SRV-APP01');
	}

	const night = DAY0 + 3 * 24 * HOUR + 2 * HOUR;
	add(night, '10.10.3.7', 'adm-jdoe', 'SRV-DB01', 'failure');
	add(night + 60_000, '10.10.3.7', 'adm-jdoe', 'SRV-DB01', 'failure');
	add(night + 120_000, '10.10.3.7', 'adm-jdoe', 'SRV-DB01', 'failure');
	ATTACK_HOSTS.forEach((host, i) => add(night + (5 + i * 7) * 60_000, '10.10.3.7', 'adm-jdoe', host));

	const db = openDb(file);
	db.transaction(() => {
		const id = insertDataset(db, {path: '/fixtures/week.json', format: 'windows-json', sha256: 'e2e'.padEnd(64, '0')});
		const insert = logonInserter(db, id);
		for (const r of rows) insert(r);
		finishDataset(db, id, {records: rows.length, rejected: 0, skipped: 0, first_ts: rows[0]!.ts, last_ts: Math.max(...rows.map(r => r.ts)), time_field: null});
	})();
	db.close();
}

const tmux = (...args: string[]) => execFileSync('tmux', args, {encoding: 'utf8'});
const screen = () => tmux('capture-pane', '-p', '-t', session);
const keys = (...k: string[]) => tmux('send-keys', '-t', session, ...k);
const type = (text: string) => tmux('send-keys', '-t', session, '-l', text);

/** Polls the screen until `check` holds (the frame we wait for), or fails with the last screen. */
async function waitFor(what: string, check: (s: string) => boolean, timeoutMs = 15_000): Promise<string> {
	const start = Date.now();
	let last = '';
	while (Date.now() - start < timeoutMs) {
		last = screen();
		if (check(last)) return last;
		await new Promise(r => setTimeout(r, 100));
	}

	assert.fail(`timed out waiting for ${what}; the screen was:\n${last}`);
}

const columns = (line: string) => [...line].length;

before(() => {
	if (spawnSync('tmux', ['-V']).status !== 0) throw new Error('tmux is needed for this test (apt-get install -y tmux)');
	writeWeek(dbFile);
	// CI=true as on a CI runner: Ink would then paint only its last frame unless the console says otherwise.
	tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', '-c', repo, '-e', 'CI=true', 'sh');
	tmux('set-option', '-t', session, 'window-size', 'manual');
});

after(() => {
	spawnSync('tmux', ['kill-session', '-t', session]);
	fs.rmSync(scratch, {recursive: true, force: true});
});

test('the console in tmux: findings, search, pivot, back, window, help, resize, quit', {timeout: 90_000}, async () => {
	keys('clear; echo SHELL-BEFORE', 'Enter');
	await waitFor('the shell', s => s.includes('SHELL-BEFORE'));
	type(`node bin/lateral.js tui --db ${dbFile}; echo "EXIT=$?"`);
	keys('Enter');

	// The findings of the default profile, with the planted attack on top.
	let s = await waitFor('the findings', t => t.includes('findings · profile') && t.includes('adm-jdoe'));
	assert.ok(!s.includes('SHELL-BEFORE'), 'the console is on the alternate screen');
	const first = s.split('\n').find(l => l.startsWith('›'));
	assert.match(first ?? '', /10\.10\.3\.7\s+adm-jdoe/, 'the planted attack is the top finding');

	// Search with a letter missing, Enter opens the user's view with every host of that night.
	keys('/');
	await waitFor('the search box', t => t.includes('typos and partial names match'));
	type('adm-jde');
	s = await waitFor('the match', t => /›user\s+adm-jdoe/.test(t));
	keys('Enter');
	s = await waitFor('the user view', t => t.includes('user adm-jdoe') && t.includes('in 1 finding'));
	for (const host of ATTACK_HOSTS) assert.ok(s.includes(host), `${host} is listed:\n${s}`);
	assert.match(s.split('\n')[0]!, /lateral › findings › user adm-jdoe/);

	// Backspace returns to the findings.
	keys('BSpace');
	s = await waitFor('the findings again', t => t.includes('findings · profile') && !t.includes('in 1 finding'));
	assert.match(s.split('\n')[0]!, /^lateral › findings\s*$/);
	// w: the hunt window. The last 24 hours re-run the hunt over them; back to the profile's own.
	const header = (t: string) => t.split('\n')[1]!.trim();
	const allTime = header(s);
	keys('w');
	await waitFor('the window choice', t => t.includes('hunt window, up to the newest logon') && t.includes("› the profile's own (all)"));
	// Sent together, as a fast typist over a slow link does: Enter takes the option Down moved to.
	keys('Down', 'Enter');
	s = await waitFor('the findings of the last 24 hours', t => /^findings · profile lateral · \d+ findings? · 11-05 13:12 – 11-06 13:12 UTC$/.test(header(t)));
	keys('w');
	await waitFor('the window choice again', t => t.includes('› 24 hours'));
	keys('Up', 'Enter');
	await waitFor('the profile\'s own window again', t => header(t) === allTime);

	// Help lists every key, the allowlist and shortlist included.
	keys('?');
	s = await waitFor('help', t => t.includes('keys ·') && t.includes('allowlist the selection'));
	assert.ok(s.includes('mark / unmark for the shortlist'));
	assert.ok(s.includes('fuzzy search'));

	// Resize to 80x24: the screen is redrawn to fit, no line wider than 80 columns.
	tmux('resize-window', '-t', session, '-x', '80', '-y', '24');
	s = await waitFor('the redraw at 80x24', t => {
		const lines = t.split('\n');
		return lines.length <= 25 && lines.every(l => columns(l) <= 80) && lines.some(l => l.includes('week.sqlite')) && t.includes('keys ·');
	});
	const lines = s.replace(/\n$/, '').split('\n');
	assert.equal(lines.length, 24);
	for (const l of lines) assert.ok(columns(l) <= 80, `too wide (${columns(l)}): ${l}`);
	assert.match(lines[0]!, /lateral › findings › help/);
	assert.match(lines[23]!, /week\.sqlite/, 'the status bar is on the last line');

	// q quits and gives the shell its screen back.
	keys('q');
	s = await waitFor('the shell again', t => t.includes('EXIT=0'));
	assert.ok(!s.includes('findings · profile') && !s.includes('keys ·'), `nothing of the console is left on the screen:\n${s}`);
	// The shell's lines are back (tmux may move them into its scrollback when the window shrinks).
	const history = tmux('capture-pane', '-p', '-S', '-', '-t', session);
	assert.ok(history.includes('SHELL-BEFORE'), `the screen before the console is back:\n${history}`);
});
