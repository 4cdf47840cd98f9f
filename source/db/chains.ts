/**
 * Named statement behind the console's chains view: when a (source, user) pair first reached
 * each of its targets. Values are bound as parameters; times are epoch ms UTC; the window is
 * inclusive and optional, as in pivots.ts.
 */
import type {Statement} from 'better-sqlite3';
import type {Db} from './open.ts';
import type {TimeWindow} from './pivots.ts';

const TARGET_TIMES = `SELECT target,
		coalesce(min(ts) FILTER (WHERE outcome = 'success'), min(ts)) AS ts,
		sum(outcome = 'success') = 0 AS failed_only
	FROM logons
	WHERE src_ip = @src AND user = @user COLLATE NOCASE AND target IS NOT NULL
		AND (@since IS NULL OR ts >= @since) AND (@until IS NULL OR ts <= @until)
	GROUP BY target
	ORDER BY ts, target`;

const cache = new WeakMap<Db, Statement<unknown[]>>();

/** Each target of the pair: its first successful logon (or first attempt when none succeeded). */
export function pairTargetTimes(db: Db, src: string, user: string, w: TimeWindow = {}): Array<{target: string; ts: number; failedOnly: boolean}> {
	let stmt = cache.get(db);
	if (!stmt) {
		stmt = db.prepare(TARGET_TIMES);
		cache.set(db, stmt);
	}

	const rows = stmt.all({src, user, since: w.since ?? null, until: w.until ?? null}) as Array<{target: string; ts: number; failed_only: number}>;
	return rows.map(r => ({target: r.target, ts: r.ts, failedOnly: r.failed_only === 1}));
}
