/**
 * Faults, through the real command line: a load killed with SIGKILL, hunts while a load writes,
 * a read-only database, a locked database and a full disk.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {datasets} from '../../source/commands/datasets.ts';
import {events as eventsCommand} from '../../source/commands/events.ts';
import {hunt} from '../../source/commands/hunt.ts';
import {load} from '../../source/commands/load.ts';
import {openDb} from '../../source/db/open.ts';
import {inProcess, lateral, oneLine, root, scratch, start, writeWindowsNdjson, type RunOptions} from './run.ts';

const dir = scratch('faults');
fs.chmodSync(dir, 0o755); // the read-only tests run the CLI as another user when we are root
const small = path.join(root, 'test/fixtures/cli/security.ndjson');
/** The one qradar finding of the small fixture (hand-checked in test/cli/cli.test.ts). */
const SMALL_FINDING = {source_ip: '10.10.3.7', target_user: 'adm-jdoe', total_logons: 5, suspicion_score: 5};
const BIG = 120_000;
const big = path.join(dir, 'big.ndjson');

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** Direct counts, as SQLite itself reports them (not through our code). */
function inspect(db: string) {
	const handle = new Database(db, {readonly: true});
	try {
		return {
			integrity: handle.pragma('integrity_check', {simple: true}),
			logons: (handle.prepare('SELECT count(*) AS n FROM logons').get() as {n: number}).n,
			orphans: (handle.prepare('SELECT count(*) AS n FROM logons WHERE dataset_id NOT IN (SELECT id FROM datasets)').get() as {n: number}).n,
			mismatched: handle.prepare('SELECT d.id FROM datasets d WHERE d.records <> (SELECT count(*) FROM logons l WHERE l.dataset_id = d.id)').all(),
		};
	} finally {
		handle.close();
	}
}

/** The journal mode recorded in the store's header, as SQLite itself reports it. */
function journalMode(db: string): unknown {
	const handle = new Database(db, {readonly: true});
	try {
		return handle.pragma('journal_mode', {simple: true});
	} finally {
		handle.close();
	}
}

/** Loads `file` into `db` in this process (setup, no Node start). */
async function loadHere(file: string, db: string): Promise<void> {
	const r = await inProcess(load, [file], {db});
	assert.equal(r.code, 0, r.stderr);
}

/**
 * Waits until a load holds the database's write lock (it is inside its transaction), as SQLite
 * sees it: our own BEGIN IMMEDIATE with no wait fails with SQLITE_BUSY. Then waits `ms` more.
 * Fails if the load ends first. Independent of how the load writes (cache size, WAL growth).
 */
async function whileWriting(child: ReturnType<typeof start>['child'], db: string, ms: number): Promise<void> {
	const probe = new Database(db, {timeout: 0});
	const started = Date.now();
	try {
		for (;;) {
			if (child.exitCode !== null) assert.fail(`the load ended (exit ${child.exitCode}) before we saw it writing: make the file bigger`);
			if (Date.now() - started > 60_000) assert.fail('the load did not start writing within a minute');
			try {
				probe.exec('BEGIN IMMEDIATE');
				probe.exec('ROLLBACK');
			} catch (error) {
				if ((error as {code?: string}).code === 'SQLITE_BUSY') break;
				throw error;
			}

			await sleep(5);
		}
	} finally {
		probe.close();
	}

	await sleep(ms);
	if (child.exitCode !== null) assert.fail(`the load ended within ${ms} ms of starting to write: make the file bigger`);
}

/**
 * Waits until a first load into the empty store at `db` writes without the WAL (leaveWal): its
 * journal exists and the file has grown by a few MB of pages. Not whileWriting: its open
 * connection would keep the load in WAL.
 */
async function whileFirstLoadWrites(child: ReturnType<typeof start>['child'], db: string): Promise<void> {
	const empty = fs.statSync(db).size;
	const started = Date.now();
	while (!fs.existsSync(`${db}-journal`) || fs.statSync(db).size < empty + 4 * 1024 * 1024) {
		if (child.exitCode !== null) assert.fail(`the load ended (exit ${child.exitCode}) before it wrote 4 MB`);
		if (Date.now() - started > 60_000) assert.fail('the load did not write 4 MB within a minute');
		await sleep(5);
	}
}

