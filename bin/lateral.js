#!/usr/bin/env node
// Entry point for `npx lateral` and `npm start`. Runs the bundle scripts/build.js made (dist/cli.mjs,
// built by `npm install`) while it is newer than every file under source/; otherwise, after an edit or
// without a build, the TypeScript sources through tsx's loader. LATERAL_FROM_SOURCE=1 forces the sources.
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';

// Ink paints only its last frame, at exit, when CI or CONTINUOUS_INTEGRATION is set (is-in-ci). On a
// terminal a person is at the keys, so the console must paint every frame whatever the environment says.
if (process.stdout.isTTY) {
	delete process.env.CI;
	delete process.env.CONTINUOUS_INTEGRATION;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bundle = path.join(root, 'dist', 'cli.mjs');

/** The newest modification time of any file under dir. */
function newest(dir) {
	let time = 0;
	for (const entry of fs.readdirSync(dir, {withFileTypes: true})) {
		const full = path.join(dir, entry.name);
		time = Math.max(time, entry.isDirectory() ? newest(full) : fs.statSync(full).mtimeMs);
	}

	return time;
}

function bundleIsFresh() {
	if (process.env.LATERAL_FROM_SOURCE === '1') return false;
	try {
		return fs.statSync(bundle).mtimeMs >= newest(path.join(root, 'source'));
	} catch {
		return false;
	}
}

if (bundleIsFresh()) {
	await import(pathToFileURL(bundle).href);
} else {
	const {register} = await import('tsx/esm/api');
	register();
	await import('../source/cli.tsx');
}
