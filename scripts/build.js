#!/usr/bin/env node
// `npm run build` (and `npm install`, through `prepare`): bundles the CLI, the console's hunt process
// and the load's parse worker into dist/*.mjs, three files node loads without tsx. Starting from
// ~200 TypeScript and ESM modules costs about 1.5 s before the console can draw (ink alone loads
// 700 ms of small modules); the bundle is one file to read. bin/lateral.js runs it only while it is
// newer than every file under source/, so an edit is never shadowed by an old build.
//
// esbuild is the compiler tsx already runs on every start (a dependency of tsx), so nothing new is
// installed. better-sqlite3 stays outside (a native addon, loaded from node_modules). Ink imports the
// React devtools only when DEV=true, and they are not installed: the bundle gets a module that does
// nothing in their place (a bundle has no dynamic import to leave unresolved).
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// LATERAL_BUILD_DIR (a directory inside the repository) lets a test build beside the real dist/.
const outdir = process.env.LATERAL_BUILD_DIR ? path.resolve(process.env.LATERAL_BUILD_DIR) : path.join(root, 'dist');

/** Output name -> source entry. The names are what source/util/runtime.ts starts children with. */
const entries = {
	'cli': 'source/cli.tsx',
	'hunt-process': 'source/ui/hooks/hunt-process.ts',
	'parse-worker': 'source/ingest/parse-worker.ts',
};

/** react-devtools-core as a module whose functions do nothing. */
const noDevtools = {
	name: 'no-devtools',
	setup(b) {
		b.onResolve({filter: /^react-devtools-core$/}, () => ({path: 'react-devtools-core', namespace: 'no-devtools'}));
		b.onLoad({filter: /.*/, namespace: 'no-devtools'}, () => ({contents: 'export default {initialize() {}, connectToDevTools() {}};'}));
	},
};

let build;
try {
	({build} = await import('esbuild'));
} catch {
	console.error('lateral: esbuild is not installed, so no bundle was built; bin/lateral.js runs the sources through tsx (a slower start)');
	process.exit(0);
}

const started = performance.now();
fs.rmSync(outdir, {recursive: true, force: true});
await build({
	absWorkingDir: root,
	entryPoints: entries,
	outdir,
	outExtension: {'.js': '.mjs'},
	bundle: true,
	format: 'esm',
	platform: 'node',
	target: 'node20',
	jsx: 'automatic',
	external: ['better-sqlite3', 'tsx', 'tsx/*'],
	plugins: [noDevtools],
	define: {LATERAL_BUNDLED: 'true', 'process.env.NODE_ENV': '"production"'},
	// CommonJS packages inside an ES module bundle (react) still call require() for node's own modules.
	banner: {js: "import {createRequire as __lateralRequire} from 'node:module'; const require = __lateralRequire(import.meta.url);"},
	legalComments: 'none',
	logLevel: 'warning',
});
const size = Object.keys(entries).reduce((sum, name) => sum + fs.statSync(path.join(outdir, `${name}.mjs`)).size, 0);
console.error(`lateral: built ${path.relative(root, outdir)}/ (${Object.keys(entries).length} bundles, ${(size / 2 ** 20).toFixed(1)} MB) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
