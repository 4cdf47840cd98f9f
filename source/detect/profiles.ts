/**
 * Profiles: the shipped ones live in db/profiles/*.json (metadata) with their SQL in db/queries/.
 */
import fs from 'node:fs';
import path from 'node:path';
import {repoRoot} from '../db/open.ts';
import {UsageError} from '../util/errors.ts';

/** A seed-faithful profile: fixed SQL with metadata (Sigma-like header). */
export interface SeedProfile {
	name: string;
	title: string;
	source: string;
	level: string;
	confidence: string;
	/** File name under db/queries/. */
	query: string;
	/** Duration text (`24h`) or `all`. */
	defaultWindow: string;
	falsePositives: string[];
}

const profilesDir = path.join(repoRoot, 'db', 'profiles');
export const queriesDir = path.join(repoRoot, 'db', 'queries');

/** The profiles that ship with lateral, in display order. */
export function listProfiles(): Array<{name: string; title: string}> {
	return fs.readdirSync(profilesDir)
		.filter(name => name.endsWith('.json'))
		.map(name => loadProfileFile(path.join(profilesDir, name)))
		.sort((a, b) => order(a.name) - order(b.name) || a.name.localeCompare(b.name))
		.map(p => ({name: p.name, title: p.title}));
}

function order(name: string): number {
	const i = ['lateral', 'qradar', 'logscale'].indexOf(name);
	return i === -1 ? 99 : i;
}

function loadProfileFile(file: string): SeedProfile {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8')) as SeedProfile;
	} catch (error) {
		throw new UsageError(`cannot read profile ${file}: ${(error as Error).message}`);
	}
}

/** A profile by name (`qradar`) or by file path. */
export function loadProfile(nameOrFile: string): SeedProfile {
	const shipped = path.join(profilesDir, `${nameOrFile}.json`);
	if (/^[a-z0-9-]+$/i.test(nameOrFile) && fs.existsSync(shipped)) return loadProfileFile(shipped);
	if (fs.existsSync(nameOrFile)) return loadProfileFile(nameOrFile);
	const names = listProfiles().map(p => p.name).join(', ');
	throw new UsageError(`unknown profile "${nameOrFile}" (choose ${names}, or give a profile file)`);
}

const sqlCache = new Map<string, string>();

/** Text of a query file in db/queries/. */
export function querySql(file: string): string {
	let sql = sqlCache.get(file);
	if (sql === undefined) {
		sql = fs.readFileSync(path.join(queriesDir, file), 'utf8');
		sqlCache.set(file, sql);
	}

	return sql;
}
