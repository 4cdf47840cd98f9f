/**
 * `lateral hunt`: run a profile headless and print its findings.
 */
import type {Db} from '../db/open.ts';
import {countLogons, oldestTs, repeatedTotal} from '../db/store.ts';
import {lastHuntMs} from '../db/hunt-cache.ts';
import {hunt as runHunt, huntRowKeys, huntZone} from '../detect/hunt.ts';
import {listProfiles, loadProfile} from '../detect/profiles.ts';
import type {HuntResult} from '../detect/types.ts';
import {renderTable} from '../export/table.ts';
import {csvRows, toCsv, toJson, toNdjson, ROW_FORMATS} from '../export/rows.ts';
import {checkTimeZone, formatDuration, formatLocal, parseDuration, parseInstant} from '../util/time.ts';
import {neutralize} from '../util/sanitize.ts';
import {NOTHING_LOADED, println, stringFlag, type Command} from './command.ts';
import {formatOf, openFromFlags, outputWidth, positiveInt} from './options.ts';

const help = `
Usage
  $ lateral hunt [--profile NAME|FILE] [options]

Runs a detection profile over the loaded logons and prints its findings, best first.
Profiles: ${listProfiles().map(p => p.name).join(', ')}.

Options
  --profile NAME|FILE   profile to run (default lateral); a copy of db/profiles/lateral.json can be tuned
  --now ISO             end of the window (default: the newest loaded logon)
  --window DUR|all      window length, e.g. 24h, 7d, all (default: the profile's; qradar 24h, logscale and lateral all)
  --tz ZONE             zone for after-hours and printed times (default the profile's, else UTC)
  --limit N             at most N findings
  --no-allowlist        ignore the allowlist
  --no-cache            run the query even if the same hunt over the same data is cached
  --format FMT          table | json | csv | ndjson (JSON keys are the profile's own columns)

Examples
  $ lateral hunt --profile qradar --window 7d
  $ lateral hunt --profile logscale --tz America/New_York --format json
`;

/**
 * Prints a hunt as a person-readable table fitted to the terminal width. On a narrow terminal (80
 * columns) the first-seen time, the total and the night flag are left out, in that order, rather
 * than every column cut to a few characters; a user name keeps 14 columns before they are (the user
 * is what a hunter pivots on: svc-backup and svc-backup-adm must not both show as svc-back…).
 */
export function huntTable(result: HuntResult, width: number): string {
	const {tz} = result;
	return renderTable(result.findings, [
		{header: 'SCORE', value: f => f.score, right: true},
		{header: 'SOURCE', value: f => f.src_ip, min: 7},
		{header: 'USER', value: f => f.user, flexible: true, min: 14},
		{header: 'HOSTS', value: f => f.target_count, right: true},
		{header: 'TOTAL', value: f => f.total, right: true, drop: 2},
		{header: 'FAILED', value: f => f.failed, right: true},
		{header: 'NIGHT', value: f => f.after_hours ? 'yes' : '', drop: 1},
		{header: `FIRST (${tz})`, value: f => formatLocal(f.first_seen, tz).slice(0, 16), drop: 3},
		{header: `LAST (${tz})`, value: f => formatLocal(f.last_seen, tz).slice(0, 16)},
		{header: 'TARGETS', value: f => f.targets, flexible: true, min: 8},
	], width);
}

/**
 * Runs `work` (a hunt of the profile named `profile`) with a line on a terminal's stderr saying
 * what is hunted and how long the profile's last hunt of this database took: the lateral profile
 * over 10M logons takes about a minute. The hunt holds the thread, so the line cannot count the
 * seconds; it is erased when the hunt ends.
 */
export function whileHunting<T>(stderr: NodeJS.WriteStream, db: Db, profile: string, work: () => T): T {
	const logons = countLogons(db);
	if (!stderr.isTTY || logons === 0) return work();
	const last = lastHuntMs(db, profile);
	const took = last !== undefined && last >= 1000 ? ` (its last hunt of this database took ${formatDuration(last / 1000)})` : '';
	stderr.write(`hunting ${neutralize(profile)} over ${logons.toLocaleString('en-US')} logons...${took}`.slice(0, (stderr.columns || 80) - 1));
	try {
		return work();
	} finally {
		stderr.write('\r\x1b[2K');
	}
}

export const hunt: Command = {
	name: 'hunt',
	summary: 'run a detection profile and print findings',
	help,
	flags: {
		profile: {type: 'string', default: 'lateral'},
		now: {type: 'string'},
		window: {type: 'string'},
		limit: {type: 'number'},
		allowlist: {type: 'boolean', default: true},
		cache: {type: 'boolean', default: true},
		format: {type: 'string'},
	},
	async run({flags, stdout, stderr}) {
		const profile = loadProfile(stringFlag(flags, 'profile') ?? 'lateral');
		const tz = checkTimeZone(huntZone(profile, stringFlag(flags, 'tz')));
		const format = formatOf(flags, ROW_FORMATS, 'table');
		const nowText = stringFlag(flags, 'now');
		const windowText = stringFlag(flags, 'window');
		const options = {
			profile: stringFlag(flags, 'profile') ?? 'lateral',
			now: nowText === undefined ? undefined : parseInstant(nowText, '--now', tz),
			window: windowText === undefined ? undefined : parseDuration(windowText) ?? null,
			tz,
			limit: positiveInt(flags, 'limit'),
			allowlist: flags['allowlist'] !== false,
			cache: flags['cache'] !== false,
			// The table prints the findings, the other formats the profile's rows (made from them).
			findingsOnly: format === 'table',
		};
		const db = openFromFlags(flags, {existing: 'empty', stderr});
		try {
			const result = whileHunting(stderr, db, profile.name, () => runHunt(db, options));
			if (format === 'json') println(stdout, toJson(result.rows));
			else if (format === 'ndjson') println(stdout, toNdjson(result.rows));
			else if (format === 'csv') println(stdout, toCsv(csvRows(result.rows), huntRowKeys(profile)));
			else if (countLogons(db) === 0) println(stderr, NOTHING_LOADED);
			else {
				const window = result.since === null ? 'all time' : `${formatLocal(result.since, tz)} .. ${formatLocal(result.now!, tz)} ${tz}`;
				// With --limit, the hunt stops at the limit: how many more there are is not known.
				const n = result.findings.length;
				const findings = `${n} finding${n === 1 ? '' : 's'}`;
				const found = options.limit !== undefined && n === options.limit ? `the first ${findings}, --limit ${n}` : findings;
				println(stdout, `${result.profile}: ${found} (${window})`);
				const oldest = oldestTs(db);
				if (options.now !== undefined && oldest !== undefined && options.now < oldest) println(stderr, `lateral: --now is before the oldest loaded logon (${formatLocal(oldest, tz)} ${tz}): nothing to hunt`);
				// SPEC 4: --now ends a window; with none, the seed profiles hunt every loaded logon.
				else if (options.now !== undefined && result.since === null) println(stderr, `lateral: note: --now ends a window, and this hunt has none (--window all or the profile's default): every loaded logon was hunted; give --window to stop at --now`);
				if (result.findings.length > 0) println(stdout, huntTable(result, outputWidth(stdout)));
				const repeated = repeatedTotal(db);
				if (repeated > 0) println(stderr, `lateral: ${repeated.toLocaleString('en-US')} of the loaded logons repeat logons of other files (lateral datasets: REPEATS); hunts count both copies`);
			}
		} finally {
			db.close();
		}

		return 0;
	},
};
