/**
 * Running a profile: bind the window, zone, allowlist switch and (for scored profiles) every
 * weight and threshold, execute the profile's SQL in SQLite, and present the rows both as the
 * profile's own JSON columns and as shared Findings. No scoring happens here: every number comes
 * out of the SQL; this module renames columns, writes qradar's times and the one-line details.
 */
import {withSortThread, type Db} from '../db/open.ts';
import {cachedHuntRows, eachHuntRow} from '../db/hunt-cache.ts';
import {newestTs, oldestTs} from '../db/store.ts';
import {formatIso, formatLocal, parseDuration} from '../util/time.ts';
import {loadProfile, querySql, type Profile, type RoutineCancel, type ScoredProfile} from './profiles.ts';
import {allowlistClause, targetEntriesApply} from './allowlist-sql.ts';
import {splitWindow} from './seed-days.ts';
import type {Finding, HuntOptions, HuntResult, Reason} from './types.ts';

type Row = Record<string, unknown>;

/** Turns one SQL row into the profile's JSON row and the shared Finding. */
interface Presenter {
	row(r: Row, f: Finding, tz: string): Row;
	finding(r: Row, tz: string, profile: Profile): Finding;
}

const num = (v: unknown) => Number(v ?? 0);
const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The same detail text, one string for every finding that says it. A seed hunt over all of 10.4M
 * logons presents about 100k findings whose details mostly repeat (the spread's depends only on
 * the number of targets, the after-hours one only on the zone); a string per finding (several, as
 * template literals build them) is kept as long as the findings, and the young-generation
 * collector copies each of them twice. Cleared when full: some details (failure counts, hop
 * chains) are nearly all different.
 */
const said = new Map<string, string>();
const SAID_MAX = 4096;

function say(text: string): string {
	const known = said.get(text);
	if (known !== undefined) return known;
	if (said.size >= SAID_MAX) said.clear();
	said.set(text, text);
	return text;
}

/**
 * One finding's reasons as they are collected: `scored` takes a signal that scored (the caller
 * writes its detail only then), `reasons` hands them over as an array of exactly their number (a
 * first push makes room for 16) and starts the next finding's. No closure or tuple per signal and
 * finding: over all of 10.4M logons a seed hunt presents about 100k findings.
 */
const collected: Reason[] = [];

function scored(signal: string, points: number, detail: string): void {
	collected.push({signal, points, detail: say(detail)});
}

function reasons(): Reason[] {
	const list = collected.slice();
	collected.length = 0;
	return list;
}

const seedPresenters: Record<string, Presenter> = {
	qradar: {
		row: (r, f, tz) => ({
			first_seen: formatLocal(f.first_seen, tz),
			last_seen: formatLocal(f.last_seen, tz),
			source_ip: r['source_ip'],
			target_user: r['target_user'],
			total_logons: r['total_logons'],
			failed_logons: r['failed_logons'],
			success_logons: r['success_logons'],
			unique_target_hosts: r['unique_target_hosts'],
			is_privileged: r['is_privileged'],
			any_after_hours: r['any_after_hours'],
			suspicion_score: r['suspicion_score'],
		}),
		finding(r, tz) {
			const hosts = num(r['unique_target_hosts']);
			const failed = num(r['failed_logons']);
			const total = num(r['total_logons']);
			const privileged = num(r['_privileged_points']);
			const afterHours = num(r['any_after_hours']);
			const failurePoints = num(r['_failure_points']);
			if (hosts !== 0) scored('target-spread', hosts, `${plural(hosts, 'distinct target host')} (1 point each)`);
			if (privileged !== 0) scored('privileged-name', privileged, 'user name contains "admin" or "svc-"');
			if (afterHours !== 0) scored('after-hours', afterHours, `a logon before 06:00 (${tz})`);
			if (failurePoints !== 0) scored('failure-ratio', failurePoints, `${failed} of ${total} failed (over half) with a success`);
			return {
				src_ip: String(r['source_ip']),
				user: String(r['target_user']),
				first_seen: num(r['_first_ts']),
				last_seen: num(r['_last_ts']),
				targets: JSON.parse(String(r['_targets'])) as string[],
				target_count: hosts,
				total,
				failed,
				success: num(r['success_logons']),
				after_hours: afterHours === 1,
				score: num(r['suspicion_score']),
				reasons: reasons(),
			};
		},
	},
	logscale: {
		row: (r, f) => ({
			FirstSeen: r['FirstSeen'],
			LastSeen: r['LastSeen'],
			RemoteAddressIP4: r['RemoteAddressIP4'],
			TargetUserName: r['TargetUserName'],
			UniqueTargetHosts: r['UniqueTargetHosts'],
			// The finding's array, parsed once (1.2M names over all of 10M logons).
			TargetHosts: f.targets,
			TotalLogons: r['TotalLogons'],
			FailedLogons: r['FailedLogons'],
			FailedRatio: r['FailedRatio'],
			AnyAfterHours: r['AnyAfterHours'],
			AnyPrivileged: r['AnyPrivileged'],
			SuspicionScore: r['SuspicionScore'],
		}),
		finding(r, tz) {
			const hosts = num(r['UniqueTargetHosts']);
			const failed = num(r['FailedLogons']);
			const total = num(r['TotalLogons']);
			const afterHours = num(r['AnyAfterHours']);
			const privileged = num(r['AnyPrivileged']);
			const spread = num(r['_spread_points']);
			const failurePoints = num(r['_failure_points']);
			if (afterHours !== 0) scored('after-hours', afterHours, `a logon before 06:00 (${tz})`);
			if (privileged !== 0) scored('privileged-name', privileged, 'user name matches admin|administrator|svc-|service|backup');
			if (spread !== 0) scored('target-spread', spread, `${plural(hosts, 'distinct target host')} (2 if over 3, 1 if over 1)`);
			if (failurePoints !== 0) scored('failure-ratio', failurePoints, `failed ratio ${String(r['FailedRatio'])} over 0.5 with a success`);
			return {
				src_ip: String(r['RemoteAddressIP4']),
				user: String(r['TargetUserName']),
				first_seen: num(r['FirstSeen']),
				last_seen: num(r['LastSeen']),
				targets: JSON.parse(String(r['TargetHosts'])) as string[],
				target_count: hosts,
				total,
				failed,
				success: total - failed,
				after_hours: afterHours === 1,
				score: num(r['SuspicionScore']),
				reasons: reasons(),
			};
		},
	},
};

