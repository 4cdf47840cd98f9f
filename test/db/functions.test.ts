import {test} from 'node:test';
import assert from 'node:assert/strict';
import {globToRegex, inCidr, valueMatches} from '../../source/db/functions.ts';
import {openMemoryDb} from '../../source/db/open.ts';

test('CIDR matching at the edges', () => {
	assert.equal(inCidr('10.20.0.0', '10.20.0.0/24'), true);
	assert.equal(inCidr('10.20.0.255', '10.20.0.0/24'), true);
	assert.equal(inCidr('10.20.1.0', '10.20.0.0/24'), false);
	assert.equal(inCidr('10.20.0.9', '10.20.0.9'), true);
	assert.equal(inCidr('10.20.0.9', '10.20.0.9/32'), true);
	assert.equal(inCidr('1.2.3.4', '0.0.0.0/0'), true);
	assert.equal(inCidr('-', '0.0.0.0/0'), false);
	assert.equal(inCidr('10.0.0.1', '10.0.0.0/33'), false);
	assert.equal(inCidr('256.0.0.1', '0.0.0.0/0'), false);
});

test('glob, regex and exact matching, with and without case', () => {
	assert.equal(globToRegex('svc-backup*'), '^svc-backup.*$');
	assert.equal(valueMatches('SVC-Backup01', 'svc-backup*', 'glob', 1), 1);
	assert.equal(valueMatches('SVC-Backup01', 'svc-backup*', 'glob', 0), 0);
	assert.equal(valueMatches('a.b', 'a?b', 'glob', 0), 1);
	assert.equal(valueMatches('axb', 'a.b', 'exact', 0), 0);
	assert.equal(valueMatches('Alice', 'alice', 'exact', 1), 1);
	assert.equal(valueMatches('Alice', 'alice', 'exact', 0), 0);
	assert.equal(valueMatches('vdi-042', '^vdi-\\d+$', 'regex', 0), 1);
	assert.equal(valueMatches('x', '(', 'regex', 0), 0, 'a bad regex matches nothing rather than throwing');
	assert.equal(valueMatches(null, '*', 'glob', 0), 0);
});

test('migrations are applied once and recorded in user_version', () => {
	const db = openMemoryDb();
	const version = db.pragma('user_version', {simple: true});
	assert.ok(Number(version) >= 2);
	const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all().map(r => (r as {name: string}).name);
	for (const t of ['allowlist', 'datasets', 'logons', 'rejects']) assert.ok(tables.includes(t), t);
	assert.deepEqual(db.prepare('SELECT value_matches(?, ?, ?, ?) AS m').get('10.1.2.3', '10.0.0.0/8', 'cidr', 0), {m: 1});
});
