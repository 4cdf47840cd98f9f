import {after, test} from 'node:test';
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import YAML from 'yaml';

// The real command line, as a hunter runs it: allowlist an address range, then print the rules.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lateral-rules-cli-'));
after(() => fs.rmSync(scratch, {recursive: true, force: true}));
const db = path.join(scratch, 'rules.sqlite');

function lateral(args: string[]) {
	const r = spawnSync(process.execPath, [path.join(root, 'bin/lateral.js'), ...args, '--db', db], {cwd: root, encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}});
	return {code: r.status, stdout: r.stdout, stderr: r.stderr};
}

test('lateral rules: every target carries an allowlisted source range; unknown target exits 2', () => {
	const add = lateral(['allow', 'add', '--kind', 'src_ip', '--pattern', '10.20.0.0/24', '--match', 'cidr', '--reason', `Citrix "brokers" */ it's`]);
	assert.equal(add.code, 0, add.stderr);

	const aql = lateral(['rules', '--target', 'aql', '--profile', 'qradar']);
	assert.equal(aql.code, 0, aql.stderr);
	assert.match(aql.stdout, /^  \/\* allowlist #1: Citrix "brokers" \* \/ it's \*\/\n  AND NOT \(INCIDR\('10\.20\.0\.0\/24', sourceip\)\)\n  AND LAST 24 HOURS$/m);
	assert.match(aql.stdout, /^GROUP BY sourceip, username$/m);

	assert.match(lateral(['rules', '--target', 'cql', '--profile', 'logscale']).stdout, /^\| !cidr\(RemoteAddressIP4, subnet="10\.20\.0\.0\/24"\)$/m);
	assert.match(lateral(['rules', '--target', 'spl']).stdout, /cidrmatch\("10\.20\.0\.0\/24", src_ip\)/);
	const sigma = lateral(['rules', '--target', 'sigma']);
	assert.equal(sigma.code, 0, sigma.stderr);
	const first = YAML.parseAllDocuments(sigma.stdout)[0]!.toJS() as {detection: Record<string, unknown>};
	assert.deepEqual(first.detection['filter_allowlist_1'], {'IpAddress|cidr': '10.20.0.0/24'});

	const out = path.join(scratch, 'rule.cql');
	const written = lateral(['rules', '--target', 'cql', '--profile', 'logscale', '--out', out]);
	assert.equal(written.code, 0, written.stderr);
	assert.match(fs.readFileSync(out, 'utf8'), /!cidr\(RemoteAddressIP4/);

	const bad = lateral(['rules', '--target', 'kql']);
	assert.equal(bad.code, 2);
	assert.equal(bad.stdout, '');
	assert.equal(bad.stderr.trim().split('\n').length, 1);
	assert.match(bad.stderr, /--target must be one of aql, cql, spl, sigma/);
	assert.equal(lateral(['rules']).code, 2, 'missing --target');

	const help = lateral(['rules', '--help']);
	assert.equal(help.code, 0);
	assert.match(help.stdout, /\$ lateral rules --target/);
});