/** Reason names and SQL columns (with and without routine logons) of the signals routine can cancel. */
const CANCELLABLE: Record<RoutineCancel, [string, string]> = {
	afterHours: ['after-hours', 'p_after_hours'], weekend: ['weekend', 'p_weekend'], spread: ['target-spread', 'p_spread'], velocity: ['velocity', 'p_velocity'],
};

/** The routine detail: how many logons were routine and what each cancelled signal falls to without them. */
function routineDetail(r: Row, routine: {share: number; minDays: number; cancels: RoutineCancel[]}): string {
	const {cancels} = routine;
	const changes = cancels.flatMap(c => {
		const [name, column] = CANCELLABLE[c];
		const all = num(r[column]);
		const rest = num(r[`${column}_nr`]);
		return all === rest ? [] : [`${name} ${all} -> ${rest}`];
	});
	const share = routine.share === 0.5 ? 'half' : `${Math.round(routine.share * 100)}%`;
	return `${num(r['routine_logons'])} of ${plural(num(r['total']), 'logon')} at an hour this account logged on at on ${routine.minDays}+ earlier days, at least ${share} of those it was active; without them ${changes.join(', ')}`;
}

/** The novelty detail: which new pairs the points came from. */
function noveltyDetail(r: Row, p: ScoredProfile): string {
	const parts = [`${num(r['novel_st'])} new source->target and ${num(r['novel_ut'])} new user->target pairs`];
	if (num(r['new_pair']) === 1) {
		const users = num(r['source_users']);
		parts.push(users >= p.signals.novelty.sharedSourceUsers ? `; a new user on a shared source (${users} accounts logged on from it)`
			: num(r['source_bl_users']) === 0 ? '; a source never seen in the baseline'
				: `; a new user on a source ${plural(users, 'account')} logged on from`);
	}

	return `${parts.join('')} (successful logons against the ${p.baseline} baseline)`;
}