test('SIGKILL mid-load leaves only complete datasets; the reload gives the exact total while six hunts run', {timeout: 180_000}, async t => {
	const t0 = Date.now();
	writeWindowsNdjson(big, BIG);
	t.diagnostic(`file written after ${Date.now() - t0} ms`);
	const db = path.join(dir, 'kill.sqlite');
	await loadHere(small, db);

	// Kill the load once it is well inside its transaction.
	const first = start(['load', big, '--db', db]);
	await whileWriting(first.child, db, 150);
	first.child.kill('SIGKILL');
	const killed = await first.done;
	assert.equal(killed.signal, 'SIGKILL', 'the load was still running when killed');
	assert.ok(!killed.stdout.includes('logons'), 'the killed load never reported a result');

	t.diagnostic(`killed after ${Date.now() - t0} ms`);
	const listed = await inProcess(datasets, [], {db, format: 'json'});
	const afterKill = JSON.parse(listed.stdout) as Array<{path: string; records: number}>;
	assert.deepEqual(afterKill.map(d => [path.basename(d.path), d.records]), [['security.ndjson', 6]], 'only the complete dataset is visible');
	const events = await inProcess(eventsCommand, [], {db, format: 'ndjson'});
	assert.equal(events.stdout.trim().split('\n').length, 6, 'lateral events sees only the complete dataset');
	assert.deepEqual(inspect(db), {integrity: 'ok', logons: 6, orphans: 0, mismatched: []});

	// Reload; once it is writing, six hunts start and must all succeed.
	const reload = start(['load', big, '--db', db]);
	await whileWriting(reload.child, db, 0);
	const hunts = Array.from({length: 6}, () => start(['hunt', '--profile', 'qradar', '--format', 'json', '--db', db]));
	assert.equal(reload.child.exitCode, null, 'every hunt started while the load was writing');
	const results = await Promise.all(hunts.map(h => h.done));
	t.diagnostic(`hunts done after ${Date.now() - t0} ms; load running: ${reload.child.exitCode === null}`);
	for (const [i, r] of results.entries()) {
		assert.equal(r.code, 0, `hunt ${i + 1}: ${r.stderr}`);
		const findings = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
		assert.ok(Array.isArray(findings), `hunt ${i + 1} printed a JSON array`);
	}

	const loaded = await reload.done;
	t.diagnostic(`reload done after ${Date.now() - t0} ms`);
	assert.equal(loaded.code, 0, loaded.stderr);
	assert.match(loaded.stdout, new RegExp(`${BIG.toLocaleString('en-US')} logons, 0 rejected`));
	assert.deepEqual(inspect(db), {integrity: 'ok', logons: BIG + 6, orphans: 0, mismatched: []});
});

// ---- read-only ------------------------------------------------------------------------------------

/** Runs as `nobody` when we are root (root may write a mode 444 file); as ourselves otherwise. */
const asUser: RunOptions = process.getuid?.() === 0 ? {uid: 65_534} : {};
const canDropRoot = asUser.uid === undefined || spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'true']).status === 0;

const sha = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

async function readOnlyCopy(name: string, folderMode: number): Promise<string> {
	const folder = path.join(dir, name);
	fs.mkdirSync(folder);
	const db = path.join(folder, 'case.sqlite');
	await loadHere(small, db);
	fs.chmodSync(db, 0o444);
	fs.chmodSync(folder, folderMode);
	return db;
}

function huntsAndBrowses(db: string, options: RunOptions): void {
	const before = sha(db);
	const hunt = lateral(['hunt', '--profile', 'qradar', '--format', 'json', '--db', db], options);
	assert.equal(hunt.code, 0, hunt.stderr);
	const [finding, ...rest] = JSON.parse(hunt.stdout) as Array<Record<string, unknown>>;
	assert.equal(rest.length, 0);
	for (const [k, v] of Object.entries(SMALL_FINDING)) assert.equal(finding![k], v, k);
	const events = lateral(['events', '--user', 'adm-jdoe', '--format', 'json', '--db', db], options);
	assert.equal(events.code, 0, events.stderr);
	assert.equal((JSON.parse(events.stdout) as unknown[]).length, 5);

	const write = lateral(['load', path.join(root, 'test/fixtures/bad/bom.ndjson'), '--db', db], options);
	assert.equal(write.code, 1);
	assert.ok(oneLine(write.stderr), write.stderr);
	assert.match(write.stderr, /read-only|cannot be written/);
	assert.equal(sha(db), before, 'the database file is unchanged');
}

