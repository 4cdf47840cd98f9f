/**
 * The allowlist as a SQL condition on one logon row, spliced into every profile's base filter
 * (at the `/*ALLOWLIST*\/` marker) so that counts and scores are recomputed without the
 * suppressed events rather than rows hidden afterwards; and, bound as :target_entries, whether it
 * needs the row's target. The text is fixed; the values come from
 * the allowlist table and the bound parameters :allowlist (0/1), :profile, :today (epoch ms)
 * and :only_entry (an entry id to apply alone, or NULL for all active entries).
 */
import type {Db} from '../db/open.ts';

const ALIAS = /^[a-z_]+$/;

/** SQL that is true when the logon aliased `l` matches the entry aliased `a`. */
export function entryMatches(l: string, a: string): string {
	if (!ALIAS.test(l) || !ALIAS.test(a)) throw new Error(`bad alias ${l}/${a}`);
	// A pair's src_ip part is matched as CIDR when the entry says cidr, else exactly; its other
	// part takes the entry's match kind (exact when the entry is cidr).
	const pairOther = `CASE WHEN ${a}.match = 'cidr' THEN 'exact' ELSE ${a}.match END`;
	return `CASE ${a}.kind
				WHEN 'src_ip' THEN value_matches(${l}.src_ip, ${a}.pattern, ${a}.match, 0)
				WHEN 'user' THEN value_matches(${l}.user, ${a}.pattern, ${a}.match, 1)
				WHEN 'target' THEN value_matches(${l}.target, ${a}.pattern, ${a}.match, 1)
				WHEN 'pair' THEN value_matches(${l}.src_ip, ${a}.src_ip, CASE WHEN ${a}.match = 'cidr' THEN 'cidr' ELSE 'exact' END, 0)
					AND (${a}.user IS NULL OR value_matches(${l}.user, ${a}.user, ${pairOther}, 1))
					AND (${a}.target IS NULL OR value_matches(${l}.target, ${a}.target, ${pairOther}, 1))
			END`;
}

/** SQL condition: the entry aliased `a` is enabled, unexpired at :today and in scope for :profile. */
export function activeEntry(a: string): string {
	if (!ALIAS.test(a)) throw new Error(`bad alias ${a}`);
	return `${a}.enabled = 1 AND (${a}.expires IS NULL OR ${a}.expires > :today)
			AND (${a}.profile IS NULL OR ${a}.profile = :profile)`;
}

/**
 * SQL that is true when no entry active for :profile at :today matches the logon aliased `l`: the
 * logons a hunt with the allowlist counts (a finding's evidence, beside the hunt).
 */
export function notSuppressed(l: string): string {
	return `NOT EXISTS (SELECT 1 FROM allowlist a WHERE ${activeEntry('a')} AND ${entryMatches(l, 'a')})`;
}

/**
 * SQL that keeps the row aliased `l` only when no applicable entry matches it. The first NOT
 * EXISTS does not depend on the row, so SQLite answers it once: with no entry that applies, a hunt
 * pays nothing per logon for the allowlist.
 */
export function allowlistClause(l: string): string {
	return `AND (:allowlist = 0 OR NOT EXISTS (SELECT 1 FROM allowlist a WHERE ${applies('a')})
		OR NOT EXISTS (
		SELECT 1 FROM allowlist a
		WHERE ${applies('a')}
			AND ${entryMatches(l, 'a')}))`;
}

/**
 * Whether an entry that applies matches on the target (a target entry, or a pair entry naming
 * one): then rows without their target (hunt_pairs, hunt_day_pairs) cannot be judged, and the seed
 * hunts read the rows per target instead. Asked once, before the hunt, and bound as
 * :target_entries: a bound value that makes a branch's WHERE false skips the branch, where the
 * same subquery inside the hunt would be answered once but the branch's rows still read, every one
 * (10.4M logons: qradar's one day read its 164,566 rows of hunt_days for nothing, 55 ms of 180).
 */
export function targetEntriesApply(db: Db, params: {allowlist: number; only_entry: number | null; profile: string; today: number}): 0 | 1 {
	const row = db.prepare(`SELECT (:allowlist = 1 AND EXISTS (SELECT 1 FROM allowlist a
		WHERE ${applies('a')} AND (a.kind = 'target' OR (a.kind = 'pair' AND a.target IS NOT NULL)))) AS applies`).get(params) as {applies: number};
	return row.applies === 1 ? 1 : 0;
}

/** SQL condition: the entry aliased `a` is one the hunt applies (:only_entry alone, else every active one). */
function applies(a: string): string {
	return `(CASE WHEN :only_entry IS NULL THEN ${activeEntry(a)} ELSE ${a}.id = :only_entry END)`;
}