const scoredPresenter: Presenter = {
	row: (_r, f, tz) => ({
		src_ip: f.src_ip,
		user: f.user,
		first_seen: formatIso(f.first_seen, tz),
		last_seen: formatIso(f.last_seen, tz),
		targets: f.targets,
		target_count: f.target_count,
		total: f.total,
		failed: f.failed,
		success: f.success,
		score: f.score,
		reasons: f.reasons,
	}),
	finding(r, tz, profile) {
		const p = profile as ScoredProfile;
		const s = p.signals;
		const user = String(r['user']);
		const pattern = s.privileged.patterns.find(x => user.toLowerCase().includes(x.toLowerCase()));
		const [start, end] = s.afterHours.businessHours;
		const [nightStart, nightEnd] = s.afterHours.nightHours;
		const hopTs = r['hop_ts'] === null ? undefined : num(r['hop_ts']);
		const spread = num(r['p_spread']);
		if (spread !== 0) scored('target-spread', spread, `${plural(num(r['per_day']), 'distinct target')} on one day (${plural(num(r['hosts']), 'target')} in all)`);
		const privileged = num(r['p_privileged']);
		if (privileged !== 0) scored('privileged-name', privileged, `user name contains "${pattern ?? '?'}"`);
		const afterHours = num(r['p_after_hours']);
		if (afterHours !== 0) scored('after-hours', afterHours, `${num(r['off_hours'])} of ${plural(num(r['total']), 'logon')} outside ${hh(start)}-${hh(end)}, ${num(r['night'])} of them at night (${hh(nightStart)}-${hh(nightEnd)}, ${tz})`);
		const weekend = num(r['p_weekend']);
		if (weekend !== 0) scored('weekend', weekend, `${plural(num(r['weekend']), 'logon')} on a non-business day (${tz})`);
		const fts = num(r['p_fts']);
		if (fts !== 0) scored('failure-then-success', fts, `${plural(num(r['fails_before']), 'failure')} then a success within ${s.failureThenSuccess.withinMinutes} min`);
		const spray = num(r['p_spray']);
		if (spray !== 0) scored('spray', spray, `this source failed for ${plural(num(r['spray_users']), 'known account')} within ${s.spray.withinMinutes} min of this pair's failure (known: logs on successfully here; guessed names such as scanners try do not count)`);
		const novelty = num(r['p_novelty']);
		if (novelty !== 0) scored('novelty', novelty, noveltyDetail(r, p));
		const velocity = num(r['p_velocity']);
		if (velocity !== 0) scored('velocity', velocity, `${plural(num(r['per_hour']), 'distinct target')} within one hour`);
		const hop = num(r['p_hop']);
		if (hop !== 0) scored('hop-chain', hop, hopTs === undefined ? '' : `${String(r['hop_from_ip'])} -> ${String(r['src_ip'])} (${String(r['hop_via'])}) as ${String(r['hop_from_user'])} at ${formatLocal(hopTs, tz)}, then on from it to targets it never reached in the baseline, within ${s.hopChain.withinHours} h`);
		const routine = num(r['p_routine']);
		if (routine !== 0) scored('routine', routine, routineDetail(r, s.routine));
		const finding: Finding = {
			src_ip: String(r['src_ip']),
			user,
			first_seen: num(r['first_ts']),
			last_seen: num(r['last_ts']),
			targets: JSON.parse(String(r['targets'])) as string[],
			target_count: num(r['hosts']),
			total: num(r['total']),
			failed: num(r['failed']),
			success: num(r['success']),
			after_hours: num(r['off_hours']) > 0,
			score: num(r['score']),
			reasons: reasons(),
		};
		if (hopTs !== undefined) {
			finding.hop = {from_ip: String(r['hop_from_ip']), from_user: String(r['hop_from_user']), via: String(r['hop_via']), ts: hopTs};
		}

		return finding;
	},
};

export interface Window {
	now: number | undefined;
	since: number | null;
	until: number | null;
	/** Scored profiles: start of the baseline before `since`. */
	baseSince?: number;
}

/** The window a hunt uses: [since, until] inclusive, or no window. */
export function resolveWindow(db: Db, profile: Profile, options: HuntOptions): Window {
	const now = options.now ?? newestTs(db);
	const length = options.window === undefined ? parseDuration(profile.defaultWindow) ?? null : options.window;
	if (profile.kind === 'scored') {
		// The baseline is the stretch before the window; with no window, the first `baseline` of data.
		const baseline = parseDuration(profile.baseline) ?? 0;
		if (now === undefined) return {now, since: null, until: null};
		const oldest = oldestTs(db) ?? now;
		const since = length === null ? oldest + baseline : now - length;
		// Less data than one baseline (a single short log): hunt all of it against an empty
		// baseline rather than an empty window, so a small file still gets scored.
		// (A window ending before the data starts where it ends, not at the first logon after it.)
		if (since > now) return {now, since: Math.min(oldest, now), until: now, baseSince: Math.min(oldest, now)};
		return {now, since, until: now, baseSince: since - baseline};
	}

	if (length === null || now === undefined) return {now, since: null, until: null};
	return {now, since: now - length, until: now};
}

