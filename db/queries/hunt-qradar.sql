-- hunt-qradar: the QRadar AQL seed (seeds/t1021-qradar-aql.txt) as written, SPEC 4.1.
-- Inputs:  the inclusive window [since, until] (none = every logon) split in two by
--          source/detect/seed-days.ts:
--          :days_from, :days_to  the UTC days of the window read from hunt_days (days whose
--                  logons all fall inside the window; none when from > to; one day from
--                  hunt_day_pairs unless an allowlist entry names targets); :head_from .. :head_to
--                  and :tail_from .. :tail_to  the rest of the window, read from the logons
--          :tz     IANA zone for the after-hours hour and the formatted times
--          :limit  maximum rows (-1 = all)
--          :allowlist 1 to apply the allowlist, 0 to ignore it; :profile the profile name
--          :target_entries 1 when an allowlist entry that applies names targets (rows without
--                  their target cannot be judged then: source/detect/allowlist-sql.ts)
--          :night_a, :night_b  the after-hours UTC hour masks
--                  of the days :night_a_from .. :night_a_to and :night_b_from .. :night_b_to
--          :every_day 1 when the window holds every day of the data: hunt_pairs (hunt_targets
--                  when an allowlist entry names targets) is read instead of the days and the rest
--                  (both empty then), with :night_all and :night_any the after-hours masks of
--                  those days ANDed and ORed
-- Output:  one row per (src_ip, user) group with the seed's columns (source_ip .. suspicion_score),
--          plus helper columns prefixed with _ (epoch times, score parts, targets as JSON).
--          first_seen and last_seen are _first_ts and _last_ts written in :tz by the caller
--          (source/detect/hunt.ts): strings made in a JavaScript function and handed back through
--          SQLite cost twice (the 140k rows of hunt_pairs of 10.4M logons read with two such
--          columns: 716 ms, without them 481 ms).
-- Quirks kept on purpose: is_privileged uses four name patterns, the score and HAVING use two;
-- the failure ratio is compared unrounded (2 * failed > total is failed / total > 0.5 exactly).
-- The same rows as the seed over the logons alone (test/detect/plain/hunt-qradar.sql; a test
-- compares them).
WITH day_rows AS NOT MATERIALIZED (
	-- hunt_days holds logon types 3 and 10 with a source and a user only. Its rows of the window's
	-- days are one range of its key (day first); a day's UTC hour mask tells whether a logon was
	-- before 06:00 in :tz (the two longest runs of days with the same mask bound as values, the
	-- rest asked of the zone).
	SELECT l.src_ip, l.user, l.day, l.target, l.logons, l.failed, l.first_ts, l.last_ts,
		(l.hours & CASE WHEN l.day BETWEEN :night_a_from AND :night_a_to THEN :night_a
			WHEN l.day BETWEEN :night_b_from AND :night_b_to THEN :night_b
			ELSE utc_hours_before(l.day, :tz, 6) END) <> 0 AS after_hours
	FROM (SELECT src_ip, user, day, nullif(target, X'') AS target, wsec, logons, failed, first_ts, last_ts, hours
		FROM hunt_days) l
	WHERE l.day BETWEEN :days_from AND :days_to
		AND l.wsec = 1
		AND l.src_ip NOT IN ('127.0.0.1', '0.0.0.0', '-', '')
		AND lower(l.user) NOT LIKE '%$'
		AND l.user NOT IN ('ANONYMOUS LOGON', 'LOCAL SERVICE', 'NETWORK SERVICE', '')
		/*ALLOWLIST*/
),
days AS (
	-- One day (the default window, 24 hours up to the end of a day): its pairs' rows of
	-- hunt_day_pairs, one per pair with its targets, in key order; nothing is grouped (10.4M logons:
	-- 43k rows instead of the day's 164,566 rows of hunt_days, the statement 205 -> 123 ms of CPU).
	SELECT l.src_ip, l.user, l.first_ts, l.last_ts, l.logons AS total, l.failed, l.targets,
		(l.hours & CASE WHEN l.day BETWEEN :night_a_from AND :night_a_to THEN :night_a
			WHEN l.day BETWEEN :night_b_from AND :night_b_to THEN :night_b
			ELSE utc_hours_before(l.day, :tz, 6) END) <> 0 AS after_hours
	FROM (SELECT day, src_ip, user, NULL AS target, wsec, logons, failed, first_ts, last_ts, hours, targets
		FROM hunt_day_pairs) l
	WHERE :days_from = :days_to AND NOT :target_entries AND l.day = :days_from
		AND l.wsec = 1
		AND l.src_ip NOT IN ('127.0.0.1', '0.0.0.0', '-', '')
		AND lower(l.user) NOT LIKE '%$'
		AND l.user NOT IN ('ANONYMOUS LOGON', 'LOCAL SERVICE', 'NETWORK SERVICE', '')
		/*ALLOWLIST*/
	UNION ALL
	-- One day, when an allowlist entry names targets (which rows without their target cannot be
	-- judged by): its rows of hunt_days. day = one value puts them in key order, (src_ip, user,
	-- target), so each pair's are grouped as they come and, with wsec fixed, its targets come
	-- distinct and sorted; nothing is sorted.
	SELECT src_ip, user, min(first_ts) AS first_ts, max(last_ts) AS last_ts, sum(logons) AS total, sum(failed) AS failed,
		json_group_array(target) FILTER (WHERE target IS NOT NULL) AS targets, max(after_hours) AS after_hours
	FROM day_rows
	WHERE :days_from = :days_to AND :target_entries AND day = :days_from
	GROUP BY src_ip, user
	UNION ALL
	-- Several days: sorted by pair to be grouped.
	SELECT src_ip, user, min(first_ts), max(last_ts), sum(logons), sum(failed),
		json_group_array(DISTINCT target ORDER BY target) FILTER (WHERE target IS NOT NULL), max(after_hours)
	FROM day_rows
	WHERE :days_from < :days_to
	GROUP BY src_ip, user
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
		AND l.src_ip NOT IN ('127.0.0.1', '0.0.0.0', '-', '')
		AND l.user IS NOT NULL
		AND lower(l.user) NOT LIKE '%$'
		AND l.user NOT IN ('ANONYMOUS LOGON', 'LOCAL SERVICE', 'NETWORK SERVICE', '')
		AND (l.log_source_type IS NULL OR instr(lower(l.log_source_type), 'windows security') > 0)
		-- Two ranges on ts, so that the ts index serves them.
		AND (l.ts BETWEEN :head_from AND :head_to OR l.ts BETWEEN :tail_from AND :tail_to)
		/*ALLOWLIST*/
	GROUP BY l.src_ip, l.user
),
-- A (src_ip, user) group from the days, the rest of the window, or both. The days' groups look
-- up the rest's (a few, or none: the part of a day a window starts or ends in) through an
-- automatic index, and the rest's alone are found the same way in the days', so neither is sorted
-- again (a GROUP BY over both: 260 ms for the statement over a day of 10.4M logons, 215 ms so). A
-- pair in both has the union of both parts' targets (JSON arrays of distinct names, sorted).
merged AS (
	SELECT d.src_ip, d.user,
		-- min and max of two values are NULL when one is; the coalesce takes the other then.
		coalesce(min(d.first_ts, r.first_ts), d.first_ts) AS first_ts,
		coalesce(max(d.last_ts, r.last_ts), d.last_ts) AS last_ts,
		d.total + coalesce(r.total, 0) AS total,
		d.failed + coalesce(r.failed, 0) AS failed,
		CASE WHEN r.src_ip IS NULL OR d.targets = r.targets THEN d.targets
			ELSE (SELECT json_group_array(value ORDER BY value)
				FROM (SELECT value FROM json_each(d.targets) UNION SELECT value FROM json_each(r.targets))) END AS targets,
		max(d.after_hours, coalesce(r.after_hours, 0)) AS after_hours
	FROM days d LEFT JOIN rest r ON r.src_ip = d.src_ip AND r.user = d.user
	UNION ALL
	SELECT * FROM rest r
	WHERE NOT EXISTS (SELECT 1 FROM days d WHERE d.src_ip = r.src_ip AND d.user = r.user)
),
-- A window over every day of the data (the days and rest above empty): one row per pair from
-- hunt_pairs, or per pair and target from hunt_targets when an allowlist entry matches on the
-- target. Its hour mask ORs the days': a pair logged on after hours when one of its targets has an
-- hour that is before 06:00 in :tz on every day of the data (:night_all), and did not when none
-- has one that is on any day (:night_any); between the two (a clock change), hunt_days says: the
-- pairs with such an hour on some day, read once, when the first pair needs them.
every_day_pairs AS MATERIALIZED (
	SELECT l.src_ip, l.user, l.first_ts, l.last_ts, l.logons AS total, l.failed, l.targets,
		(l.hours & :night_all) <> 0 AS after_sure, (l.hours & :night_any) <> 0 AS after_maybe
	FROM (SELECT src_ip, user, NULL AS target, wsec, logons, failed, first_ts, last_ts, hours, targets
		FROM hunt_pairs) l
	WHERE :every_day = 1 AND NOT :target_entries
		AND l.wsec = 1
		/*ALLOWLIST*/
	UNION ALL
	SELECT l.src_ip, l.user,
		min(l.first_ts) AS first_ts, max(l.last_ts) AS last_ts, sum(l.logons) AS total, sum(l.failed) AS failed,
		json_group_array(l.target ORDER BY l.target) FILTER (WHERE l.target IS NOT NULL) AS targets,
		max((l.hours & :night_all) <> 0) AS after_sure, max((l.hours & :night_any) <> 0) AS after_maybe
	FROM (SELECT src_ip, user, nullif(target, X'') AS target, wsec, logons, failed, first_ts, last_ts, hours
		FROM hunt_targets) l
	WHERE :every_day = 1 AND :target_entries
		AND l.wsec = 1
		/*ALLOWLIST*/
	GROUP BY l.src_ip, l.user
),
-- The seed's filters on the source and the user hold for all of a pair: asked once per pair
-- (MATERIALIZED: not pushed back down to every target's row).
every_day AS (
	SELECT * FROM every_day_pairs l
	WHERE l.src_ip NOT IN ('127.0.0.1', '0.0.0.0', '-', '')
		AND lower(l.user) NOT LIKE '%$'
		AND l.user NOT IN ('ANONYMOUS LOGON', 'LOCAL SERVICE', 'NETWORK SERVICE', '')
),
whole AS (
	SELECT src_ip, user, first_ts, last_ts, total, failed, targets, after_hours FROM merged
	UNION ALL
	SELECT src_ip, user, first_ts, last_ts, total, failed, targets,
		CASE WHEN after_sure THEN 1 WHEN NOT after_maybe THEN 0
			ELSE (e.src_ip, e.user) IN (SELECT l.src_ip, l.user
				FROM (SELECT src_ip, user, day, nullif(target, X'') AS target, wsec, hours FROM hunt_days) l
				WHERE (l.hours & CASE WHEN l.day BETWEEN :night_a_from AND :night_a_to THEN :night_a
						WHEN l.day BETWEEN :night_b_from AND :night_b_to THEN :night_b
						ELSE utc_hours_before(l.day, :tz, 6) END) <> 0 AND l.wsec = 1
					/*ALLOWLIST*/) END
	FROM every_day e
),
-- MATERIALIZED: the score, the WHERE, the ORDER BY and the output each read hosts and the name
-- patterns, and SQLite would work each of them out again at every reading (all of 10.4M logons,
-- 140k pairs: each reading of the patterns cost about 80 ms).
groups AS MATERIALIZED (
	SELECT src_ip, user, first_ts, last_ts, total, failed, total - failed AS success,
		json_array_length(targets) AS hosts,
		targets,
		instr(lower(user), 'admin') > 0 OR instr(lower(user), 'svc-') > 0
			OR instr(lower(user), 'service') > 0 OR instr(lower(user), 'backup') > 0 AS privileged4,
		instr(lower(user), 'admin') > 0 OR instr(lower(user), 'svc-') > 0 AS privileged2,
		after_hours
	FROM whole
),
scored AS (
	SELECT *,
		CASE WHEN 2 * failed > total AND success > 0 THEN 2 ELSE 0 END AS failure_points
	FROM groups
)
SELECT
	src_ip AS source_ip,
	user AS target_user,
	total AS total_logons,
	failed AS failed_logons,
	success AS success_logons,
	hosts AS unique_target_hosts,
	privileged4 AS is_privileged,
	after_hours AS any_after_hours,
	hosts + privileged2 + after_hours + failure_points AS suspicion_score,
	first_ts AS _first_ts,
	last_ts AS _last_ts,
	targets AS _targets,
	privileged2 AS _privileged_points,
	failure_points AS _failure_points
FROM scored
WHERE hosts > 1 OR (privileged2 = 1 AND after_hours = 1)
ORDER BY unique_target_hosts DESC, suspicion_score DESC, source_ip, target_user
LIMIT :limit
