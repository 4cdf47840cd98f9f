/**
 * IBM QRadar AQL. For the qradar profile the output is the seed query line for line, with one
 * `AND NOT (...)` line per allowlist entry before `AND LAST 24 HOURS`, each after a comment
 * naming the entry. AQL comments are `/* ... *\/` only, and only inside the query body (a
 * comment before SELECT or after the last clause is a parse error), which is where these sit;
 * the translation notes of the non-seed queries follow `FROM events` for the same reason.
 */
import type {Entry} from '../allowlist/entry.ts';
import type {Profile, ScoredProfile} from '../detect/profiles.ts';
import {entryConditions, entryLabel, type Condition, type Field} from './entries.ts';
import {headerLines, nonBusinessDays, offHours, oneGroupingSupport, tiersByPoints} from './lateral.ts';
import {commentText, controlFree, escapeRegex, exactRegex, globRegex, hasControl, isIpv4, num, regexSource, singleQuoted, slashDelimited} from './quote.ts';
import {profileFamily, templateLines, withExclusions} from './templates.ts';

/** The line of every AQL query the exclusions go in front of. */
const ANCHOR = '  AND LAST 24 HOURS';

const COLUMN: Record<Field, string> = {src_ip: 'sourceip', user: 'username', target: 'destinationip'};

/** A condition in AQL, or why this entry cannot be expressed against the query's fields. */
type Rendered = {aql: string} | {unavailable: string};

/**
 * A string literal. A comment opener or closer inside one is refused: whether AQL strips
 * comments before it reads literals is not documented, so no literal may look like one.
 */
const str = (text: string) => {
	if (text.includes('/*') || text.includes('*/')) throw new Error('internal: a comment delimiter reached an AQL literal');
	return singleQuoted(controlFree(text));
};

/** Regex source for a literal: `/` escaped (same meaning in Java regex), so it can hold no comment delimiter. */
const rx = (source: string) => str(slashDelimited(source));

/** Plain text that can be written as a literal as it is (else the caller uses a regex). */
const plain = (text: string) => !hasControl(text) && !text.includes('/*') && !text.includes('*/');

/**
 * A hunter's regex for MATCHES/IMATCHES. Wrapped in `.*(?:...).*` because the allowlist finds a
 * match anywhere in the value: the wrapper means the same whether AQL matches the whole value
 * or searches within it.
 */
function findRegex(pattern: string): string {
	return `.*(?:${regexSource(pattern)}).*`;
}

/** An allowlist glob as a LIKE pattern, or undefined when `%`, `_` or `\` would need escaping (AQL LIKE has no escape). */
function likePattern(glob: string): string | undefined {
	if (/[%_\\]/.test(glob) || !plain(glob)) return undefined;
	return glob.replaceAll('*', '%').replaceAll('?', '_');
}

function render(c: Condition): Rendered {
	const column = COLUMN[c.field];
	const v = c.value;
	if (c.field === 'src_ip') {
		switch (c.match) {
			case 'cidr': return {aql: `INCIDR(${str(v)}, ${column})`};
			case 'glob': return {aql: `${column} MATCHES ${rx(globRegex(v))}`};
			case 'regex': return {aql: `${column} MATCHES ${rx(findRegex(v))}`};
			default: return {aql: plain(v) ? `${column} = ${str(v)}` : `${column} MATCHES ${rx(exactRegex(v))}`};
		}
	}

	if (c.field === 'target') {
		// The QRadar queries name the host logged on to by destinationip, an address: a host-name
		// pattern has nothing to compare with, and an IP column compared with a name may be rejected.
		switch (c.match) {
			case 'exact':
				if (isIpv4(v)) return {aql: `${column} = ${str(v)}`};
				break;
			case 'glob':
				if (/^[0-9.*?]+$/.test(v)) return {aql: `${column} MATCHES ${rx(globRegex(v))}`};
				break;
			case 'regex':
				// Letters outside escapes (\d, \b) spell a host name, which no address matches.
				if (!/[a-z]/i.test(v.replace(/\\[a-z]/gi, ''))) return {aql: `${column} IMATCHES ${rx(findRegex(v))}`};
				break;
			default: break;
		}

		return {unavailable: `target "${v}" is a host name, and this query knows the host logged on to only as destinationip (an address)`};
	}

	switch (c.match) {
		case 'glob': {
			const like = likePattern(v);
			return {aql: like === undefined ? `${column} IMATCHES ${rx(globRegex(v))}` : `${column} ILIKE ${str(like)}`};
		}

		case 'regex': return {aql: `${column} IMATCHES ${rx(findRegex(v))}`};
		case 'cidr': return {unavailable: `cidr does not apply to ${c.field}`};
		default: return {aql: plain(v) ? `LOWER(${column}) = LOWER(${str(v)})` : `${column} IMATCHES ${rx(exactRegex(v))}`};
	}
}

function comment(text: string, indent = '  '): string {
	return `${indent}/* ${commentText(text, ['*/', '/*'])} */`;
}

/** The lines one entry adds: its comment, then `AND NOT (...)` unless it cannot be expressed. */
function exclusion(e: Entry, index: number): string[] {
	const parts = entryConditions(e).map(render);
	const missing = parts.find((p): p is {unavailable: string} => 'unavailable' in p);
	if (missing) return [comment(`${entryLabel(e, index)} -- NOT APPLIED: ${missing.unavailable}`)];
	return [comment(entryLabel(e, index)), `  AND NOT (${parts.map(p => (p as {aql: string}).aql).join(' AND ')})`];
}

