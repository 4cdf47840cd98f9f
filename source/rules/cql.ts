/**
 * CrowdStrike Falcon LogScale (CQL) over Falcon UserLogon / UserLogonFailed2 events. For the
 * logscale profile the output is the seed query line for line, with one filter line per
 * allowlist entry after the seed's last filter (before `| hour := ...`), so excluded logons
 * never reach the groupBy: counts and scores are recomputed, as in lateral's own SQL.
 */
import type {Entry} from '../allowlist/entry.ts';
import type {Profile, ScoredProfile} from '../detect/profiles.ts';
import {entryConditions, entryLabel, type Condition, type Field} from './entries.ts';
import {headerLines, nonBusinessDays, offHours, oneGroupingSupport, tiersByPoints, zoneOf} from './lateral.ts';
import {commentText, controlFree, doubleQuoted, escapeRegex, exactRegex, globRegex, hasControl, num, regexSource, slashDelimited} from './quote.ts';
import {profileFamily, templateLines, withExclusions} from './templates.ts';

/** The seed's first line after its filters: exclusions go in front of it. */
const ANCHOR = '| hour := formatTime(format="%H", field=ContextTimeStamp)';

const FIELD: Record<Field, string> = {src_ip: 'RemoteAddressIP4', user: 'TargetUserName', target: 'ComputerName'};

const str = (text: string) => doubleQuoted(controlFree(text));

/** A `/.../` regex literal; `i` for the case-insensitive fields (user, target). */
function regexLiteral(source: string, nocase: boolean): string {
	return `/${slashDelimited(controlFree(source))}/${nocase ? 'i' : ''}`;
}

/** One condition as a CQL filter that is true when the logon matches it. */
function render(c: Condition): string {
	const field = FIELD[c.field];
	const nocase = c.field !== 'src_ip';
	const v = c.value;
	switch (c.match) {
		case 'cidr': return `cidr(${field}, subnet=${str(v)})`;
		case 'glob': return `${field} = ${regexLiteral(globRegex(v), nocase)}`;
		case 'regex': return `${field} = ${regexLiteral(regexSource(v), nocase)}`;
		default:
			// Exact: a plain string where case matters and the value is printable, else an anchored regex.
			return !nocase && !hasControl(v) ? `${field} = ${str(v)}` : `${field} = ${regexLiteral(exactRegex(v), nocase)}`;
	}
}

function comment(text: string): string {
	return `// ${commentText(text)}`;
}

/** The lines one entry adds: its comment, then a filter dropping the logons it matches. */
function exclusion(e: Entry, index: number): string[] {
	const parts = entryConditions(e).map(render);
	// One comparison reads best as `!=` (the field name comes first, so the first ` = ` is the operator).
	const one = parts.length === 1 ? parts[0]! : undefined;
	const filter = one === undefined ? `!(${parts.join(' and ')})` : one.startsWith('cidr(') ? `!${one}` : one.replace(' = ', ' != ');
	return [comment(entryLabel(e, index)), `| ${filter}`];
}

/** The profile as a LogScale query with `entries` folded in as exclusions. Text ends with a newline. */
export function emitCql(profile: Profile, entries: readonly Entry[], options: {tz?: string} = {}): string {
	const family = profileFamily(profile);
	const lines = family === 'scored' ? scoredCql(profile as ScoredProfile, options.tz) : templateLines(`${family}.cql`);
	return withExclusions(lines, entries.flatMap(exclusion), ANCHOR);
}

