/**
 * A Sigma rule collection (one YAML stream, documents separated by `---`): a base detection rule
 * selecting the profile's logons with every allowlist entry as a `filter_allowlist_N` selection,
 * and Sigma correlation rules (specification v2) for the aggregation. Sigma has no arithmetic
 * over aggregates and no time-of-day condition, so scores cannot be summed and after-hours cannot
 * be tested: the opening comment names every part of the detection that is approximated or lost.
 * Field names follow Windows Security 4624/4625 (logsource windows/security): IpAddress,
 * TargetUserName, Computer (the host logged on to), EventID, LogonType.
 */
import crypto from 'node:crypto';
import YAML from 'yaml';
import type {Entry} from '../allowlist/entry.ts';
import type {Profile, ScoredProfile} from '../detect/profiles.ts';
import {entryConditions, entryLabel, type Condition, type Field} from './entries.ts';
import {headerLines, WHY, type Signal, type Support} from './lateral.ts';
import {commentText, regexSource} from './quote.ts';
import {profileFamily, type Family} from './templates.ts';

const FIELD: Record<Field, string> = {src_ip: 'IpAddress', user: 'TargetUserName', target: 'Computer'};
const GROUP = ['IpAddress', 'TargetUserName'];

type Doc = Record<string, unknown>;

