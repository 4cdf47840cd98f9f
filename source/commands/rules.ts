/**
 * `lateral rules`: print a profile as QRadar AQL, LogScale CQL, Splunk SPL or a Sigma rule, with
 * every enabled, unexpired allowlist entry that applies to the profile as an exclusion.
 */
import type {Db} from '../db/open.ts';
import {listEntries} from '../db/allowlist.ts';
import {loadProfile} from '../detect/profiles.ts';
import {applicableEntries, emitRules, TARGETS, type Target} from '../rules/index.ts';
import {UsageError} from '../util/errors.ts';
import {checkTimeZone} from '../util/time.ts';
import {stringFlag, writeOutput, type Command} from './command.ts';
import {openFromFlags} from './options.ts';

/** `--target` checked: one of aql, cql, spl, sigma. */
export function targetOf(flags: Record<string, unknown>): Target {
	const value = stringFlag(flags, 'target');
	if (value === undefined) throw new UsageError(`--target is required (one of ${TARGETS.join(', ')})`);
	if (!TARGETS.includes(value as Target)) throw new UsageError(`--target must be one of ${TARGETS.join(', ')} (got "${value}")`);
	return value as Target;
}

/**
 * The rule text for a profile (name or file) with the database's applicable allowlist entries,
 * or none with `allowlist: false`. `now` (epoch ms) decides which entries have expired.
 */
export function buildRules(db: Db, options: {target: Target; profile: string; tz?: string; allowlist?: boolean; now?: number}): string {
	const profile = loadProfile(options.profile);
	const entries = options.allowlist === false ? [] : applicableEntries(listEntries(db, options.now ?? Date.now()), profile.name);
	return emitRules(options.target, profile, entries, {tz: options.tz});
}

export const rules: Command = {
	name: 'rules',
	summary: 'print the detection for a SIEM (aql, cql, spl, sigma) with the allowlist as exclusions',
	help: `
Usage
  $ lateral rules --target aql|cql|spl|sigma [--profile NAME|FILE] [--out FILE]

Prints the profile as a QRadar AQL query (aql), a CrowdStrike Falcon LogScale query (cql), a
Splunk search (spl) or a Sigma rule collection with correlation rules (sigma). Every enabled,
unexpired allowlist entry that applies to the profile becomes an exclusion applied before the
grouping, each after a comment naming the entry and its reason. For the qradar and logscale
profiles the AQL and CQL are the seed queries verbatim plus those exclusions. What a language
cannot express (a host-name entry against QRadar's destinationip, after-hours in Sigma, the
scored profile's baseline signals...) is named in a comment, never silently dropped.

Options
  --target LANG     aql | cql | spl | sigma (required)
  --profile NAME    profile name or file (default lateral)
  --tz ZONE         business-hours zone written into scored profiles' queries (CQL)
  --no-allowlist    leave the allowlist out
  --out FILE        write to FILE instead of standard output

Examples
  $ lateral rules --target aql --profile qradar
  $ lateral rules --target cql --profile logscale --out t1021.cql
  $ lateral rules --target sigma --out t1021-lateral.yml
  $ lateral rules --target spl --profile qradar --no-allowlist
`,
	flags: {
		target: {type: 'string'},
		profile: {type: 'string', default: 'lateral'},
		allowlist: {type: 'boolean', default: true},
		out: {type: 'string'},
	},
	async run({flags, stdout, stderr}) {
		const target = targetOf(flags);
		const tzText = stringFlag(flags, 'tz');
		const tz = tzText === undefined ? undefined : checkTimeZone(tzText);
		const profile = stringFlag(flags, 'profile') ?? 'lateral';
		loadProfile(profile);
		const db = openFromFlags(flags, {existing: 'empty', stderr});
		let text: string;
		try {
			text = buildRules(db, {target, profile, tz, allowlist: flags['allowlist'] !== false});
		} finally {
			db.close();
		}

		return writeOutput(stdout, stringFlag(flags, 'out'), text);
	},
};
