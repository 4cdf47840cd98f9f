import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {fork, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {openDb} from '../../source/db/open.ts';
import {runHunt, type HuntInput, type HuntState} from '../../source/ui/hooks/use-hunt.ts';

// The bundles scripts/build.js makes (what bin/lateral.js runs after `npm install`) must behave as the
// sources do: built into a scratch directory inside the repository (repoRoot is found from there),
// then compared with the sources run through tsx.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = path.join(root, 'tmp', `bundle-test-${process.pid}`);
const sample = path.join(root, 'datasets/sample/windows-security.ndjson');

before(() => {
	const build = spawnSync(process.execPath, [path.join(root, 'scripts/build.js')], {cwd: root, encoding: 'utf8', env: {...process.env, LATERAL_BUILD_DIR: out}});
	assert.equal(build.status, 0, build.stderr);
	assert.match(build.stderr, /built tmp\/bundle-test-\d+\/ \(3 bundles/);
});
after(() => fs.rmSync(out, {recursive: true, force: true}));

function run(from: 'bundle' | 'sources', args: string[]) {
	const argv = from === 'bundle' ? [path.join(out, 'cli.mjs'), ...args] : ['--import', 'tsx', path.join(root, 'source/cli.tsx'), ...args];
	const result = spawnSync(process.execPath, argv, {cwd: root, encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}});
	return {code: result.status, stdout: result.stdout, stderr: result.stderr};
}

test('the bundled CLI prints the version and the help the sources print', () => {
	const version = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {version: string}).version;
	assert.equal(run('bundle', ['--version']).stdout, `${version}\n`);
	assert.equal(run('bundle', ['hunt', '--help']).stdout, run('sources', ['hunt', '--help']).stdout);
});

test('a load through the bundled parse worker and every profile\'s hunt equal the sources\'', () => {
	// Over 16 MiB, so the load parses in a worker thread (the bundle starts dist/parse-worker.mjs).
	const big = path.join(out, 'big.ndjson');
	const text = fs.readFileSync(sample);
	fs.writeFileSync(big, Buffer.concat(Array.from({length: 5}, () => text)));
	assert.ok(fs.statSync(big).size > 16 * 1024 * 1024);

	const dbs = {bundle: path.join(out, 'bundle.sqlite'), sources: path.join(out, 'sources.sqlite')};
	for (const from of ['bundle', 'sources'] as const) {
		const load = run(from, ['load', big, '--db', dbs[from]]);
		assert.equal(load.code, 0, load.stderr);
		assert.match(load.stdout, /windows-json, 60,180 logons, 0 rejected/);
	}

	for (const profile of ['lateral', 'qradar', 'logscale']) {
		const args = (db: string) => ['hunt', '--profile', profile, '--format', 'json', '--no-cache', '--db', db, '--read-only'];
		const bundled = run('bundle', args(dbs.bundle));
		assert.equal(bundled.code, 0, bundled.stderr);
		assert.ok((JSON.parse(bundled.stdout) as unknown[]).length > 0, profile);
		assert.equal(bundled.stdout, run('sources', args(dbs.sources)).stdout, profile);
	}
});

test('the bundled hunt process answers as runHunt does in-process', async () => {
	const db = path.join(out, 'bundle.sqlite');
	const input: HuntInput = {profile: 'qradar', tz: 'Europe/Berlin', window: null};
	const child = fork(path.join(out, 'hunt-process.mjs'), [db, 'read-only'], {serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc']});
	const state = await new Promise<HuntState>((resolve, reject) => {
		child.on('message', (m: {id: number; state: HuntState}) => resolve(m.state));
		child.on('error', reject);
		child.send({id: 0, input});
	});
	child.kill();
	const expected = runHunt(openDb(db, {readOnly: true}), input);
	assert.equal(state.error, undefined);
	assert.ok(state.result && state.result.findings.length > 0);
	assert.deepEqual(state.result.findings, expected.result?.findings);
	assert.equal(state.logons, expected.logons);
});

test('on a fresh copy with no store, reading commands answer as on an empty store and create none', () => {
	// The repository as a newcomer has it before the first load: package.json, db/ without a store, the bundles.
	const fresh = path.join(out, 'fresh');
	fs.mkdirSync(path.join(fresh, 'dist'), {recursive: true});
	fs.copyFileSync(path.join(root, 'package.json'), path.join(fresh, 'package.json'));
	for (const dir of ['migrations', 'profiles', 'queries']) fs.cpSync(path.join(root, 'db', dir), path.join(fresh, 'db', dir), {recursive: true});
	for (const name of fs.readdirSync(out).filter(name => name.endsWith('.mjs'))) fs.copyFileSync(path.join(out, name), path.join(fresh, 'dist', name));
	const env: Record<string, string | undefined> = {...process.env, NO_COLOR: '1'};
	delete env['LATERAL_DB'];
	const lateral = (args: string[]) => spawnSync(process.execPath, [path.join(fresh, 'dist/cli.mjs'), ...args], {cwd: fresh, encoding: 'utf8', env});

	const hunt = lateral(['hunt']);
	assert.deepEqual([hunt.status, hunt.stdout, hunt.stderr], [0, '', 'No logons loaded yet. Load some with: lateral load PATH (try datasets/sample)\n']);
	for (const args of [['events'], ['datasets'], ['export', '--format', 'json'], ['hunt', '--format', 'json']]) {
		const r = lateral(args);
		assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
		assert.doesNotMatch(r.stderr, /no database/, args.join(' '));
	}

	assert.deepEqual(fs.readdirSync(path.join(fresh, 'db')).sort(), ['migrations', 'profiles', 'queries'], 'no store was created');
});
