-- hunt-logscale: the CrowdStrike LogScale CQL seed (seeds/t1021-logscale-cql.txt) as written, SPEC 4.2.
-- Inputs:  the inclusive window [since, until] (none = every logon, the seed's default) split in
--          two by source/detect/seed-days.ts:
--          :days_from, :days_to  the UTC days of the window read from hunt_days (days whose
--                  logons all fall inside the window; none when from > to); :head_from .. :head_to
--                  and :tail_from .. :tail_to  the rest of the window, read from the logons
--          :tz     IANA zone for the after-hours hour
--          :limit  maximum rows (-1 = all; LogScale's sort would keep 200)
--          :allowlist 1 to apply the allowlist, 0 to ignore it; :profile the profile name
--          :target_entries 1 when an allowlist entry that applies names targets (rows without
--                  their target cannot be judged then: source/detect/allowlist-sql.ts)
--          :night_a, :night_b  the after-hours UTC hour masks
--                  of the days :night_a_from .. :night_a_to and :night_b_from .. :night_b_to
--          :every_day 1 when the window holds every day of the data: hunt_pairs (hunt_targets
--                  when an allowlist entry names targets) is read instead of the days and the rest
--                  (both empty then), with :night_all and :night_any the after-hours masks of
--                  those days ANDed and ORed
-- Output:  one row per (src_ip, user) group with the seed's columns (FirstSeen .. SuspicionScore),
--          plus helper columns prefixed with _ (score parts).
-- Quirks kept on purpose: 0.0.0.0, '-' sources and an empty user pass the filter (only a missing
-- field is dropped); the failure ratio is rounded to 2 places (half away from zero, computed in
-- integers as cents) before it is compared with 0.5.
-- The same rows as the seed over the logons alone (test/detect/plain/hunt-logscale.sql; a test
-- compares them).
WITH days AS (
	-- hunt_days holds logon types 3 and 10 with a source and a user only. Its rows of the window's
	-- days are one range of its key (day first), sorted by pair to be grouped; a day's UTC hour
	-- mask tells whether a logon was before 06:00 in :tz (the two longest runs of days with the
	-- same mask bound as values, the rest asked of the zone).
	SELECT l.src_ip, l.user,
		min(l.first_ts) AS first_ts, max(l.last_ts) AS last_ts, sum(l.logons) AS total, sum(l.failed) AS failed,
		json_group_array(DISTINCT l.target ORDER BY l.target) FILTER (WHERE l.target IS NOT NULL) AS targets,
		max((l.hours & CASE WHEN l.day BETWEEN :night_a_from AND :night_a_to THEN :night_a
			WHEN l.day BETWEEN :night_b_from AND :night_b_to THEN :night_b
			ELSE utc_hours_before(l.day, :tz, 6) END) <> 0) AS after_hours
	FROM (SELECT src_ip, user, day, nullif(target, X'') AS target, logons, failed, first_ts, last_ts, hours
		FROM hunt_days) l
	WHERE :days_from <= :days_to AND l.day BETWEEN :days_from AND :days_to
		AND l.src_ip NOT IN ('', '127.0.0.1')
		AND substr(l.user, -1) IS NOT '$'
		AND l.user NOT IN ('ANONYMOUS LOGON', 'LOCAL SERVICE', 'NETWORK SERVICE')
		/*ALLOWLIST*/
	GROUP BY l.src_ip, l.user
),
rest AS (
	SELECT l.src_ip, l.user,
		min(l.ts) AS first_ts, max(l.ts) AS last_ts, count(*) AS total, sum(l.outcome = 'failure') AS failed,
		json_group_array(DISTINCT l.target ORDER BY l.target) FILTER (WHERE l.target IS NOT NULL) AS targets,
		-- The same masks by UTC hour of the logon's day (from 1970 on: integer division truncates).
		max(CASE WHEN l.ts >= 0 AND l.ts / 86400000 BETWEEN :night_a_from AND :night_a_to THEN (:night_a >> (l.ts / 3600000 % 24)) & 1
			WHEN l.ts >= 0 AND l.ts / 86400000 BETWEEN :night_b_from AND :night_b_to THEN (:night_b >> (l.ts / 3600000 % 24)) & 1
			ELSE local_hour(l.ts, :tz) < 6 END) AS after_hours
	FROM logons l
	WHERE l.outcome IN ('success', 'failure')
		AND l.logon_type IN (3, 10)
		AND l.src_ip IS NOT NULL
		AND l.src_ip NOT IN ('', '127.0.0.1')
		AND l.user IS NOT NULL
		AND substr(l.user, -1) IS NOT '$'
		AND l.user NOT IN ('ANONYMOUS LOGON', 'LOCAL SERVICE', 'NETWORK SERVICE')
		-- Two ranges on ts, so that the ts index serves them.
		AND (l.ts BETWEEN :head_from AND :head_to OR l.ts BETWEEN :tail_from AND :tail_to)
		/*ALLOWLIST*/
	GROUP BY l.src_ip, l.user
),
-- A (src_ip, user) group from the days, the rest of the window, or both: its targets are the union
-- of both parts' (JSON arrays of distinct names, sorted).
parts AS (
	SELECT src_ip, user, min(first_ts) AS first_ts, max(last_ts) AS last_ts, sum(total) AS total, sum(failed) AS failed,
		min(targets) AS t1, max(targets) AS t2, max(after_hours) AS after_hours
	FROM (SELECT * FROM days UNION ALL SELECT * FROM rest)
	GROUP BY src_ip, user
),
merged AS (
	SELECT *,
		CASE WHEN t1 = t2 THEN t1 ELSE (SELECT json_group_array(value ORDER BY value)
			FROM (SELECT value FROM json_each(p.t1) UNION SELECT value FROM json_each(p.t2))) END AS targets
	FROM parts p
),
-- A window over every day of the data (the days and rest above empty): a row per pair and log
-- source kind from hunt_pairs (both kinds' targets merged as above), or per pair and target from
-- hunt_targets when an allowlist entry matches on the target. Its hour mask ORs the days': a pair
-- logged on after hours when one of its targets has an hour that is before 06:00 in :tz on every
-- day of the data (:night_all), and did not when none has one that is on any day (:night_any);
-- between the two (a clock change), hunt_days says: the pairs with such an hour on some day, read
-- once, when the first pair needs them.
pair_kinds AS (
	SELECT l.src_ip, l.user,
		min(l.first_ts) AS first_ts, max(l.last_ts) AS last_ts, sum(l.logons) AS total, sum(l.failed) AS failed,
		min(l.targets) AS t1, max(l.targets) AS t2,
		max((l.hours & :night_all) <> 0) AS after_sure, max((l.hours & :night_any) <> 0) AS after_maybe
	FROM (SELECT src_ip, user, NULL AS target, wsec, logons, failed, first_ts, last_ts, hours, targets
		FROM hunt_pairs) l
	WHERE :every_day = 1 AND NOT :target_entries
		/*ALLOWLIST*/
	GROUP BY l.src_ip, l.user
),
every_day_pairs AS MATERIALIZED (
	SELECT src_ip, user, first_ts, last_ts, total, failed,
		CASE WHEN t1 = t2 THEN t1 ELSE (SELECT json_group_array(value ORDER BY value)
			FROM (SELECT value FROM json_each(p.t1) UNION SELECT value FROM json_each(p.t2))) END AS targets,
		after_sure, after_maybe
	FROM pair_kinds p
	UNION ALL
	SELECT l.src_ip, l.user,
		min(l.first_ts) AS first_ts, max(l.last_ts) AS last_ts, sum(l.logons) AS total, sum(l.failed) AS failed,
		json_group_array(DISTINCT l.target ORDER BY l.target) FILTER (WHERE l.target IS NOT NULL) AS targets,
		max((l.hours & :night_all) <> 0) AS after_sure, max((l.hours & :night_any) <> 0) AS after_maybe
	FROM (SELECT src_ip, user, nullif(target, X'') AS target, wsec, logons, failed, first_ts, last_ts, hours
		FROM hunt_targets) l
	WHERE :every_day = 1 AND :target_entries
		/*ALLOWLIST*/
	GROUP BY l.src_ip, l.user
),
-- The seed's filters on the source and the user hold for all of a pair: asked once per pair
-- (MATERIALIZED: not pushed back down to every target's row).
every_day AS (
	SELECT * FROM every_day_pairs l
	WHERE l.src_ip NOT IN ('', '127.0.0.1')
		AND substr(l.user, -1) IS NOT '$'
		AND l.user NOT IN ('ANONYMOUS LOGON', 'LOCAL SERVICE', 'NETWORK SERVICE')
),
whole AS (
	SELECT src_ip, user, first_ts, last_ts, total, failed, targets, after_hours FROM merged
	UNION ALL
	SELECT src_ip, user, first_ts, last_ts, total, failed, targets,
		CASE WHEN after_sure THEN 1 WHEN NOT after_maybe THEN 0
			ELSE (e.src_ip, e.user) IN (SELECT l.src_ip, l.user
				FROM (SELECT src_ip, user, day, nullif(target, X'') AS target, hours FROM hunt_days) l
				WHERE (l.hours & CASE WHEN l.day BETWEEN :night_a_from AND :night_a_to THEN :night_a
						WHEN l.day BETWEEN :night_b_from AND :night_b_to THEN :night_b
						ELSE utc_hours_before(l.day, :tz, 6) END) <> 0
					/*ALLOWLIST*/) END
	FROM every_day e
),
-- MATERIALIZED: the score, the WHERE, the ORDER BY and the output each read hosts and the name
-- patterns, and SQLite would work each of them out again at every reading (all of 10.4M logons,
-- 140k pairs: each reading of the patterns cost about 80 ms).
groups AS MATERIALIZED (
	SELECT src_ip, user, first_ts, last_ts, total, failed,
		json_array_length(targets) AS hosts,
		targets,
		after_hours,
		instr(lower(user), 'admin') > 0 OR instr(lower(user), 'administrator') > 0
			OR instr(lower(user), 'svc-') > 0 OR instr(lower(user), 'service') > 0
			OR instr(lower(user), 'backup') > 0 AS privileged
	FROM whole
),
scored AS (
	SELECT *,
		(200 * failed + total) / (2 * total) AS ratio_cents,
		CASE WHEN hosts > 3 THEN 2 WHEN hosts > 1 THEN 1 ELSE 0 END AS spread_points
	FROM groups
),
final AS (
	SELECT *,
		CASE WHEN ratio_cents > 50 AND total - failed > 0 THEN 2 ELSE 0 END AS failure_points
	FROM scored
)
SELECT
	first_ts AS FirstSeen,
	last_ts AS LastSeen,
	src_ip AS RemoteAddressIP4,
	user AS TargetUserName,
	hosts AS UniqueTargetHosts,
	targets AS TargetHosts,
	total AS TotalLogons,
	failed AS FailedLogons,
	ratio_cents / 100.0 AS FailedRatio,
	after_hours AS AnyAfterHours,
	privileged AS AnyPrivileged,
	after_hours + privileged + spread_points + failure_points AS SuspicionScore,
	spread_points AS _spread_points,
	failure_points AS _failure_points
FROM final
WHERE after_hours + privileged + spread_points + failure_points >= 2 OR hosts > 3
ORDER BY SuspicionScore DESC, RemoteAddressIP4, TargetUserName
LIMIT :limit
