/**
 * The console hunts a database file in a child process: it answers exactly what the main thread
 * would; keys, the elapsed seconds and q work while it runs; a newer hunt kills the older one,
 * whose answer never shows.
 *
 * A hunt is held "running" for as long as a test wants by keeping the database file locked
 * (EXCLUSIVE, in rollback-journal mode): the hunt's connection waits for the lock inside SQLite,
 * where only killing its process stops it, while the console's own connection, which holds the
 * lock, keeps reading.
 */
import {after, afterEach, test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {ChildProcess} from 'node:child_process';
import React from 'react';
import Database from 'better-sqlite3';
import {cleanup, render} from 'ink-testing-library';
import {openDb, openMemoryDb} from '../../source/db/open.ts';
import {insertEntries} from '../../source/db/allowlist.ts';
import {clearHuntCache} from '../../source/db/hunt-cache.ts';
import {validateEntry} from '../../source/allowlist/entry.ts';
import {hunt} from '../../source/detect/hunt.ts';
import {App} from '../../source/ui/app.tsx';
import {databaseFile, HuntProcess, runHunt, type HuntInput} from '../../source/ui/hooks/use-hunt.ts';
import {addDataset, logon} from '../helpers/logons.ts';
import {fixtureDb, fixtureRows, T} from './fixture.ts';
import {linesOf} from './harness.tsx';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lateral-hunt-process-'));
after(() => fs.rmSync(scratch, {recursive: true, force: true}));
afterEach(() => cleanup());

/** Every hunt process a test starts, stopped after it even when an assertion failed midway (else the file never ends). */
const hunters: HuntProcess[] = [];
const startHunter = (file: string, readOnly: boolean) => {
	const hunter = new HuntProcess(file, readOnly);
	hunters.push(hunter);
	return hunter;
};

afterEach(async () => {
	for (const hunter of hunters.splice(0)) await hunter.stop();
});

/** The hunt processes killed (the hook kills a superseded hunt's). */
const killed: ChildProcess[] = [];
const kill = ChildProcess.prototype.kill;
ChildProcess.prototype.kill = function (this: ChildProcess, signal?: NodeJS.Signals | number) {
	killed.push(this);
	return kill.call(this, signal);
};

after(() => {
	ChildProcess.prototype.kill = kill;
});

/** Whether the process `child` has ended. */
const gone = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

const tick = () => new Promise(resolve => setTimeout(resolve, 10));
async function until(check: () => boolean, what: string, ms = 8000): Promise<void> {
	for (const start = Date.now(); Date.now() - start < ms;) {
		if (check()) return;
		await tick();
	}

	assert.fail(`timed out waiting for ${what}`);
}

const settle = () => new Promise(resolve => setTimeout(resolve, 50));

/** A WAL database file with the fixture, a few hundred ordinary logons and one allowlist entry. */
function walDb(name: string) {
	const file = path.join(scratch, name);
	const db = openDb(file);
	const spread = Array.from({length: 300}, (_, i) => logon({ts: T - (i % 48) * 1_800_000, src_ip: `10.1.${i % 7}.${i % 11}`, user: `user${i % 13}`, target: `WS-${i % 17}`, outcome: i % 9 === 0 ? 'failure' : 'success'}));
	addDataset(db, [...fixtureRows(), ...spread], {path: '/cases/night.json'});
	insertEntries(db, [validateEntry({kind: 'user', pattern: 'svc-backup', reason: 'backup jobs'}, 0)], 'tester');
	return {file, db};
}

/** The fixture as a rollback-journal file, opened read-write and locked EXCLUSIVE until `release`. */
function lockedDb(name: string) {
	const file = path.join(scratch, name);
	const memory = fixtureDb();
	fs.writeFileSync(file, memory.serialize());
	memory.close();
	const db = new Database(file);
	db.exec('BEGIN EXCLUSIVE');
	return {
		db,
		release() {
			db.exec('COMMIT');
		},
	};
}

test('databaseFile: a file database names its file; an in-memory one stays on the main thread', () => {
	const memory = openMemoryDb();
	assert.equal(databaseFile(memory), undefined);
	memory.close();
	const {file, db} = walDb('named.sqlite');
	assert.equal(databaseFile(db), file);
	db.close();
});

const cached = (db: Database.Database) => (db.prepare('SELECT count(*) AS n FROM hunt_cache').get() as {n: number}).n;

test('the hunt process answers exactly what the main thread computes, hunt after hunt', async () => {
	const {file, db} = walDb('same.sqlite');
	const hunter = startHunter(file, false);
	for (const profile of ['lateral', 'qradar', 'logscale']) {
		for (const input of [{profile, tz: 'UTC'}, {profile, tz: 'Europe/Paris', window: null, showSuppressed: true}] as HuntInput[]) {
			const expected = runHunt(db, input);
			assert.ok(expected.result, `${profile} ran`);
			// The console shows findings only: the rows the CLI prints are neither made nor sent.
			assert.deepEqual(expected.result.rows, []);
			assert.deepEqual(expected.result.findings, hunt(db, {profile, tz: input.tz, ...(input.window === undefined ? {} : {window: input.window})}).findings);
			// The process computes its own answer, not the one the main thread just cached.
			clearHuntCache(db);
			assert.deepEqual(await hunter.run(input), expected, JSON.stringify(input));
			// ...and remembers it, so the console opened again answers from the cache.
			assert.ok(cached(db) > 0);
		}
	}

	const broken = {profile: 'no-such-profile', tz: 'UTC'};
	assert.match(runHunt(db, broken).error ?? '', /no-such-profile/);
	assert.deepEqual(await hunter.run(broken), runHunt(db, broken));

	// What the console writes between hunts (an allowlist entry), the process's connection sees.
	const input = {profile: 'qradar', tz: 'UTC', showSuppressed: true};
	const before = await hunter.run(input);
	assert.ok(before.result!.findings.some(f => f.user === 'adm-jdoe'));
	insertEntries(db, [validateEntry({kind: 'user', pattern: 'adm-jdoe', reason: 'jump host admin'}, 0)], 'tester');
	const after = await hunter.run(input);
	assert.ok(!after.result!.findings.some(f => f.user === 'adm-jdoe') && after.suppressed.some(f => f.user === 'adm-jdoe'));
	assert.deepEqual(after, runHunt(db, input));
	assert.ok(hunter.alive);
	await hunter.stop();
	db.close();
});

test('a read-only hunt process answers the same and writes nothing', async () => {
	const {file, db} = walDb('read-only.sqlite');
	const input = {profile: 'lateral', tz: 'UTC', showSuppressed: true};
	const expected = runHunt(db, input);
	clearHuntCache(db);
	const hunter = startHunter(file, true);
	assert.deepEqual(await hunter.run(input), expected);
	assert.equal(cached(db), 0);
	await hunter.stop();
	db.close();
});

test('a database the hunt process cannot open answers with one line, not a crash', async () => {
	const hunter = startHunter(path.join(scratch, 'missing', 'gone.sqlite'), true);
	const state = await hunter.run({profile: 'qradar', tz: 'UTC'});
	assert.equal(state.result, undefined);
	assert.match(state.error ?? '', /^cannot open database .*gone\.sqlite/);
	await hunter.stop();
});

test('stopping a hunt stuck inside SQLite kills its process at once; it never answers', async () => {
	const {db, release} = lockedDb('stop.sqlite');
	const hunter = startHunter(databaseFile(db)!, false);
	let answered = false;
	void hunter.run({profile: 'qradar', tz: 'UTC'}).then(() => {
		answered = true;
	});
	// Long enough for the process to start and wait on the lock (a busy timeout of seconds).
	await new Promise(resolve => setTimeout(resolve, 1500));
	assert.ok(hunter.busy);
	const before = killed.length;
	const asked = Date.now();
	await hunter.stop();
	assert.ok(Date.now() - asked < 500, `stopping took ${Date.now() - asked} ms`);
	assert.equal(killed.length, before + 1);
	assert.ok(gone(killed.at(-1)!) && !hunter.alive && !hunter.busy);
	release();
	await new Promise(resolve => setTimeout(resolve, 300));
	assert.equal(answered, false);
	db.close();
});

test('while a hunt runs, keys work and the status line counts seconds; q quits at once and kills the hunt process', async () => {
	const {db, release} = lockedDb('quit.sqlite');
	// Hunts kept from before: the view says how long the latest of this profile took.
	db.prepare(`INSERT INTO hunt_cache (key, rows, ms, created_at, profile) VALUES ('a', '[]', 4000, 1, 'qradar'), ('b', '[]', 125000, 2, 'qradar'), ('c', '[]', 999000, 3, 'lateral')`).run();
	let quit = 0;
	const r = render(<App db={db} dbPath="/cases/quit.sqlite" profile="qradar" tz="UTC" noColor width={80} height={24} onQuit={() => quit++} />);
	const frame = () => r.lastFrame() ?? '';
	const status = () => linesOf(frame()).at(-1) ?? '';
	// Any count of seconds: on a loaded machine the first tick can come late and read 2 s (the count
	// is the time since the hunt began, not the ticks).
	await until(() => /^quit\.sqlite · qradar · hunting… [1-9]\d* s /.test(status()), 'a second of hunting on the status line');
	assert.deepEqual(linesOf(frame()).slice(1, 6), [
		'findings · profile qradar · hunting…',
		'',
		'  The last qradar hunt of this database took 2 min 5 s.',
		'  While it runs, / searches sources, users and hosts, p picks another profile,',
		'  Tab shows the allowlist, shortlist and datasets, q quits.',
	]);

	r.stdin.write('?');
	await until(() => /\nkeys · \d+ commands/.test(frame()), 'the help view while the hunt runs');
	assert.match(status(), /· hunting… \d s /);

	const before = killed.length;
	const asked = Date.now();
	r.stdin.write('q');
	await until(() => quit === 1 && killed.length === before + 1 && gone(killed.at(-1)!), 'quit and the hunt process gone', 1000);
	assert.ok(Date.now() - asked < 500, `quit took ${Date.now() - asked} ms`);
	release();
	db.close();
});

test('a newer hunt (another profile) kills the running one; its answer never shows', async () => {
	const {db, release} = lockedDb('supersede.sqlite');
	const r = render(<App db={db} dbPath="/cases/supersede.sqlite" profile="qradar" tz="UTC" noColor width={80} height={24} />);
	const frame = () => r.lastFrame() ?? '';
	await until(() => frame().includes('findings · profile qradar · hunting…'), 'the qradar hunt');
	const before = killed.length;
	r.stdin.write('p');
	await until(() => /\n› qradar /.test(frame()), 'the profile prompt');
	// Ink binds the prompt's keys in an effect after the frame: let it settle before the next key.
	await settle();
	r.stdin.write('\u001B[B');
	await until(() => /\n› logscale /.test(frame()), 'logscale chosen');
	await settle();
	r.stdin.write('\r');
	await until(() => frame().includes('findings · profile logscale · hunting…'), 'the logscale hunt');
	await until(() => killed.length === before + 1 && gone(killed.at(-1)!), 'the qradar hunt process killed', 1000);

	release();
	await until(() => frame().includes('findings · profile logscale · 2 findings'), 'the logscale findings');
	await new Promise(resolve => setTimeout(resolve, 300));
	assert.ok(r.frames.every(f => !/profile qradar · \d+ finding|· qradar · \d+ finding/.test(f)), 'no frame showed the qradar answer');
	assert.match(linesOf(frame()).at(-1)!, /^supersede\.sqlite · logscale · 2 findings /);
	r.unmount();
	db.close();
});
