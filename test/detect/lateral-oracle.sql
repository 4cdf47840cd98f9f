-- test oracle for db/queries/hunt-lateral.sql: the profile's first, plainer formulation (as of commit
-- 8947f36), kept to compare the optimised query with (test/detect/lateral-oracle.test.ts). It reads
-- the logons many times and sorts them per signal; the results must be the same to the last column.
-- Do not optimise this file: change it only when the profile's meaning changes, together with the query.
-- The allowlist clause is spelled out rather than spliced in, so this checks allowlist-sql.ts too.
-- hunt-lateral: the product's own profile (SPEC 4.3), every weight and threshold a bound parameter
-- taken from the profile file (db/profiles/lateral.json); lists are bound as JSON text.
-- Inputs:  :since, :until     the hunt window, epoch ms, inclusive
--          :base_since        start of the baseline period [base_since, since)
--          :tz                IANA zone for business hours, weekends and days
--          :logon_types       JSON array of logon types that count as remote logons
--          :privileged        JSON array of lower-case substrings that mark privileged names
--          :biz_start, :biz_end, :biz_days   business hours [start, end) and days (0 = Sunday), JSON
--          :night_start, :night_end   the small hours [start, end), wrapping past midnight
--          :spread_tiers, :novel_tiers, :velocity_tiers   JSON [[at least, points], ...]
--          :routine_cancels   JSON array of the signals a routine logon earns nothing for
--          :*_points and thresholds: see the signals section of the profile file
--          :allowlist, :only_entry, :profile, :today   the allowlist switch (see allowlist-sql.ts)
--          :limit, :min_score
-- Output:  one row per (src_ip, user) with totals, targets (JSON), and for every signal its
--          points (p_*) and the facts its one-line detail is written from. score = sum of p_*.
--
-- Speed: every CTE that is read more than once is MATERIALIZED, and every lookup is an equi-join
-- SQLite answers through an automatic index; no subquery runs per logon.
-- Local hour and day per quarter hour of UTC time, asked of the zone once per quarter rather than
-- per logon: zone offsets and their changes fall on whole quarter hours, so every logon inside
-- one quarter has the same local hour and day.
WITH quarters AS MATERIALIZED (
	SELECT q, local_hour(q * 900000, :tz) AS hour, local_day(q * 900000, :tz) AS day
	FROM (SELECT DISTINCT ts / 900000 AS q FROM logons WHERE +ts >= :base_since AND +ts <= :until)
),
base AS MATERIALIZED (
	SELECT l.id, l.ts, l.outcome, l.src_ip, l.user, lower(l.user) AS user_l, l.target, lower(l.target) AS target_l,
		l.dst_ip, l.src_host, q.hour, q.day
	FROM logons l
	JOIN quarters q ON q.q = l.ts / 900000
	-- +ts: a scan of the table beats thousands of index lookups when the range is most of it
	WHERE +l.ts >= :base_since AND +l.ts <= :until
		AND l.outcome IN ('success', 'failure')
		AND l.logon_type IN (SELECT value FROM json_each(:logon_types))
		AND l.src_ip IS NOT NULL
		AND l.src_ip NOT IN ('', '-', '127.0.0.1', '0.0.0.0', '::1')
		AND l.user IS NOT NULL AND l.user <> '' AND l.user <> '-'
		AND substr(l.user, -1) <> '$'
		AND upper(l.user) NOT IN ('ANONYMOUS LOGON', 'LOCAL SERVICE', 'NETWORK SERVICE', 'SYSTEM')
		-- the allowlist clause of source/detect/allowlist-sql.ts as it was, spelled out
		AND (:allowlist = 0 OR NOT EXISTS (
		SELECT 1 FROM allowlist a
		WHERE (CASE WHEN :only_entry IS NULL THEN a.enabled = 1 AND (a.expires IS NULL OR a.expires > :today)
			AND (a.profile IS NULL OR a.profile = :profile) ELSE a.id = :only_entry END)
			AND CASE a.kind
				WHEN 'src_ip' THEN value_matches(l.src_ip, a.pattern, a.match, 0)
				WHEN 'user' THEN value_matches(l.user, a.pattern, a.match, 1)
				WHEN 'target' THEN value_matches(l.target, a.pattern, a.match, 1)
				WHEN 'pair' THEN value_matches(l.src_ip, a.src_ip, CASE WHEN a.match = 'cidr' THEN 'cidr' ELSE 'exact' END, 0)
					AND (a.user IS NULL OR value_matches(l.user, a.user, CASE WHEN a.match = 'cidr' THEN 'exact' ELSE a.match END, 1))
					AND (a.target IS NULL OR value_matches(l.target, a.target, CASE WHEN a.match = 'cidr' THEN 'exact' ELSE a.match END, 1))
			END))
),
-- Routine: a successful logon at a local hour at which its account logged on successfully on at
-- least :routine_min_days earlier days, and on at least :routine_share of the earlier days it
-- was active at all. Every earlier day of the hunted range counts, so each day of the window is
-- judged against the days before it. A failure is never routine.
slots AS MATERIALIZED (
	SELECT user_l, day, hour,
		row_number() OVER (PARTITION BY user_l, hour ORDER BY day) - 1 AS earlier_at_hour
	FROM (SELECT DISTINCT user_l, day, hour FROM base WHERE outcome = 'success')
),
user_days AS MATERIALIZED (
	SELECT user_l, day, row_number() OVER (PARTITION BY user_l ORDER BY day) - 1 AS earlier
	FROM (SELECT DISTINCT user_l, day FROM slots)
),
routine_slots AS MATERIALIZED (
	SELECT s.user_l, s.day, s.hour
	FROM slots s JOIN user_days d ON d.user_l = s.user_l AND d.day = s.day
	WHERE s.earlier_at_hour >= :routine_min_days AND s.earlier_at_hour >= :routine_share * d.earlier
),
win AS MATERIALIZED (
	SELECT b.*,
		b.hour < :biz_start OR b.hour >= :biz_end AS off,
		CASE WHEN :night_start <= :night_end THEN b.hour >= :night_start AND b.hour < :night_end
			ELSE b.hour >= :night_start OR b.hour < :night_end END AS night,
		((b.day + 4) % 7) NOT IN (SELECT value FROM json_each(:biz_days)) AS weekend,
		b.outcome = 'success' AND r.user_l IS NOT NULL AS routine
	FROM base b
	LEFT JOIN routine_slots r ON r.user_l = b.user_l AND r.day = b.day AND r.hour = b.hour
	WHERE b.ts >= :since
),
bl AS MATERIALIZED (SELECT * FROM base WHERE ts < :since),
groups AS MATERIALIZED (
	SELECT src_ip, user,
		min(ts) AS first_ts,
		max(ts) AS last_ts,
		count(*) AS total,
		sum(outcome = 'failure') AS failed,
		sum(outcome = 'success') AS success,
		count(DISTINCT target) AS hosts,
		json_group_array(DISTINCT target ORDER BY target) FILTER (WHERE target IS NOT NULL) AS targets,
		sum(off) AS off_hours,
		sum(off AND NOT routine) AS off_hours_nr,
		sum(night) AS night,
		sum(night AND NOT routine) AS night_nr,
		sum(weekend) AS weekend,
		sum(weekend AND NOT routine) AS weekend_nr,
		sum(routine) AS routine_logons,
		EXISTS (SELECT 1 FROM json_each(:privileged) p WHERE instr(lower(user), p.value) > 0) AS privileged
	FROM win
	GROUP BY src_ip, user
),
-- Velocity: the most distinct targets within any 60 minutes (both ends included): for each logon,
-- the pair's targets in the hour up to it; spread: within one local day. Each also without the
-- routine logons (_nr), which is what the routine discount compares.
per_logon AS (
	SELECT w.src_ip, w.user,
		(SELECT count(DISTINCT o.target) FROM win o
			WHERE o.src_ip = w.src_ip AND o.user = w.user AND o.ts BETWEEN w.ts - 3600000 AND w.ts) AS n,
		CASE WHEN w.routine THEN 0 ELSE (SELECT count(DISTINCT o.target) FROM win o
			WHERE o.src_ip = w.src_ip AND o.user = w.user AND o.ts BETWEEN w.ts - 3600000 AND w.ts AND NOT o.routine) END AS n_nr
	FROM win w
),
velocity AS (SELECT src_ip, user, max(n) AS per_hour, max(n_nr) AS per_hour_nr FROM per_logon GROUP BY src_ip, user),
spread AS (
	SELECT src_ip, user, max(n) AS per_day, max(n_nr) AS per_day_nr
	FROM (SELECT src_ip, user, day,
			count(DISTINCT target) AS n,
			count(DISTINCT target) FILTER (WHERE NOT routine) AS n_nr
		FROM win GROUP BY src_ip, user, day)
	GROUP BY src_ip, user
),
-- Failure-then-success: the most failures of the pair within :fts_within_ms before one of its successes.
fts AS (
	SELECT src_ip, user, max(fails_before) AS fails_before
	FROM (
		SELECT src_ip, user, outcome,
			count(*) FILTER (WHERE outcome = 'failure') OVER (
				PARTITION BY src_ip, user ORDER BY ts
				RANGE BETWEEN :fts_within_ms PRECEDING AND CURRENT ROW) AS fails_before
		FROM win
		-- only pairs that could qualify: enough failures and a success
		WHERE (src_ip, user) IN (SELECT src_ip, user FROM groups WHERE failed >= :fts_min_failures AND success > 0))
	WHERE outcome = 'success'
	GROUP BY src_ip, user
),
-- Spray: failures for known accounts (ones that log on successfully somewhere in the hunted
-- range) and, for each, how many different known accounts the same source failed for within
-- :spray_within_ms either side. Internet scanners guess names (admin, test, oracle) that do
-- not exist here, so they do not make a spray.
known_users AS MATERIALIZED (SELECT DISTINCT user_l FROM user_days),
known_failures AS MATERIALIZED (
	SELECT w.id, w.src_ip, w.user, w.user_l, w.ts
	FROM win w JOIN known_users k ON k.user_l = w.user_l
	WHERE w.outcome = 'failure'
),
spray AS (
	SELECT src_ip, user, max(users) AS users_failed
	FROM (
		SELECT a.src_ip, a.user, a.id, count(DISTINCT b.user_l) AS users
		FROM known_failures a
		JOIN known_failures b ON b.src_ip = a.src_ip AND b.ts BETWEEN a.ts - :spray_within_ms AND a.ts + :spray_within_ms
		GROUP BY a.id)
	GROUP BY src_ip, user
),
-- Novelty, from successful logons only (a failure gains no access; failures have their own
-- signals): source->target and user->target pairs, and the source->user pair itself, never
-- seen in the baseline period. The baseline's pairs are listed once and anti-joined.
win_ok AS MATERIALIZED (SELECT * FROM win WHERE outcome = 'success'),
bl_st AS MATERIALIZED (SELECT DISTINCT src_ip, target FROM bl WHERE target IS NOT NULL),
bl_ut AS MATERIALIZED (SELECT DISTINCT user_l, target FROM bl WHERE target IS NOT NULL),
bl_pair AS MATERIALIZED (SELECT DISTINCT src_ip, user_l FROM bl),
-- How many accounts each source served: in the baseline (any outcome; 0 = never seen as a
-- source), and with successful logons over the whole hunted range (many = a shared machine:
-- a VDI desktop, a jump server, a terminal server).
src_users AS MATERIALIZED (
	SELECT src_ip,
		count(DISTINCT CASE WHEN ts < :since THEN user_l END) AS bl_users,
		count(DISTINCT CASE WHEN outcome = 'success' THEN user_l END) AS users
	FROM base GROUP BY src_ip
),
novel_st AS (
	SELECT w.src_ip, w.user, count(DISTINCT w.target) AS n
	FROM win_ok w
	LEFT JOIN bl_st b ON b.src_ip = w.src_ip AND b.target = w.target
	WHERE w.target IS NOT NULL AND b.src_ip IS NULL
	GROUP BY w.src_ip, w.user
),
novel_ut AS (
	SELECT w.src_ip, w.user, count(DISTINCT w.target) AS n
	FROM win_ok w
	LEFT JOIN bl_ut b ON b.user_l = w.user_l AND b.target = w.target
	WHERE w.target IS NOT NULL AND b.user_l IS NULL
	GROUP BY w.src_ip, w.user
),
new_pair AS (
	SELECT DISTINCT w.src_ip, w.user
	FROM win_ok w
	LEFT JOIN bl_pair b ON b.src_ip = w.src_ip AND b.user_l = w.user_l
	WHERE b.src_ip IS NULL
),
-- Hop chains (A -> B -> C): an account logs on successfully to host B from elsewhere, then
-- within :hop_within_ms the same account logs on from B to a target B never reached in the
-- baseline. B is known by address (dst_ip, or an address as target) or by a host name seen with
-- its address. Hops through machines that are there to relay are not chains: B must have
-- served fewer than :novel_shared_users accounts (not a VDI desktop or terminal server), and
-- must not have relayed an account the same way in the baseline (not a jump server).
candidates AS MATERIALIZED (
	SELECT g.src_ip AS ip FROM (SELECT DISTINCT src_ip FROM groups) g
	JOIN src_users s ON s.src_ip = g.src_ip
	WHERE s.users < :novel_shared_users
),
-- How a candidate is named in the target column: its address itself, or a host name seen with
-- it (the workstation name of logons sent from it; a destination logged with name and address),
-- by host_label: lower case, without a domain (HOSTF.corp.local as a target is HOSTF sending).
names AS MATERIALIZED (
	SELECT host_label(ip) AS name, ip FROM candidates
	UNION
	SELECT host_label(src_host), src_ip FROM base
	WHERE src_host IS NOT NULL AND src_host NOT IN ('', '-') AND src_ip IN candidates
	UNION
	SELECT host_label(target), dst_ip FROM base
	WHERE dst_ip IS NOT NULL AND target IS NOT NULL AND target <> dst_ip AND dst_ip IN candidates
),
-- Every successful logon into a candidate (ip), over the whole hunted range: by name or by dst_ip.
inbound AS MATERIALIZED (
	SELECT * FROM (
		SELECT n.ip, x.src_ip AS from_ip, x.user AS from_user, x.user_l, x.target AS via, x.ts
		FROM base x JOIN names n ON n.name = host_label(x.target)
		WHERE x.outcome = 'success'
		UNION ALL
		SELECT x.dst_ip, x.src_ip, x.user, x.user_l, x.target, x.ts
		FROM base x
		WHERE x.outcome = 'success' AND x.dst_ip IN candidates AND host_label(x.target) NOT IN (SELECT name FROM names))
	WHERE from_ip <> ip
),
-- Candidates that relayed an account in the baseline: logged on to, then left by that account.
bl_relays AS MATERIALIZED (
	SELECT DISTINCT x.ip
	FROM inbound x
	JOIN bl o ON o.src_ip = x.ip AND o.user_l = x.user_l AND o.outcome = 'success'
		AND o.ts > x.ts AND o.ts <= x.ts + :hop_within_ms
	WHERE x.ts < :since
),
onward AS MATERIALIZED (
	SELECT w.src_ip, w.user, w.user_l, w.ts
	FROM win_ok w
	LEFT JOIN bl_st b ON b.src_ip = w.src_ip AND b.target = w.target
	WHERE w.target IS NOT NULL AND b.src_ip IS NULL
		AND w.src_ip IN candidates AND w.src_ip NOT IN bl_relays
),
-- The latest way in before the pair's first move out.
hops AS MATERIALIZED (
	SELECT o.src_ip, o.user, x.from_ip, x.from_user, x.via, x.ts AS hop_ts,
		row_number() OVER (PARTITION BY o.src_ip, o.user ORDER BY o.ts, x.ts DESC) AS rn
	FROM onward o
	JOIN inbound x ON x.ip = o.src_ip AND x.user_l = o.user_l AND x.ts < o.ts AND x.ts >= o.ts - :hop_within_ms
),
facts AS (
	SELECT g.*,
		coalesce(f.fails_before, 0) AS fails_before,
		coalesce(s.users_failed, 0) AS spray_users,
		coalesce(ns.n, 0) AS novel_st,
		coalesce(nu.n, 0) AS novel_ut,
		np.src_ip IS NOT NULL AS new_pair,
		coalesce(su.bl_users, 0) AS source_bl_users,
		coalesce(su.users, 0) AS source_users,
		v.per_hour, v.per_hour_nr,
		sp.per_day, sp.per_day_nr,
		h.from_ip AS hop_from_ip, h.from_user AS hop_from_user, h.via AS hop_via, h.hop_ts
	FROM groups g
	JOIN velocity v ON v.src_ip = g.src_ip AND v.user = g.user
	JOIN spread sp ON sp.src_ip = g.src_ip AND sp.user = g.user
	LEFT JOIN fts f ON f.src_ip = g.src_ip AND f.user = g.user
	LEFT JOIN spray s ON s.src_ip = g.src_ip AND s.user = g.user
	LEFT JOIN novel_st ns ON ns.src_ip = g.src_ip AND ns.user = g.user
	LEFT JOIN novel_ut nu ON nu.src_ip = g.src_ip AND nu.user = g.user
	LEFT JOIN new_pair np ON np.src_ip = g.src_ip AND np.user = g.user
	LEFT JOIN src_users su ON su.src_ip = g.src_ip
	LEFT JOIN hops h ON h.src_ip = g.src_ip AND h.user = g.user AND h.rn = 1
),
tiers AS MATERIALIZED (
	SELECT 'spread' AS kind, json_extract(t.value, '$[0]') AS at, json_extract(t.value, '$[1]') AS points FROM json_each(:spread_tiers) t
	UNION ALL
	SELECT 'velocity', json_extract(t.value, '$[0]'), json_extract(t.value, '$[1]') FROM json_each(:velocity_tiers) t
	UNION ALL
	SELECT 'novelty', json_extract(t.value, '$[0]'), json_extract(t.value, '$[1]') FROM json_each(:novel_tiers) t
),
cancels AS MATERIALIZED (SELECT value AS signal FROM json_each(:routine_cancels)),
points AS (
	SELECT *,
		(SELECT coalesce(max(points), 0) FROM tiers WHERE kind = 'spread' AND per_day >= at) AS p_spread,
		(SELECT coalesce(max(points), 0) FROM tiers WHERE kind = 'spread' AND per_day_nr >= at) AS p_spread_nr,
		CASE WHEN privileged THEN :privileged_points ELSE 0 END AS p_privileged,
		CASE WHEN night > 0 THEN :night_points WHEN off_hours > 0 THEN :after_hours_points ELSE 0 END AS p_after_hours,
		CASE WHEN night_nr > 0 THEN :night_points WHEN off_hours_nr > 0 THEN :after_hours_points ELSE 0 END AS p_after_hours_nr,
		CASE WHEN weekend > 0 THEN :weekend_points ELSE 0 END AS p_weekend,
		CASE WHEN weekend_nr > 0 THEN :weekend_points ELSE 0 END AS p_weekend_nr,
		CASE WHEN fails_before >= :fts_min_failures THEN :fts_points ELSE 0 END AS p_fts,
		CASE WHEN spray_users >= :spray_min_users THEN :spray_points ELSE 0 END AS p_spray,
		-- A source never seen before makes all its source->target pairs new: it counts once. A new
		-- user on a shared source is ordinary and scores nothing for the pair itself.
		CASE WHEN new_pair AND source_bl_users = 0 AND source_users < :novel_shared_users THEN :novel_source_points
			ELSE (SELECT coalesce(max(points), 0) FROM tiers WHERE kind = 'novelty' AND novel_st >= at)
				+ CASE WHEN new_pair AND source_users < :novel_shared_users THEN :novel_pair_points ELSE 0 END
			END
			+ CASE WHEN novel_ut >= :novel_user_min THEN :novel_user_points ELSE 0 END AS p_novelty,
		(SELECT coalesce(max(points), 0) FROM tiers WHERE kind = 'velocity' AND per_hour >= at) AS p_velocity,
		(SELECT coalesce(max(points), 0) FROM tiers WHERE kind = 'velocity' AND per_hour_nr >= at) AS p_velocity_nr,
		CASE WHEN hop_from_ip IS NOT NULL THEN :hop_points ELSE 0 END AS p_hop
	FROM facts
),
-- The routine discount takes back what only the routine logons earned: each cancelled signal's
-- points with all logons minus its points without the routine ones.
scored AS (
	SELECT *,
		-(CASE WHEN 'afterHours' IN cancels THEN p_after_hours - p_after_hours_nr ELSE 0 END
			+ CASE WHEN 'weekend' IN cancels THEN p_weekend - p_weekend_nr ELSE 0 END
			+ CASE WHEN 'spread' IN cancels THEN p_spread - p_spread_nr ELSE 0 END
			+ CASE WHEN 'velocity' IN cancels THEN p_velocity - p_velocity_nr ELSE 0 END) AS p_routine
	FROM points
)
SELECT *,
	p_spread + p_privileged + p_after_hours + p_weekend + p_fts + p_spray + p_novelty + p_velocity + p_hop + p_routine AS score
FROM scored
WHERE p_spread + p_privileged + p_after_hours + p_weekend + p_fts + p_spray + p_novelty + p_velocity + p_hop + p_routine >= :min_score
ORDER BY score DESC, last_ts DESC, src_ip, user
LIMIT :limit
