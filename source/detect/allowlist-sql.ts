/**
 * The allowlist as a SQL condition on one logon row, spliced into every profile's base filter
 * (at the `/*ALLOWLIST*\/` marker) so that counts and scores are recomputed without the
 * suppressed events rather than rows hidden afterwards. The text is fixed; the values come from
 * the allowlist table and the bound parameters :allowlist, :profile and :today (epoch ms).
 */

/** A pair's src_ip part is matched as CIDR when the entry says cidr, else exactly. */
const PAIR = `value_matches(%.src_ip, a.src_ip, CASE WHEN a.match = 'cidr' THEN 'cidr' ELSE 'exact' END, 0)
			AND (a.user IS NULL OR value_matches(%.user, a.user, CASE WHEN a.match = 'cidr' THEN 'exact' ELSE a.match END, 1))
			AND (a.target IS NULL OR value_matches(%.target, a.target, CASE WHEN a.match = 'cidr' THEN 'exact' ELSE a.match END, 1))`;

/** SQL that keeps the row aliased `alias` only when no active entry matches it. */
export function allowlistClause(alias: string): string {
	if (!/^[a-z_]+$/.test(alias)) throw new Error(`bad alias ${alias}`);
	return `AND (:allowlist = 0 OR NOT EXISTS (
		SELECT 1 FROM allowlist a
		WHERE ${activeEntry('a')}
			AND CASE a.kind
				WHEN 'src_ip' THEN value_matches(${alias}.src_ip, a.pattern, a.match, 0)
				WHEN 'user' THEN value_matches(${alias}.user, a.pattern, a.match, 1)
				WHEN 'target' THEN value_matches(${alias}.target, a.pattern, a.match, 1)
				WHEN 'pair' THEN ${PAIR.replaceAll('%', alias)}
			END))`;
}

/** SQL condition: the entry aliased `a` is enabled, unexpired and in scope for :profile. */
export function activeEntry(a: string): string {
	return `${a}.enabled = 1 AND (${a}.expires IS NULL OR ${a}.expires > :today)
			AND (${a}.profile IS NULL OR ${a}.profile = :profile)`;
}
