/**
 * Which detection a profile carries, and the query texts the emitters start from. The texts live
 * in source/rules/queries/: `qradar.aql` and `logscale.cql` are the seed queries copied verbatim
 * (a test compares them with seeds/), the others are lateral's translations of one seed's
 * semantics (SPEC 4.1, 4.2) into another language, each opening with a comment that says so.
 * Scored profiles (`lateral` and users' copies) have no template: their weights are data, so
 * their queries are generated (see lateral.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import {repoRoot} from '../db/open.ts';
import type {Profile} from '../detect/profiles.ts';
import {UsageError} from '../util/errors.ts';

/** The detection a profile carries: one of the two seeds, or lateral's scoring. */
export type Family = 'qradar' | 'logscale' | 'scored';

// A profile's SQL says which seed it reproduces, so a renamed copy of qradar.json still qualifies.
const FAMILY_BY_QUERY: Record<string, Family> = {'hunt-qradar.sql': 'qradar', 'hunt-logscale.sql': 'logscale'};

/** The detection a profile carries; a seed profile with an unknown query is a usage error. */
export function profileFamily(profile: Profile): Family {
	if (profile.kind === 'scored') return 'scored';
	const family = FAMILY_BY_QUERY[profile.query];
	if (family === undefined) {
		throw new UsageError(`profile ${profile.name}: no SIEM rule is known for its query ${profile.query} (rules cover the seed queries and scored profiles)`);
	}

	return family;
}

/** The line in the non-seed templates that the exclusions replace. */
export const MARKER = '%ALLOWLIST%';

const cache = new Map<string, string[]>();

/** Lines of a query file in source/rules/queries/ (no trailing empty line). */
export function templateLines(file: string): string[] {
	let lines = cache.get(file);
	if (lines === undefined) {
		const text = fs.readFileSync(path.join(repoRoot, 'source', 'rules', 'queries', file), 'utf8');
		lines = text.replace(/\n$/, '').split('\n');
		cache.set(file, lines);
	}

	return [...lines];
}

/** `lines` with `insert` placed before the first line equal to `anchor` (which must exist). */
export function insertBefore(lines: readonly string[], anchor: string, insert: readonly string[]): string[] {
	const at = lines.indexOf(anchor);
	if (at === -1) throw new Error(`query template lacks the line "${anchor}"`);
	return [...lines.slice(0, at), ...insert, ...lines.slice(at)];
}

/**
 * `lines` with the `%ALLOWLIST%` line replaced by `insert`, or by `anchor`-based insertion when the
 * text has no marker (the verbatim seeds). Text ends with a newline.
 */
export function withExclusions(lines: readonly string[], insert: readonly string[], anchor?: string): string {
	const at = lines.indexOf(MARKER);
	const out = at !== -1
		? [...lines.slice(0, at), ...insert, ...lines.slice(at + 1)]
		: insertBefore(lines, anchor ?? MARKER, insert);
	return `${out.join('\n')}\n`;
}
