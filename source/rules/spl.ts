/**
 * Splunk SPL. The seed profiles' searches are translations (queries/*.spl) with one
 * `| where NOT (...)` line per allowlist entry before the first eval, so excluded logons never
 * reach `stats`; the distinct target count is `dc()`. Comments are triple backticks.
 */
import type {Entry} from '../allowlist/entry.ts';
import type {Profile, ScoredProfile} from '../detect/profiles.ts';
import {entryConditions, entryLabel, type Condition, type Field} from './entries.ts';
import {headerLines, nonBusinessDays, offHours, tiersByPoints, WHY, zoneOf, type Signal, type Support} from './lateral.ts';
import {commentText, controlFree, doubleQuoted, escapeRegex, exactRegex, globRegex, hasControl, num, regexSource} from './quote.ts';
import {profileFamily, templateLines, withExclusions, type Family} from './templates.ts';

/** Field names per search: Windows Security (Splunk Add-on for Microsoft Windows, CIM) or Falcon's own. */
const FIELDS: Record<Family, Record<Field, string>> = {
	qradar: {src_ip: 'src_ip', user: 'user', target: 'dest'},
	scored: {src_ip: 'src_ip', user: 'user', target: 'dest'},
	logscale: {src_ip: 'RemoteAddressIP4', user: 'TargetUserName', target: 'ComputerName'},
};

/**
 * A string literal. A backtick inside one is refused: SPL may read ``` as a comment even inside
 * quotes, so values holding backticks go through a regex with `\x60` (see `rx`).
 */
const str = (text: string) => {
	if (text.includes('`')) throw new Error('internal: a backtick reached an SPL literal');
	return doubleQuoted(controlFree(text));
};

/** Regex source as a literal, each backtick (escaped or not) written `\x60`. */
const rx = (source: string) => str(source.replace(/\\[\s\S]|`/g, m => (m === '`' || m === '\\`' ? '\\x60' : m)));

/** One condition as an eval expression that is true when the logon matches it. */
function render(c: Condition, fields: Record<Field, string>): string {
	const field = fields[c.field];
	const nocase = c.field !== 'src_ip';
	const v = c.value;
	let expr: string;
	switch (c.match) {
		case 'cidr': expr = `cidrmatch(${str(v)}, ${field})`; break;
		// Globs match across newlines in lateral (the `s` flag), so here too.
		case 'glob': expr = `match(${field}, ${rx(`(?s${nocase ? 'i' : ''})${globRegex(v)}`)})`; break;
		case 'regex': expr = `match(${field}, ${rx(`${nocase ? '(?i)' : ''}${regexSource(v)}`)})`; break;
		default:
			if (hasControl(v) || v.includes('`')) expr = `match(${field}, ${rx(`${nocase ? '(?i)' : ''}${exactRegex(v)}`)})`;
			else expr = nocase ? `lower(${field}) == lower(${str(v)})` : `${field} == ${str(v)}`;
	}

	// The host logged on to can be missing; a test on a null field is null, and NOT null would drop the event.
	return c.field === 'target' ? `(isnotnull(${field}) AND ${expr})` : expr;
}

function comment(text: string): string {
	return `\`\`\` ${commentText(text, ['```'])} \`\`\``;
}

function exclusion(e: Entry, index: number, fields: Record<Field, string>): string[] {
	const parts = entryConditions(e).map(c => render(c, fields));
	const test = parts.length === 1 && parts[0]!.startsWith('(') ? parts[0]! : `(${parts.join(' AND ')})`;
	return [comment(entryLabel(e, index)), `| where NOT ${test}`];
}

/** The profile as a Splunk search with `entries` folded in as exclusions. Text ends with a newline. */
export function emitSpl(profile: Profile, entries: readonly Entry[], options: {tz?: string} = {}): string {
	const family = profileFamily(profile);
	const lines = family === 'scored' ? scoredSpl(profile as ScoredProfile, options.tz) : templateLines(`${family}.spl`);
	return withExclusions(lines, entries.flatMap((e, i) => exclusion(e, i, FIELDS[family])));
}

function tierCase(tiers: ReadonlyArray<readonly [number, number]>, value: string): string {
	const arms = tiersByPoints(tiers).map(([at, points]) => `${value} >= ${num(at)}, ${num(points)}`);
	return `case(${[...arms, 'true(), 0'].join(', ')})`;
}