/** A deterministic UUID (name-based, SHA-1) so the same profile always yields the same rule ids. */
function ruleId(name: string): string {
	const h = crypto.createHash('sha1').update(`lateral/${name}`).digest('hex');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((Number.parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

/** A value matched literally: Sigma's wildcards `*`, `?` and its escape `\` escaped. */
function literal(value: string): string {
	return value.replace(/[\\*?]/g, '\\$&');
}

/** An allowlist glob in Sigma's wildcard syntax: `*` and `?` stay wildcards, backslashes become literal. */
function wildcard(glob: string): string {
	return glob.replaceAll('\\', '\\\\');
}

/** One condition as a Sigma field key and value. Plain Sigma matching is case-insensitive, as lateral's user and target are. */
function render(c: Condition): [string, string] {
	const field = FIELD[c.field];
	switch (c.match) {
		case 'cidr': return [`${field}|cidr`, c.value];
		case 'glob': return [field, wildcard(c.value)];
		case 'regex': return [c.field === 'src_ip' ? `${field}|re` : `${field}|re|i`, regexSource(c.value)];
		default: return [field, literal(c.value)];
	}
}

function filters(entries: readonly Entry[]): Array<[string, Doc]> {
	return entries.map((e, i) => [`filter_allowlist_${e.id ?? i + 1}`, Object.fromEntries(entryConditions(e).map(render))]);
}

interface Meta {
	profile: Profile;
	description: string;
}

function header(name: string, title: string, meta: Meta, description: string): Doc {
	return {
		title,
		id: ruleId(`${meta.profile.name}/${name}`),
		name,
		status: 'experimental',
		description,
		references: ['https://attack.mitre.org/techniques/T1021/'],
		author: 'lateral',
		tags: ['attack.lateral-movement', 'attack.t1021'],
	};
}

/** The base rule: the profile's record filter, plus one exclusion per allowlist entry. */
function baseRule(name: string, title: string, meta: Meta, selection: Doc, fixedFilters: Array<[string, Doc | Doc[]]>, entries: readonly Entry[]): Doc {
	return {
		...header(name, title, meta, `${meta.description} Base rule: the logons the correlation rules count, allowlisted logons removed.`),
		logsource: {product: 'windows', service: 'security'},
		detection: {
			selection,
			...Object.fromEntries(fixedFilters),
			...Object.fromEntries(filters(entries)),
			condition: 'selection and not 1 of filter_*',
		},
		falsepositives: meta.profile.falsePositives,
		level: 'informational',
	};
}

function correlation(name: string, title: string, meta: Meta, level: string, description: string, body: Doc): Doc {
	return {...header(name, title, meta, description), correlation: body, falsepositives: meta.profile.falsePositives, level};
}

function valueCount(rules: string[], groupBy: string[], timespan: string, field: string, condition: Record<string, number>): Doc {
	return {type: 'value_count', rules, 'group-by': groupBy, timespan, condition: {...condition, field}};
}

/** The record filters the two seeds share (as Sigma filters), with their differences as options. */
function seedFilters(badSources: string[], emptyUser: boolean): Array<[string, Doc | Doc[]]> {
	return [
		['filter_source_missing', {IpAddress: null}],
		['filter_source', {IpAddress: badSources}],
		['filter_user_missing', {TargetUserName: null}],
		['filter_user_machine', {'TargetUserName|endswith': '$'}],
		['filter_user_builtin', {TargetUserName: ['ANONYMOUS LOGON', 'LOCAL SERVICE', 'NETWORK SERVICE', ...(emptyUser ? [''] : [])]}],
	];
}

const SELECTION = (logonTypes: number[]) => ({EventID: [4624, 4625], LogonType: logonTypes});

function seedDocs(family: 'qradar' | 'logscale', profile: Profile, entries: readonly Entry[]): {notes: string[]; docs: Doc[]} {
	const p = profile.name;
	const meta: Meta = {profile, description: describe(profile)};
	const base = `lateral_${p}_remote_logon`;
	if (family === 'qradar') {
		return {
			notes: [
				`lateral: the ${p} profile (seeds/t1021-qradar-aql.txt, SPEC 4.1) as a Sigma rule with a value_count correlation.`,
				'Expressed: the record filter, the allowlist, grouping by (IpAddress, TargetUserName) over 24 hours, and HAVING unique_target_hosts > 1.',
				'NOT expressed (Sigma has no time-of-day condition and no arithmetic over aggregates): the second HAVING branch (admin/svc- name AND a logon before 06:00),',
				'and the output columns (failed/success counts, is_privileged, any_after_hours, suspicion_score, ordering): run the AQL or SPL for those.',
			],
			docs: [
				baseRule(base, 'T1021 remote logon (qradar profile)', meta, SELECTION([3, 10]), seedFilters(['127.0.0.1', '0.0.0.0', '-', ''], true), entries),
				correlation(`lateral_${p}_multi_target`, 'T1021 one source and user logging on to several hosts (qradar profile)', meta, 'high',
					'More than one distinct target host for the same source address and user within 24 hours (the seed\'s HAVING unique_target_hosts > 1).',
					valueCount([base], GROUP, '24h', 'Computer', {gt: 1})),
			],
		};
	}

	const privileged = `lateral_${p}_privileged_logon`;
	return {
		notes: [
			`lateral: the ${p} profile (seeds/t1021-logscale-cql.txt, SPEC 4.2) as Sigma rules with value_count correlations.`,
			'Expressed: the record filter, the allowlist, and two ways to reach the seed\'s SuspicionScore >= 2 or UniqueTargetHosts > 3:',
			'more than 3 target hosts (2 points alone), and a privileged name with more than 1 target host (1 + 1 points).',
			'NOT expressed (Sigma has no time-of-day condition and no arithmetic over aggregates): AnyAfterHours, the FailedRatio > 0.5 term,',
			'their combinations with the above, and the output columns (TargetHosts, FailedRatio, SuspicionScore, ordering).',
			'The seed has no window of its own; the correlations use 24h.',
		],
		docs: [
			baseRule(base, 'T1021 remote logon (logscale profile)', meta, SELECTION([3, 10]), seedFilters(['127.0.0.1', ''], false), entries),
			baseRule(privileged, 'T1021 remote logon by a privileged-looking account (logscale profile)', meta,
				{...SELECTION([3, 10]), 'TargetUserName|contains': ['admin', 'administrator', 'svc-', 'service', 'backup']},
				seedFilters(['127.0.0.1', ''], false), entries),
			correlation(`lateral_${p}_wide_spread`, 'T1021 one source and user logging on to more than 3 hosts (logscale profile)', meta, 'high',
				'UniqueTargetHosts > 3 for the same source address and user.',
				valueCount([base], GROUP, '24h', 'Computer', {gt: 3})),
			correlation(`lateral_${p}_privileged_spread`, 'T1021 privileged account logging on to several hosts from one source (logscale profile)', meta, 'high',
				'AnyPrivileged and UniqueTargetHosts > 1: a SuspicionScore of at least 2.',
				valueCount([privileged], GROUP, '24h', 'Computer', {gt: 1})),
		],
	};
}

function describe(profile: Profile): string {
	return `Lateral movement with valid accounts over remote services (MITRE ATT&CK T1021), translated from lateral's ${profile.name} profile.`;
}

function levelFor(points: number, minScore: number): string {
	return points >= minScore ? 'high' : points * 2 >= minScore ? 'medium' : 'low';
}

function scoredDocs(profile: ScoredProfile, entries: readonly Entry[]): {notes: string[]; docs: Doc[]} {
	const p = profile.name;
	const s = profile.signals;
	const meta: Meta = {profile, description: describe(profile)};
	const window = profile.defaultWindow === 'all' ? '24h' : profile.defaultWindow;
	const fixed: Array<[string, Doc | Doc[]]> = [
		['filter_source_missing', {IpAddress: null}],
		['filter_source', {IpAddress: ['', '-', '127.0.0.1', '0.0.0.0', '::1']}],
		['filter_user_missing', {TargetUserName: null}],
		['filter_user_empty', {TargetUserName: ['', '-']}],
		['filter_user_machine', {'TargetUserName|endswith': '$'}],
		['filter_user_builtin', {TargetUserName: ['ANONYMOUS LOGON', 'LOCAL SERVICE', 'NETWORK SERVICE', 'SYSTEM']}],
	];
	const any = `lateral_${p}_remote_logon`;
	const failed = `lateral_${p}_failed_logon`;
	const succeeded = `lateral_${p}_successful_logon`;
	const burst = `lateral_${p}_failure_burst`;
	const docs: Doc[] = [
		baseRule(any, `T1021 remote logon (${p} profile)`, meta, {EventID: [4624, 4625], LogonType: profile.logonTypes}, fixed, entries),
		baseRule(failed, `T1021 failed remote logon (${p} profile)`, meta, {EventID: 4625, LogonType: profile.logonTypes}, fixed, entries),
		baseRule(succeeded, `T1021 successful remote logon (${p} profile)`, meta, {EventID: 4624, LogonType: profile.logonTypes}, fixed, entries),
	];
	for (const [at, points] of s.spread.tiers) {
		docs.push(correlation(`lateral_${p}_spread_${at}`, `T1021 spread: one source and user on ${at} or more hosts (${p} profile)`, meta, levelFor(points, profile.minScore),
			`spread signal, ${points} point(s) in lateral: at least ${at} distinct target hosts for one source and user.`,
			valueCount([any], GROUP, window, 'Computer', {gte: at})));
	}

	for (const [at, points] of s.velocity.tiers) {
		docs.push(correlation(`lateral_${p}_velocity_${at}`, `T1021 velocity: ${at} or more hosts within an hour (${p} profile)`, meta, levelFor(points, profile.minScore),
			`velocity signal, ${points} point(s) in lateral: at least ${at} distinct target hosts within one hour (a sliding hour, as lateral counts it).`,
			valueCount([any], GROUP, '1h', 'Computer', {gte: at})));
	}

	docs.push(correlation(`lateral_${p}_spray`, `T1021 spray: one source failing against many users (${p} profile)`, meta, levelFor(s.spray.points, profile.minScore),
		`spray signal, ${s.spray.points} point(s) in lateral: failed logons for at least ${s.spray.minUsers} distinct users from one source.`,
		valueCount([failed], ['IpAddress'], window, 'TargetUserName', {gte: s.spray.minUsers})));
	const within = `${s.failureThenSuccess.withinMinutes}m`;
	docs.push({
		...correlation(burst, `T1021 failure burst (${p} profile)`, meta, 'low',
			`At least ${s.failureThenSuccess.minFailures} failed logons for one source and user within ${within}; feeds the failure-then-success rule.`,
			{type: 'event_count', rules: [failed], 'group-by': GROUP, timespan: within, condition: {gte: s.failureThenSuccess.minFailures}}),
		generate: false,
	});
	docs.push(correlation(`lateral_${p}_failure_then_success`, `T1021 failures then a success (${p} profile)`, meta, levelFor(s.failureThenSuccess.points, profile.minScore),
		`failureThenSuccess signal, ${s.failureThenSuccess.points} point(s) in lateral: a failure burst followed by a success for the same source and user within ${within}.`,
		{type: 'temporal_ordered', rules: [burst, succeeded], 'group-by': GROUP, timespan: within}));

	const support: Record<Signal, Support> = {
		spread: {status: 'approximated', how: 'one correlation rule per tier, each an alert of its own'},
		velocity: {status: 'approximated', how: 'one correlation rule per tier over a sliding hour, each an alert of its own'},
		spray: {status: 'approximated', how: 'a correlation rule of its own'},
		failureThenSuccess: {status: 'approximated', how: 'an event_count burst chained into a temporal_ordered rule'},
		privileged: {status: 'missing', why: 'a name pattern only adds points, and Sigma cannot add points'},
		afterHours: {status: 'missing', why: 'Sigma has no time-of-day condition'},
		weekend: {status: 'missing', why: 'Sigma has no day-of-week condition'},
		novelty: {status: 'missing', why: WHY.novelty},
		hopChain: {status: 'missing', why: WHY.hopChain},
		routine: {status: 'missing', why: WHY.routine},
	};
	const notes = [
		`Sigma cannot sum points: each correlation rule is one signal at one tier (level by its points against minScore ${profile.minScore}); the score threshold is not applied.`,
		`The profile's window is ${profile.defaultWindow}; the correlations use ${window}.`,
	];
	return {notes: headerLines(profile, 'Sigma (detection rules with v2 correlation rules)', support, notes), docs};
}

/** The profile as a Sigma rule collection with `entries` as filters. Text ends with a newline. */
export function emitSigma(profile: Profile, entries: readonly Entry[]): string {
	const family: Family = profileFamily(profile);
	const {notes, docs} = family === 'scored' ? scoredDocs(profile as ScoredProfile, entries) : seedDocs(family, profile, entries);
	const allow = entries.map((e, i) => `filter_allowlist_${e.id ?? i + 1}: ${entryLabel(e, i)}`);
	const lines = [
		...notes,
		...(allow.length === 0 ? ['Allowlist: no active entries.'] : ['Allowlist exclusions (regex entries are passed as written; backends differ on anchoring):', ...allow]),
	];
	const comment = lines.map(line => `# ${commentText(line)}`).join('\n');
	// Written for YAML 1.1, which pySigma reads (PyYAML): a user named yes, on or no, or a value such
	// as 1_000 or 1:20, is quoted, where YAML 1.2 leaves it bare and 1.1 would read a boolean or a number.
	const body = docs.map(d => YAML.stringify(d, {lineWidth: 0, version: '1.1'})).join('---\n');
	return `${comment}\n${body}`;
}
