#!/usr/bin/env node
// Runs every test/**/*.test.ts(x) with node's test runner through tsx. Node 20's --test does not
// expand globs itself, so the files are listed here; extra arguments pass through (e.g. a path filter).
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const filters = process.argv.slice(2).filter(a => !a.startsWith('-'));
const passThrough = process.argv.slice(2).filter(a => a.startsWith('-'));

function walk(dir) {
	return fs.readdirSync(dir, {withFileTypes: true}).flatMap(entry => {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : walk(full);
		return /\.test\.tsx?$/.test(entry.name) ? [full] : [];
	});
}

const files = walk('test').sort().filter(f => filters.length === 0 || filters.some(x => f.includes(x)));
if (files.length === 0) {
	console.error('no test files matched');
	process.exit(1);
}

const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...passThrough, ...files], {stdio: 'inherit'});
process.exit(result.status ?? 1);