/** Lines of the scored profile as SPL: eventstats and streamstats carry more signals than one grouping. */
function scoredSpl(p: ScoredProfile, tz: string | undefined): string[] {
	const s = p.signals;
	const off = offHours(p);
	const days = nonBusinessDays(p);
	const privileged = s.privileged.patterns.map(x => escapeRegex(x.toLowerCase())).join('|');
	const support: Record<Signal, Support> = {
		spread: {status: 'expressed'},
		privileged: {status: 'expressed'},
		afterHours: {status: 'expressed'},
		weekend: {status: 'expressed'},
		failureThenSuccess: {status: 'expressed'},
		spray: {status: 'expressed'},
		velocity: {status: 'expressed'},
		novelty: {status: 'missing', why: WHY.novelty},
		hopChain: {status: 'missing', why: WHY.hopChain},
		routine: {status: 'missing', why: WHY.routine},
	};
	const notes = [
		`Hours and weekdays come from strftime, i.e. the searching user's time zone; the profile judges them in ${zoneOf(p, tz)}.`,
		`The profile's window is ${p.defaultWindow}: the search runs over its time range picker.`,
		'Fields (Splunk Add-on for Microsoft Windows, CIM): src_ip = source, user = user, dest = the host logged on to; EventCode 4625 = failure.',
	];
	const list = (values: number[]) => values.map(v => num(v)).join(', ');
	const score = ['p_spread', 'p_privileged', 'p_after_hours', 'p_weekend', 'p_fts', 'p_spray', 'p_velocity'].join(' + ');
	return [
		...headerLines(p, 'Splunk SPL', support, notes).map(comment),
		`search source="*WinEventLog:Security" EventCode IN (4624, 4625) Logon_Type IN (${list(p.logonTypes)})`,
		'| where isnotnull(src_ip) AND NOT in(src_ip, "", "-", "127.0.0.1", "0.0.0.0", "::1")',
		'| where isnotnull(user) AND NOT in(user, "", "-") AND NOT like(user, "%$") AND NOT in(upper(user), "ANONYMOUS LOGON", "LOCAL SERVICE", "NETWORK SERVICE", "SYSTEM")',
		'%ALLOWLIST%',
		'| eval failed=if(EventCode==4625, 1, 0), success=if(EventCode==4624, 1, 0)',
		'| eval hour=tonumber(strftime(_time, "%H")), dow=tonumber(strftime(_time, "%w"))',
		`| eval off_hours=if(${off.length === 0 ? 'false()' : `in(hour, ${list(off)})`}, 1, 0), weekend=if(${days.length === 0 ? 'false()' : `in(dow, ${list(days)})`}, 1, 0)`,
		`| eval privileged=if(${privileged === '' ? 'false()' : `match(lower(user), ${rx(privileged)})`}, 1, 0)`,
		'| eval failed_user=if(failed==1, user, null())',
		'| eventstats dc(failed_user) as spray_users by src_ip',
		'| sort 0 _time',
		// Velocity: distinct hosts in the hour up to each logon, a sliding hour as lateral counts it.
		'| streamstats time_window=60m dc(dest) as per_hour by src_ip, user',
		`| streamstats time_window=${num(s.failureThenSuccess.withinMinutes)}m sum(failed) as fails_before by src_ip, user`,
		'| eval fails_before=if(success==1, fails_before, 0)',
		'| stats min(_time) as first_time max(_time) as last_time count as total sum(failed) as failed sum(success) as success dc(dest) as target_count values(dest) as targets max(off_hours) as off_hours max(weekend) as weekend max(privileged) as privileged max(per_hour) as per_hour max(spray_users) as spray_users max(fails_before) as fails_before by src_ip, user',
		`| eval p_spread=${tierCase(s.spread.tiers, 'target_count')}`,
		`| eval p_privileged=if(privileged == 1, ${num(s.privileged.points)}, 0), p_after_hours=if(off_hours == 1, ${num(s.afterHours.points)}, 0), p_weekend=if(weekend == 1, ${num(s.afterHours.weekendPoints)}, 0)`,
		`| eval p_fts=if(fails_before >= ${num(s.failureThenSuccess.minFailures)}, ${num(s.failureThenSuccess.points)}, 0), p_spray=if(spray_users >= ${num(s.spray.minUsers)}, ${num(s.spray.points)}, 0)`,
		`| eval p_velocity=${tierCase(s.velocity.tiers, 'per_hour')}`,
		`| eval score=${score}`,
		`| where score >= ${num(p.minScore)}`,
		'| eval first_seen=strftime(first_time, "%Y-%m-%dT%H:%M:%S%z"), last_seen=strftime(last_time, "%Y-%m-%dT%H:%M:%S%z")',
		'| sort 0 - score',
		'| table src_ip, user, first_seen, last_seen, targets, target_count, total, failed, success, score, p_spread, p_privileged, p_after_hours, p_weekend, p_fts, p_spray, p_velocity',
	];
}