/**
 * The profile as a QRadar AQL search with `entries` (already filtered to those that apply)
 * folded in as exclusions. Text ends with a newline.
 */
export function emitAql(profile: Profile, entries: readonly Entry[], options: {tz?: string} = {}): string {
	const family = profileFamily(profile);
	const lines = family === 'scored' ? scoredAql(profile as ScoredProfile, options.tz) : templateLines(`${family}.aql`);
	return withExclusions(lines, entries.flatMap(exclusion), ANCHOR);
}

const HOUR = `LONG(DATEFORMAT(starttime, 'HH'))`;
// Java's day-of-week number: 1 = Monday .. 7 = Sunday.
const DOW = `LONG(DATEFORMAT(starttime, 'u'))`;
const FAILED = 'SUM(CASE WHEN eventid = 4625 THEN 1 ELSE 0 END)';
const SUCCESS = 'SUM(CASE WHEN eventid = 4624 THEN 1 ELSE 0 END)';
const HOSTS = 'COUNT(DISTINCT destinationip)';

/** A name pattern (lower-case substring) as an AQL test on LOWER(username). */
function containsTest(pattern: string): string {
	const lower = pattern.toLowerCase();
	if (/[%_\\]/.test(lower) || !plain(lower)) return `LOWER(username) MATCHES ${rx(`.*${escapeRegex(lower)}.*`)}`;
	return `LOWER(username) LIKE ${str(`%${lower}%`)}`;
}

function tierCase(tiers: ReadonlyArray<readonly [number, number]>, value: string): string {
	const whens = tiersByPoints(tiers).map(([at, points]) => `WHEN ${value} >= ${num(at)} THEN ${num(points)}`);
	return whens.length === 0 ? '0' : `CASE ${whens.join(' ')} ELSE 0 END`;
}

/** Lines of the scored profile as AQL: the signals one grouping can carry, the rest named in a comment. */
function scoredAql(p: ScoredProfile, tz: string | undefined): string[] {
	const s = p.signals;
	const off = offHours(p);
	const days = nonBusinessDays(p).map(d => (d === 0 ? 7 : d)).sort((a, b) => a - b);
	const parts: Array<[string, string]> = [
		['p_spread', tierCase(s.spread.tiers, HOSTS)],
		['p_privileged', s.privileged.patterns.length === 0 ? '0'
			: `MAX(CASE WHEN ${s.privileged.patterns.map(containsTest).join(' OR ')} THEN ${num(s.privileged.points)} ELSE 0 END)`],
		['p_after_hours', off.length === 0 ? '0' : `MAX(CASE WHEN ${HOUR} IN (${off.join(', ')}) THEN ${num(s.afterHours.points)} ELSE 0 END)`],
		['p_weekend', days.length === 0 ? '0' : `MAX(CASE WHEN ${DOW} IN (${days.join(', ')}) THEN ${num(s.afterHours.weekendPoints)} ELSE 0 END)`],
		['p_fts', `CASE WHEN ${FAILED} >= ${num(s.failureThenSuccess.minFailures)} AND ${SUCCESS} > 0 THEN ${num(s.failureThenSuccess.points)} ELSE 0 END`],
	];
	const score = parts.map(([, expr]) => expr).join('\n    + ');
	const support = oneGroupingSupport(p);
	const notes = [
		`Hours and weekdays are those of DATEFORMAT, i.e. the QRadar console's time zone; the profile judges them in ${tz ?? p.timeZone ?? 'UTC'}.`,
		`The profile's window is ${p.defaultWindow}; AQL needs one, so LAST 24 HOURS below is a default to adjust.`,
		'Fields: sourceip = source, username = user, destinationip = the host logged on to; eventid 4624/4625 = success/failure.',
	];
	return [
		'SELECT',
		`  DATEFORMAT(MIN(starttime), 'yyyy-MM-dd HH:mm:ss') AS first_seen,`,
		`  DATEFORMAT(MAX(starttime), 'yyyy-MM-dd HH:mm:ss') AS last_seen,`,
		'  sourceip AS src_ip,',
		'  username AS target_user,',
		'  COUNT(*) AS total,',
		`  ${FAILED} AS failed,`,
		`  ${SUCCESS} AS success,`,
		`  ${HOSTS} AS target_count,`,
		...parts.map(([name, expr]) => `  ${expr} AS ${name},`),
		'  (',
		`    ${score}`,
		'  ) AS score',
		'FROM events',
		...headerLines(p, 'QRadar AQL', support, notes).map(line => comment(line, '')),
		'WHERE',
		`  LOGSOURCETYPENAME(devicetype) ILIKE '%Windows Security%'`,
		'  AND eventid IN (4624, 4625)',
		`  AND "LogonType" IN (${p.logonTypes.map(t => str(String(t))).join(', ')})`,
		'  AND sourceip IS NOT NULL',
		`  AND sourceip NOT IN ('', '-', '127.0.0.1', '0.0.0.0', '::1')`,
		'  AND username IS NOT NULL',
		`  AND username NOT IN ('', '-')`,
		`  AND username NOT LIKE '%$'`,
		`  AND UPPER(username) NOT IN ('ANONYMOUS LOGON', 'LOCAL SERVICE', 'NETWORK SERVICE', 'SYSTEM')`,
		ANCHOR,
		'GROUP BY sourceip, username',
		'HAVING (',
		`    ${score}`,
		`  ) >= ${num(p.minScore)}`,
		'ORDER BY score DESC',
	];
}