test('SIGKILL in the first load into an empty store (written without the WAL) leaves an empty, sound store', {timeout: 180_000}, async () => {
	if (!fs.existsSync(big)) writeWindowsNdjson(big, BIG);
	assert.ok(fs.statSync(big).size >= 16 * 1024 * 1024, 'the file is large enough to be written without the WAL');
	const db = path.join(dir, 'kill-first.sqlite');
	openDb(db).close(); // an empty store
	const first = start(['load', big, '--db', db]);
	await whileFirstLoadWrites(first.child, db);
	first.child.kill('SIGKILL');
	assert.equal((await first.done).signal, 'SIGKILL', 'the load was still running when killed');
	// Bytes 18-19 of the header: 1 for a rollback journal, 2 for WAL. The killed load had left WAL,
	// and its journal is there to roll it back.
	const header = Buffer.alloc(20);
	const fd = fs.openSync(db, 'r');
	fs.readSync(fd, header, 0, 20, 0);
	fs.closeSync(fd);
	assert.deepEqual([header[18], header[19]], [1, 1], 'the killed load wrote through a rollback journal');
	assert.ok(fs.existsSync(`${db}-journal`), 'its journal was left for the next opener');
	const listed = await inProcess(datasets, [], {db, format: 'json'});
	assert.deepEqual(JSON.parse(listed.stdout), []);
	assert.deepEqual(inspect(db), {integrity: 'ok', logons: 0, orphans: 0, mismatched: []});
	const loaded = await inProcess(load, [big], {db});
	assert.equal(loaded.code, 0, loaded.stderr);
	assert.deepEqual(inspect(db), {integrity: 'ok', logons: BIG, orphans: 0, mismatched: []});
	assert.equal(journalMode(db), 'wal', 'back to WAL after the load');
});

test('a hunt and a second load started during the first load into an empty store (written without the WAL) wait for it, then run', {timeout: 180_000}, async () => {
	if (!fs.existsSync(big)) writeWindowsNdjson(big, BIG);
	const db = path.join(dir, 'two-loads.sqlite');
	openDb(db).close(); // an empty store
	const first = start(['load', big, '--db', db]);
	await whileFirstLoadWrites(first.child, db);
	// Until the load's commit this store is locked (its pages spill into the file); they wait.
	const env = {LATERAL_BUSY_TIMEOUT: '120000'};
	const during = start(['hunt', '--profile', 'qradar', '--window', 'all', '--format', 'json', '--db', db], {env});
	const second = start(['load', small, '--db', db], {env});
	const [a, h, b] = await Promise.all([first.done, during.done, second.done]);
	assert.equal(a.code, 0, a.stderr);
	assert.equal(h.code, 0, h.stderr);
	assert.ok(Array.isArray(JSON.parse(h.stdout)));
	assert.equal(b.code, 0, b.stderr);
	assert.deepEqual(inspect(db), {integrity: 'ok', logons: BIG + 6, orphans: 0, mismatched: []});
	assert.equal(journalMode(db), 'wal', 'back to WAL after both');
});

test('a read-only database file in a read-only folder hunts and browses; loading says why it cannot', {skip: canDropRoot ? false : 'we are root and setpriv cannot drop to uid 65534, so a mode 444 file would still be writable'}, async () => {
	const db = await readOnlyCopy('ro-folder', 0o555);
	huntsAndBrowses(db, asUser);
	assert.deepEqual(fs.readdirSync(path.dirname(db)), ['case.sqlite'], 'nothing was created next to it');
});

test('a read-only database file in a writable folder hunts and browses', {skip: canDropRoot ? false : 'we are root and setpriv cannot drop to uid 65534'}, async () => {
	const db = await readOnlyCopy('ro-file', 0o777);
	huntsAndBrowses(db, asUser);
});

test('--read-only on a writable database: hunts, and load refuses with one line', async () => {
	const db = path.join(dir, 'flag.sqlite');
	await loadHere(small, db);
	const found = await inProcess(hunt, [], {profile: 'qradar', format: 'json', readOnly: true, db});
	assert.equal(found.code, 0, found.stderr);
	assert.equal((JSON.parse(found.stdout) as unknown[]).length, 1);
	const refused = await inProcess(load, [small], {readOnly: true, db});
	assert.equal(refused.code, 1);
	assert.ok(oneLine(refused.stderr), refused.stderr);
	assert.match(refused.stderr, /--read-only/);
});

// ---- locks -----------------------------------------------------------------------------------------

