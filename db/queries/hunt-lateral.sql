-- hunt-lateral: the product's own profile (SPEC 4.3), every weight and threshold a bound parameter
-- taken from the profile file (db/profiles/lateral.json); lists are bound as JSON text.
-- Inputs:  :since, :until     the hunt window, epoch ms, inclusive
--          :base_since        start of the baseline period [base_since, since)
--          :tz                IANA zone for business hours, weekends and days
--          :logon_types       JSON array of logon types that count as remote logons
--          :privileged        JSON array of lower-case substrings that mark privileged names
--          :biz_start, :biz_end, :biz_days   business hours [start, end) and days (0 = Sunday), JSON
--          :spread_tiers, :novel_tiers, :velocity_tiers   JSON [[at least, points], ...]
--          :*_points and thresholds: see the signals section of the profile file
--          :allowlist, :only_entry, :profile, :today   the allowlist switch (see allowlist-sql.ts)
--          :limit, :min_score
-- Output:  one row per (src_ip, user) with totals, targets (JSON), and for every signal its
--          points (p_*) and the facts its one-line detail is written from. score = sum of p_*.
WITH base AS MATERIALIZED (
	SELECT l.id, l.ts, l.outcome, l.src_ip, l.user, l.target, lower(l.target) AS target_l, l.dst_ip, l.src_host,
		local_hour(l.ts, :tz) AS hour,
		local_dow(l.ts, :tz) AS dow,
		local_day(l.ts, :tz) AS day
	FROM logons l
	-- +ts: a scan of the table beats thousands of index lookups when the range is most of it
	WHERE +l.ts >= :base_since AND +l.ts <= :until
		AND l.outcome IN ('success', 'failure')
		AND l.logon_type IN (SELECT value FROM json_each(:logon_types))
		AND l.src_ip IS NOT NULL
		AND l.src_ip NOT IN ('', '-', '127.0.0.1', '0.0.0.0', '::1')
		AND l.user IS NOT NULL AND l.user <> '' AND l.user <> '-'
		AND substr(l.user, -1) <> '$'
		AND upper(l.user) NOT IN ('ANONYMOUS LOGON', 'LOCAL SERVICE', 'NETWORK SERVICE', 'SYSTEM')
		/*ALLOWLIST*/
),
win AS MATERIALIZED (SELECT * FROM base WHERE ts >= :since),
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
		sum(hour < :biz_start OR hour >= :biz_end) AS off_hours,
		sum(dow NOT IN (SELECT value FROM json_each(:biz_days))) AS weekend,
		EXISTS (SELECT 1 FROM json_each(:privileged) p WHERE instr(lower(user), p.value) > 0) AS privileged
	FROM win
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
		FROM win)
	WHERE outcome = 'success'
	GROUP BY src_ip, user
),
-- Spray: one source failing against many different users in the window.
spray AS (
	SELECT src_ip, count(DISTINCT user) AS users_failed
	FROM win WHERE outcome = 'failure'
	GROUP BY src_ip
),
-- Novelty: source->target and user->target pairs never seen in the baseline period. The
-- baseline's pairs are listed once and anti-joined (one index probe per window row).
bl_st AS MATERIALIZED (SELECT DISTINCT src_ip, target FROM bl WHERE target IS NOT NULL),
bl_ut AS MATERIALIZED (SELECT DISTINCT lower(user) AS user_l, target FROM bl WHERE target IS NOT NULL),
novel_st AS (
	SELECT w.src_ip, w.user, count(DISTINCT w.target) AS n
	FROM win w
	LEFT JOIN bl_st b ON b.src_ip = w.src_ip AND b.target = w.target
	WHERE w.target IS NOT NULL AND b.src_ip IS NULL
	GROUP BY w.src_ip, w.user
),
novel_ut AS (
	SELECT w.src_ip, w.user, count(DISTINCT w.target) AS n
	FROM win w
	LEFT JOIN bl_ut b ON b.user_l = lower(w.user) AND b.target = w.target
	WHERE w.target IS NOT NULL AND b.user_l IS NULL
	GROUP BY w.src_ip, w.user
),
-- Velocity: the most distinct targets within one clock hour.
velocity AS (
	SELECT src_ip, user, max(n) AS per_hour
	FROM (SELECT src_ip, user, ts / 3600000 AS bucket, count(DISTINCT target) AS n FROM win GROUP BY src_ip, user, bucket)
	GROUP BY src_ip, user
),
-- Host names known for an address: from workstation names of logons sent from it, and from
-- destinations logged with both name and address.
sources AS MATERIALIZED (SELECT DISTINCT src_ip AS ip FROM groups),
host_ip AS MATERIALIZED (
	SELECT DISTINCT lower(src_host) AS host, src_ip AS ip FROM base
	WHERE src_host IS NOT NULL AND src_host NOT IN ('', '-') AND src_ip IN sources
	UNION
	SELECT DISTINCT lower(target), dst_ip FROM base
	WHERE dst_ip IS NOT NULL AND target IS NOT NULL AND target <> dst_ip AND dst_ip IN sources
),
-- Successful remote logons into an address that is also a source in the window: by address
-- (dst_ip or an address as target) or by a host name known for it.
inbound AS MATERIALIZED (
	SELECT x.dst_ip AS ip, x.src_ip AS from_ip, x.user AS from_user, x.target AS via, x.ts
	FROM base x WHERE x.outcome = 'success' AND x.dst_ip IN sources
	UNION
	SELECT x.target, x.src_ip, x.user, x.target, x.ts
	FROM base x WHERE x.outcome = 'success' AND x.target IN sources
	UNION
	SELECT h.ip, x.src_ip, x.user, x.target, x.ts
	FROM base x JOIN host_ip h ON h.host = x.target_l
	WHERE x.outcome = 'success'
),
-- Hop chains: the pair's source is a host that received a successful remote logon from another
-- source shortly before (within :hop_within_ms before its last move).
hops AS MATERIALIZED (
	SELECT g.src_ip, g.user, x.from_ip, x.from_user, x.via, x.ts AS hop_ts,
		row_number() OVER (PARTITION BY g.src_ip, g.user ORDER BY x.ts DESC) AS rn
	FROM groups g
	JOIN inbound x ON x.ip = g.src_ip
		AND x.from_ip <> g.src_ip
		AND x.ts < g.last_ts
		AND x.ts >= g.first_ts - :hop_within_ms
),
-- Routine: the pair was active at the same local hours on most baseline days.
win_hours AS MATERIALIZED (SELECT DISTINCT src_ip, user, hour FROM win),
routine AS (
	SELECT b.src_ip, b.user, count(DISTINCT b.day) AS days
	FROM bl b
	JOIN win_hours w ON w.src_ip = b.src_ip AND w.user = b.user AND w.hour = b.hour
	GROUP BY b.src_ip, b.user
),
baseline_days AS (SELECT count(DISTINCT day) AS n FROM bl),
facts AS (
	SELECT g.*,
		coalesce(f.fails_before, 0) AS fails_before,
		coalesce(s.users_failed, 0) AS spray_users,
		coalesce(ns.n, 0) AS novel_st,
		coalesce(nu.n, 0) AS novel_ut,
		coalesce(v.per_hour, 0) AS per_hour,
		h.from_ip AS hop_from_ip, h.from_user AS hop_from_user, h.via AS hop_via, h.hop_ts,
		coalesce(r.days, 0) AS routine_days,
		(SELECT n FROM baseline_days) AS baseline_days
	FROM groups g
	LEFT JOIN fts f ON f.src_ip = g.src_ip AND f.user = g.user
	LEFT JOIN spray s ON s.src_ip = g.src_ip
	LEFT JOIN novel_st ns ON ns.src_ip = g.src_ip AND ns.user = g.user
	LEFT JOIN novel_ut nu ON nu.src_ip = g.src_ip AND nu.user = g.user
	LEFT JOIN velocity v ON v.src_ip = g.src_ip AND v.user = g.user
	LEFT JOIN hops h ON h.src_ip = g.src_ip AND h.user = g.user AND h.rn = 1
	LEFT JOIN routine r ON r.src_ip = g.src_ip AND r.user = g.user
),
points AS (
	SELECT *,
		(SELECT coalesce(max(json_extract(t.value, '$[1]')), 0) FROM json_each(:spread_tiers) t WHERE hosts >= json_extract(t.value, '$[0]')) AS p_spread,
		CASE WHEN privileged THEN :privileged_points ELSE 0 END AS p_privileged,
		CASE WHEN off_hours > 0 THEN :after_hours_points ELSE 0 END AS p_after_hours,
		CASE WHEN weekend > 0 THEN :weekend_points ELSE 0 END AS p_weekend,
		CASE WHEN fails_before >= :fts_min_failures THEN :fts_points ELSE 0 END AS p_fts,
		CASE WHEN spray_users >= :spray_min_users THEN :spray_points ELSE 0 END AS p_spray,
		(SELECT coalesce(max(json_extract(t.value, '$[1]')), 0) FROM json_each(:novel_tiers) t WHERE novel_st >= json_extract(t.value, '$[0]'))
			+ CASE WHEN novel_ut >= :novel_user_min THEN :novel_user_points ELSE 0 END AS p_novelty,
		(SELECT coalesce(max(json_extract(t.value, '$[1]')), 0) FROM json_each(:velocity_tiers) t WHERE per_hour >= json_extract(t.value, '$[0]')) AS p_velocity,
		CASE WHEN hop_from_ip IS NOT NULL AND (:hop_requires_novel = 0 OR novel_st > 0) THEN :hop_points ELSE 0 END AS p_hop,
		CASE WHEN baseline_days >= :routine_min_days AND routine_days >= :routine_share * baseline_days THEN :routine_points ELSE 0 END AS p_routine
	FROM facts
)
SELECT *,
	p_spread + p_privileged + p_after_hours + p_weekend + p_fts + p_spray + p_novelty + p_velocity + p_hop + p_routine AS score
FROM points
WHERE p_spread + p_privileged + p_after_hours + p_weekend + p_fts + p_spray + p_novelty + p_velocity + p_hop + p_routine >= :min_score
ORDER BY score DESC, last_ts DESC, src_ip, user
LIMIT :limit
