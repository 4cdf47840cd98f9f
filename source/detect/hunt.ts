/**
 * Running a profile: bind the window, zone and allowlist switch, execute the profile's SQL in
 * SQLite, and present the rows both as the profile's own JSON columns and as shared Findings.
 * No scoring happens here: every number comes out of the SQL; this module only renames.
 */
import type {Db} from '../db/open.ts';
import {newestTs} from '../db/store.ts';
import {parseDuration} from '../util/time.ts';
import {loadProfile, querySql, type SeedProfile} from './profiles.ts';
import {allowlistClause} from './allowlist-sql.ts';
import type {Finding, HuntOptions, HuntResult, Reason} from './types.ts';

type Row = Record<string, unknown>;

/** Turns one SQL row into the profile's JSON row and the shared Finding. */
interface Presenter {
	row(r: Row): Row;
	finding(r: Row, tz: string): Finding;
}

const num = (v: unknown) => Number(v ?? 0);
const reasons = (list: Array<Reason | false>): Reason[] => list.filter((r): r is Reason => r !== false && r.points !== 0);

const presenters: Record<string, Presenter> = {
	qradar: {
		row: r => ({
			first_seen: r['first_seen'],
			last_seen: r['last_seen'],
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
				after_hours: num(r['any_after_hours']) === 1,
				score: num(r['suspicion_score']),
				reasons: reasons([
					{signal: 'target-spread', points: hosts, detail: `${hosts} distinct target host${hosts === 1 ? '' : 's'} (1 point each)`},
					{signal: 'privileged-name', points: num(r['_privileged_points']), detail: 'user name contains "admin" or "svc-"'},
					{signal: 'after-hours', points: num(r['any_after_hours']), detail: `a logon before 06:00 (${tz})`},
					{signal: 'failure-ratio', points: num(r['_failure_points']), detail: `${failed} of ${total} failed (over half) with a success`},
				]),
			};
		},
	},
	logscale: {
		row: r => ({
			FirstSeen: r['FirstSeen'],
			LastSeen: r['LastSeen'],
			RemoteAddressIP4: r['RemoteAddressIP4'],
			TargetUserName: r['TargetUserName'],
			UniqueTargetHosts: r['UniqueTargetHosts'],
			TargetHosts: JSON.parse(String(r['TargetHosts'])) as string[],
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
				after_hours: num(r['AnyAfterHours']) === 1,
				score: num(r['SuspicionScore']),
				reasons: reasons([
					{signal: 'after-hours', points: num(r['AnyAfterHours']), detail: `a logon before 06:00 (${tz})`},
					{signal: 'privileged-name', points: num(r['AnyPrivileged']), detail: 'user name matches admin|administrator|svc-|service|backup'},
					{signal: 'target-spread', points: num(r['_spread_points']), detail: `${hosts} distinct target hosts (2 if over 3, 1 if over 1)`},
					{signal: 'failure-ratio', points: num(r['_failure_points']), detail: `failed ratio ${String(r['FailedRatio'])} over 0.5 with a success`},
				]),
			};
		},
	},
};

/** The window a hunt uses: [since, until] inclusive, or no window. */
export function resolveWindow(db: Db, profile: SeedProfile, options: HuntOptions): {now: number | undefined; since: number | null; until: number | null} {
	const now = options.now ?? newestTs(db);
	const length = options.window === undefined ? parseDuration(profile.defaultWindow) ?? null : options.window;
	if (length === null || now === undefined) return {now, since: null, until: null};
	return {now, since: now - length, until: now};
}

/** Runs a profile over the store. */
export function hunt(db: Db, options: HuntOptions): HuntResult {
	const profile = loadProfile(options.profile);
	const presenter = presenters[profile.name];
	if (!presenter) throw new Error(`profile ${profile.name} has no presenter`);
	const {now, since, until} = resolveWindow(db, profile, options);
	const sql = querySql(profile.query).replace('/*ALLOWLIST*/', allowlistClause('l'));
	const raw = db.prepare(sql).all({
		since,
		until,
		tz: options.tz,
		limit: options.limit ?? -1,
		allowlist: options.allowlist === false ? 0 : 1,
		only_entry: options.onlyEntry ?? null,
		profile: profile.name,
		today: Date.now(),
	}) as Row[];
	return {
		profile: profile.name,
		now,
		since,
		tz: options.tz,
		rows: raw.map(r => presenter.row(r)),
		findings: raw.map(r => presenter.finding(r, options.tz)),
	};
}