/** Another process holding the database's write lock (and, with `exclusive`, every lock) until killed. */
async function holdLock(db: string, exclusive: boolean) {
	const script = `
		const Database = require('better-sqlite3');
		const db = new Database(${JSON.stringify(db)});
		${exclusive ? "db.pragma('locking_mode = EXCLUSIVE');" : ''}
		db.exec('BEGIN IMMEDIATE');
		db.prepare("INSERT INTO rejects (dataset_id, line, reason) SELECT id, 0, 'held' FROM datasets LIMIT 1").run();
		process.stdout.write('held\\n');
		setInterval(() => {}, 1000);`;
	const child = spawn(process.execPath, ['-e', script], {cwd: root, stdio: ['ignore', 'pipe', 'inherit']});
	await new Promise<void>((resolve, reject) => {
		child.stdout.once('data', () => resolve());
		child.once('exit', code => reject(new Error(`the lock holder exited (${code})`)));
	});
	return {
		async release() {
			child.kill('SIGKILL');
			await new Promise(resolve => child.once('close', resolve));
		},
	};
}

test('a locked database: a load gives up after the busy timeout with one line; a hunt still reads (WAL)', async () => {
	const db = path.join(dir, 'locked.sqlite');
	await loadHere(small, db);
	process.env['LATERAL_BUSY_TIMEOUT'] = '300';
	const huntHere = () => inProcess(hunt, [], {profile: 'qradar', format: 'json', db});
	try {
		const writer = await holdLock(db, false);
		try {
			const blocked = await inProcess(load, [path.join(root, 'test/fixtures/bad/bom.ndjson')], {db});
			assert.equal(blocked.code, 1);
			assert.ok(oneLine(blocked.stderr), blocked.stderr);
			assert.equal(blocked.stderr.startsWith(`lateral: database error: ${db}: the database is locked by another process`), true, blocked.stderr);
			assert.match(blocked.stderr, /\(SQLITE_BUSY\)\n$/);
			const found = await huntHere();
			assert.equal(found.code, 0, found.stderr);
			assert.equal((JSON.parse(found.stdout) as unknown[]).length, 1);
		} finally {
			await writer.release();
		}

		const exclusive = await holdLock(db, true);
		try {
			const found = await huntHere();
			assert.equal(found.code, 1);
			assert.ok(oneLine(found.stderr), found.stderr);
			assert.match(found.stderr, /locked by another process/);
		} finally {
			await exclusive.release();
		}
	} finally {
		delete process.env['LATERAL_BUSY_TIMEOUT'];
	}

	assert.deepEqual(inspect(db), {integrity: 'ok', logons: 6, orphans: 0, mismatched: []}, 'the holders\' uncommitted writes are gone');
});

// ---- full disk -------------------------------------------------------------------------------------

/** `unshare` arguments giving a private mount namespace we may mount a tmpfs in, if any. */
function namespaceArgs(): string[] | undefined {
	const candidates = process.getuid?.() === 0 ? [['--mount'], ['--user', '--map-root-user', '--mount']] : [['--user', '--map-root-user', '--mount']];
	const probe = path.join(dir, 'probe');
	fs.mkdirSync(probe, {recursive: true});
	return candidates.find(args => spawnSync('unshare', [...args, 'mount', '-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]).status === 0);
}

const unshare = namespaceArgs();

test('a full disk (a 1 MiB tmpfs): the load fails with one line, the earlier data is intact', {skip: unshare ? false : 'cannot mount a tmpfs in a private mount namespace here (unshare); the SQLITE_FULL message is covered by test/hardening/errors.test.ts only'}, () => {
	const mount = path.join(dir, 'full');
	fs.mkdirSync(mount);
	const mid = path.join(dir, 'mid.ndjson');
	writeWindowsNdjson(mid, 20_000); // about 3 MB of records: more than the tmpfs holds
	const cli = (args: string) => `${JSON.stringify(process.execPath)} bin/lateral.js ${args} --db ${mount}/case.sqlite`;
	const script = [
		`mount -t tmpfs -o size=1m tmpfs ${mount} || exit 99`,
		`${cli(`load ${small}`)} >/dev/null || exit 98`,
		`${cli(`load ${mid}`)} 2>${dir}/full.err; echo $? >${dir}/full.code`,
		`${cli('datasets --format json')} >${dir}/full.datasets`,
	].join('\n');
	const r = spawnSync('unshare', [...unshare!, 'sh', '-c', script], {cwd: root, encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}});
	assert.equal(r.status, 0, r.stderr);
	const stderr = fs.readFileSync(`${dir}/full.err`, 'utf8');
	assert.equal(fs.readFileSync(`${dir}/full.code`, 'utf8').trim(), '1');
	assert.ok(oneLine(stderr), stderr);
	assert.equal(stderr.startsWith(`lateral: database error: ${mount}/case.sqlite: the disk is full`), true, stderr);
	const datasets = JSON.parse(fs.readFileSync(`${dir}/full.datasets`, 'utf8')) as Array<{records: number}>;
	assert.deepEqual(datasets.map(d => d.records), [6]);
});