/** The bound parameters of a scored profile's query. */
function scoredParams(p: ScoredProfile, w: Window): Record<string, unknown> {
	const s = p.signals;
	return {
		base_since: w.baseSince ?? null,
		logon_types: JSON.stringify(p.logonTypes),
		privileged: JSON.stringify(s.privileged.patterns.map(x => x.toLowerCase())),
		biz_start: s.afterHours.businessHours[0],
		biz_end: s.afterHours.businessHours[1],
		biz_days: JSON.stringify(s.afterHours.businessDays),
		spread_tiers: JSON.stringify(s.spread.tiers),
		privileged_points: s.privileged.points,
		after_hours_points: s.afterHours.points,
		night_points: s.afterHours.nightPoints,
		night_start: s.afterHours.nightHours[0],
		night_end: s.afterHours.nightHours[1],
		weekend_points: s.afterHours.weekendPoints,
		fts_points: s.failureThenSuccess.points,
		fts_min_failures: s.failureThenSuccess.minFailures,
		fts_within_ms: s.failureThenSuccess.withinMinutes * 60_000,
		spray_points: s.spray.points,
		spray_min_users: s.spray.minUsers,
		spray_within_ms: s.spray.withinMinutes * 60_000,
		novel_tiers: JSON.stringify(s.novelty.tiers),
		novel_user_points: s.novelty.userTargetPoints,
		novel_user_min: s.novelty.userTargetMin,
		novel_source_points: s.novelty.newSourcePoints,
		novel_pair_points: s.novelty.newPairPoints,
		novel_shared_users: s.novelty.sharedSourceUsers,
		velocity_tiers: JSON.stringify(s.velocity.tiers),
		hop_points: s.hopChain.points,
		hop_within_ms: s.hopChain.withinHours * 3_600_000,
		routine_share: s.routine.share,
		routine_min_days: s.routine.minDays,
		routine_cancels: JSON.stringify(s.routine.cancels),
		min_score: p.minScore,
	};
}

/** The zone a hunt uses: --tz when given, else the profile's own, else UTC. */
export function huntZone(profile: Profile, tzFlag: string | undefined): string {
	return tzFlag ?? (profile.kind === 'scored' ? profile.timeZone : null) ?? 'UTC';
}

/** What a hunt runs: the profile, its window, and its SQL (allowlist spliced in) with every bound value. */
export interface HuntQuery {
	profile: Profile;
	window: Window;
	sql: string;
	params: Record<string, unknown>;
}

/**
 * The statement `hunt()` runs for these options, without running it. `sqlText` replaces the
 * profile's query file (test/detect/lateral-oracle.test.ts runs a reference formulation with
 * exactly the same values).
 */
export function huntQuery(db: Db, options: HuntOptions, sqlText?: string): HuntQuery {
	const profile = loadProfile(options.profile);
	const window = resolveWindow(db, profile, options);
	const sql = (sqlText ?? querySql(profile.query)).replaceAll('/*ALLOWLIST*/', allowlistClause('l'));
	const allowlist = {allowlist: options.allowlist === false ? 0 : 1, only_entry: options.onlyEntry ?? null, profile: profile.name, today: Date.now()};
	const params: Record<string, unknown> = {
		since: window.since,
		until: window.until,
		tz: options.tz,
		limit: options.limit ?? -1,
		...allowlist,
		...(profile.kind === 'scored' ? scoredParams(profile, window)
			: {...splitWindow(db, window.since, window.until, options.tz), target_entries: targetEntriesApply(db, allowlist)}),
	};
	return {profile, window, sql, params};
}

/** A finding with nothing in it: only its shape counts (huntRowKeys). */
const NO_FINDING: Finding = {src_ip: '', user: '', first_seen: 0, last_seen: 0, targets: [], target_count: 0, total: 0, failed: 0, success: 0, after_hours: false, score: 0, reasons: []};

/**
 * The keys of a profile's rows, in order (its JSON keys, its CSV header), whether or not a hunt
 * finds anything: those of a row its presenter makes of nothing (the values do not change them).
 */
export function huntRowKeys(profile: Profile): string[] {
	const presenter = profile.kind === 'scored' ? scoredPresenter : seedPresenters[profile.name];
	return presenter ? Object.keys(presenter.row({}, NO_FINDING, 'UTC')) : [];
}

/** Runs a profile over the store. */
export function hunt(db: Db, options: HuntOptions): HuntResult {
	const {profile, window, sql, params} = huntQuery(db, options);
	const presenter = profile.kind === 'scored' ? scoredPresenter : seedPresenters[profile.name];
	if (!presenter) throw new Error(`profile ${profile.name} has no presenter`);
	const findings: Finding[] = [];
	const rows: Row[] = [];
	// What a hunt that failed midway (a finding half presented) may have left.
	collected.length = 0;
	const present = (r: Row) => {
		const finding = presenter.finding(r, options.tz, profile);
		findings.push(finding);
		if (!options.findingsOnly) rows.push(presenter.row(r, finding, options.tz));
	};

	// A scored profile over no logons has nothing to score and no window to bind.
	if (window.now !== undefined || profile.kind !== 'scored') {
		withSortThread(db, () => options.cache === false ? eachHuntRow(db, sql, params, present) : cachedHuntRows(db, sql, params, present));
	}

	return {profile: profile.name, now: window.now, since: window.since, tz: options.tz, rows, findings};
}