function tierIf(tiers: ReadonlyArray<readonly [number, number]>, value: string): string {
	return tiersByPoints(tiers).reduceRight((inner, [at, points]) => `if(${value} >= ${num(at)}, ${num(points)}, ${inner})`, '0');
}

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Lines of the scored profile as CQL: the signals one groupBy can carry, the rest named in the header. */
function scoredCql(p: ScoredProfile, tz: string | undefined): string[] {
	const s = p.signals;
	const zone = zoneOf(p, tz);
	const off = offHours(p);
	const days = nonBusinessDays(p).map(d => DAY_NAMES[d]!);
	const privileged = s.privileged.patterns.map(x => escapeRegex(x.toLowerCase())).join('|');
	const support = oneGroupingSupport(p);
	const notes = [
		`Hours and weekdays are judged in ${zone}. The profile's window is ${p.defaultWindow}: set the search's time range.`,
		'Fields: RemoteAddressIP4 = source, TargetUserName = user, ComputerName = the host logged on to; UserLogonFailed2 = failure.',
		'sort keeps 200 rows unless limit= is raised.',
	];
	const score = ['p_spread', 'p_privileged', 'p_after_hours', 'p_weekend', 'p_fts'].join(' + ');
	return [
		...headerLines(p, 'CrowdStrike Falcon LogScale CQL', support, notes).map(comment),
		'#event_simpleName = /^(UserLogon|UserLogonFailed2)$/',
		`| LogonType = /^(${p.logonTypes.map(t => num(t)).join('|')})$/`,
		'| RemoteAddressIP4 = *',
		...['', '-', '127.0.0.1', '0.0.0.0', '::1'].map(v => `| RemoteAddressIP4 != ${str(v)}`),
		'| TargetUserName = *',
		'| TargetUserName != ""',
		'| TargetUserName != "-"',
		'| TargetUserName != /\\$$/',
		'| TargetUserName != /^(ANONYMOUS LOGON|LOCAL SERVICE|NETWORK SERVICE|SYSTEM)$/i',
		'%ALLOWLIST%',
		`| hour := formatTime(format="%H", field=ContextTimeStamp, timezone=${str(zone)})`,
		`| day := formatTime(format="%a", field=ContextTimeStamp, timezone=${str(zone)}, locale="en_US")`,
		`| IsOffHours := if(${off.length === 0 ? '0 > 1' : `hour = /^(${off.map(h => String(h).padStart(2, '0')).join('|')})$/`}, 1, 0)`,
		`| IsWeekend := if(${days.length === 0 ? '0 > 1' : `day = /^(${days.join('|')})$/`}, 1, 0)`,
		`| IsPrivileged := if(${privileged === '' ? '0 > 1' : `TargetUserName = /(?i)(${slashDelimited(privileged)})/`}, 1, 0)`,
		'| IsFailed := if(#event_simpleName = "UserLogonFailed2", 1, 0)',
		'| groupBy([RemoteAddressIP4, TargetUserName], function=[',
		'    count(as=total),',
		'    sum(IsFailed, as=failed),',
		'    countDistinct(ComputerName, as=target_count),',
		'    collect(ComputerName, multival=true, as=targets),',
		'    max(IsOffHours, as=off_hours),',
		'    max(IsWeekend, as=weekend),',
		'    max(IsPrivileged, as=privileged),',
		'    min(ContextTimeStamp, as=first_seen),',
		'    max(ContextTimeStamp, as=last_seen)',
		'  ])',
		'| success := total - failed',
		`| p_spread := ${tierIf(s.spread.tiers, 'target_count')}`,
		`| p_privileged := if(privileged = 1, ${num(s.privileged.points)}, 0)`,
		`| p_after_hours := if(off_hours = 1, ${num(s.afterHours.points)}, 0)`,
		`| p_weekend := if(weekend = 1, ${num(s.afterHours.weekendPoints)}, 0)`,
		`| p_fts := if(failed >= ${num(s.failureThenSuccess.minFailures)} and success > 0, ${num(s.failureThenSuccess.points)}, 0)`,
		`| score := ${score}`,
		`| where score >= ${num(p.minScore)}`,
		'| sort(score, order=desc)',
		'| select([RemoteAddressIP4, TargetUserName, first_seen, last_seen, targets, target_count,',
		'          total, failed, success, score, p_spread, p_privileged, p_after_hours, p_weekend, p_fts])',
	];
}
