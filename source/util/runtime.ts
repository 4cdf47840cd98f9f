/**
 * How this code is running: from the TypeScript sources through tsx (development, tests), or from
 * the bundles scripts/build.js writes to dist/ (what bin/lateral.js runs while they are fresh). A
 * child process or worker thread starts the same way as its parent.
 */

// Replaced by `true` in the bundles (scripts/build.js); never defined when tsx runs the sources.
declare const LATERAL_BUNDLED: boolean | undefined;

/** True inside dist/*.mjs. */
export const bundled = typeof LATERAL_BUNDLED !== 'undefined' && LATERAL_BUNDLED === true;

/** The entry points scripts/build.js bundles besides the CLI. */
export type EntryName = 'hunt-process' | 'parse-worker';

/**
 * The module to start for `name`: its bundle next to the running one, or else `source` (the
 * TypeScript file, given relative to the caller's import.meta.url), which needs tsx's loader.
 */
export function entryModule(name: EntryName, source: URL): {url: URL; needsTsx: boolean} {
	return bundled ? {url: new URL(`./${name}.mjs`, import.meta.url), needsTsx: false} : {url: source, needsTsx: true};
}
