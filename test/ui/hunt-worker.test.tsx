/**
 * The console hunts a database file in a worker thread: the thread answers exactly what the
 * main thread would; keys, the elapsed seconds and q work while it runs; a newer hunt stops the
 * older one, whose answer never shows.
 *
 * A hunt is held "running" for as long as a test wants by keeping the database file locked
 * (EXCLUSIVE, in rollback-journal mode): the thread's read-only connection waits for the lock,
 * while the console's own connection, which holds it, keeps reading.
 */
import {after, afterEach, test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {Worker} from 'node:worker_threads';
import React from 'react';
import Database from 'better-sqlite3';
import {cleanup, render} from 'ink-testing-library';
import {openDb, openMemoryDb} from '../../source/db/open.ts';
import {insertEntries} from '../../source/db/allowlist.ts';
import {clearHuntCache} from '../../source/db/hunt-cache.ts';
import {validateEntry} from '../../source/allowlist/entry.ts';
import {App} from '../../source/ui/app.tsx';
import {databaseFile, HuntThread, runHunt, type HuntInput} from '../../source/ui/hooks/use-hunt.ts';
import {addDataset, logon} from '../helpers/logons.ts';
import {fixtureDb, fixtureRows, T} from './fixture.ts';
import {linesOf} from './harness.tsx';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lateral-hunt-thread-'));
after(() => fs.rmSync(scratch, {recursive: true, force: true}));
afterEach(() => cleanup());

/** Counts Worker#terminate calls (the hook stops a superseded thread with it). */
const terminated: Worker[] = [];
const terminate = Worker.prototype.terminate;
Worker.prototype.terminate = function (this: Worker) {
	terminated.push(this);
	return terminate.call(this);
};

after(() => {
	Worker.prototype.terminate = terminate;
});

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

test('the hunt thread answers exactly what the main thread computes, hunt after hunt', async () => {
	const {file, db} = walDb('same.sqlite');
	const thread = new HuntThread(file, false);
	for (const profile of ['lateral', 'qradar', 'logscale']) {
		for (const input of [{profile, tz: 'UTC'}, {profile, tz: 'Europe/Paris', window: null, showSuppressed: true}] as HuntInput[]) {
			const expected = runHunt(db, input);
			assert.ok(expected.result, `${profile} ran`);
			// The thread computes its own answer, not the one the main thread just cached.
			clearHuntCache(db);
			assert.deepEqual(await thread.run(input), expected, JSON.stringify(input));
			// ...and remembers it, so the console opened again answers from the cache.
			assert.ok(cached(db) > 0);
		}
	}

	const broken = {profile: 'no-such-profile', tz: 'UTC'};
	assert.match(runHunt(db, broken).error ?? '', /no-such-profile/);
	assert.deepEqual(await thread.run(broken), runHunt(db, broken));

	// What the console writes between hunts (an allowlist entry), the thread's connection sees.
	const input = {profile: 'qradar', tz: 'UTC', showSuppressed: true};
	const before = await thread.run(input);
	assert.ok(before.result!.findings.some(f => f.user === 'adm-jdoe'));
	insertEntries(db, [validateEntry({kind: 'user', pattern: 'adm-jdoe', reason: 'jump host admin'}, 0)], 'tester');
	const after = await thread.run(input);
	assert.ok(!after.result!.findings.some(f => f.user === 'adm-jdoe') && after.suppressed.some(f => f.user === 'adm-jdoe'));
	assert.deepEqual(after, runHunt(db, input));
	assert.ok(thread.alive);
	await thread.stop();
	db.close();
});

test('a read-only thread answers the same and writes nothing', async () => {
	const {file, db} = walDb('read-only.sqlite');
	const input = {profile: 'lateral', tz: 'UTC', showSuppressed: true};
	const expected = runHunt(db, input);
	clearHuntCache(db);
	const thread = new HuntThread(file, true);
	assert.deepEqual(await thread.run(input), expected);
	assert.equal(cached(db), 0);
	await thread.stop();
	db.close();
});

test('a database the thread cannot open answers with one line, not a crash', async () => {
	const thread = new HuntThread(path.join(scratch, 'missing', 'gone.sqlite'), true);
	const state = await thread.run({profile: 'qradar', tz: 'UTC'});
	assert.equal(state.result, undefined);
	assert.match(state.error ?? '', /^cannot open database .*gone\.sqlite/);
	await thread.stop();
});

test('a stopped thread ends mid-hunt and never answers', async () => {
	const {db, release} = lockedDb('stop.sqlite');
	const thread = new HuntThread(databaseFile(db)!, false);
	let answered = false;
	void thread.run({profile: 'qradar', tz: 'UTC'}).then(() => {
		answered = true;
	});
	await new Promise(resolve => setTimeout(resolve, 300));
	assert.ok(thread.busy);
	await thread.stop();
	assert.ok(!thread.alive && !thread.busy);
	release();
	await new Promise(resolve => setTimeout(resolve, 300));
	assert.equal(answered, false);
	db.close();
});

test('while a hunt runs, keys work and the status line counts seconds; q quits at once and stops the thread', async () => {
	const {db, release} = lockedDb('quit.sqlite');
	let quit = 0;
	const r = render(<App db={db} dbPath="/cases/quit.sqlite" profile="qradar" tz="UTC" noColor width={80} height={24} onQuit={() => quit++} />);
	const frame = () => r.lastFrame() ?? '';
	const status = () => linesOf(frame()).at(-1) ?? '';
	await until(() => /^quit\.sqlite · qradar · hunting… 1 s /.test(status()), 'a second of hunting on the status line');
	assert.equal(linesOf(frame())[1], 'findings · profile qradar · hunting…');

	r.stdin.write('?');
	await until(() => /\nkeys · \d+ commands/.test(frame()), 'the help view while the hunt runs');
	assert.match(status(), /· hunting… \d s /);

	const before = terminated.length;
	const asked = Date.now();
	r.stdin.write('q');
	await until(() => quit === 1 && terminated.length === before + 1, 'quit and the thread stopped', 1000);
	assert.ok(Date.now() - asked < 500, `quit took ${Date.now() - asked} ms`);
	release();
	db.close();
});

test('a newer hunt (another profile) stops the running one; its answer never shows', async () => {
	const {db, release} = lockedDb('supersede.sqlite');
	const r = render(<App db={db} dbPath="/cases/supersede.sqlite" profile="qradar" tz="UTC" noColor width={80} height={24} />);
	const frame = () => r.lastFrame() ?? '';
	await until(() => frame().includes('findings · profile qradar · hunting…'), 'the qradar hunt');
	const before = terminated.length;
	r.stdin.write('p');
	await until(() => /\n› qradar /.test(frame()), 'the profile prompt');
	// Ink binds the prompt's keys in an effect after the frame: let it settle before the next key.
	await settle();
	r.stdin.write('\u001B[B');
	await until(() => /\n› logscale /.test(frame()), 'logscale chosen');
	await settle();
	r.stdin.write('\r');
	await until(() => frame().includes('findings · profile logscale · hunting…'), 'the logscale hunt');
	await until(() => terminated.length === before + 1, 'the qradar thread stopped', 1000);

	release();
	await until(() => frame().includes('findings · profile logscale · 2 findings'), 'the logscale findings');
	await new Promise(resolve => setTimeout(resolve, 300));
	assert.ok(r.frames.every(f => !/profile qradar · \d+ finding|· qradar · \d+ finding/.test(f)), 'no frame showed the qradar answer');
	assert.match(linesOf(frame()).at(-1)!, /^supersede\.sqlite · logscale · 2 findings /);
	r.unmount();
	db.close();
});
