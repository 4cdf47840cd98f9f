-- hunt-qradar: the QRadar AQL seed (seeds/t1021-qradar-aql.txt) as written, SPEC 4.1.
-- Inputs:  :since  inclusive window start, epoch ms (NULL = no window)
--          :until  inclusive window end ("now"), epoch ms (NULL = no window)
--          :tz     IANA zone for the after-hours hour and the formatted times
--          :limit  maximum rows (-1 = all)
--          :allowlist 1 to apply the allowlist, 0 to ignore it; :profile the profile name
--          :days_from, :days_to  the whole UTC days of the window read from hunt_days (none when
--                  from > to); :head_from .. :head_to and :tail_from .. :tail_to  the rest of the
--                  window, read from the logons (source/detect/seed-days.ts works them out)
-- Output:  one row per (src_ip, user) group with the seed's columns (first_seen .. suspicion_score),
--          plus helper columns prefixed with _ (epoch times, score parts, targets as JSON).
-- Quirks kept on purpose: is_privileged uses four name patterns, the score and HAVING use two;
-- the failure ratio is compared unrounded (2 * failed > total is failed / total > 0.5 exactly).
-- The same rows as the seed over the logons alone (test/detect/plain/hunt-qradar.sql; a test
-- compares them): a day's row counts its logons, and its UTC hours tell whether one of them was
-- before 06:00 in :tz.
WITH base AS (
	SELECT l.src_ip, l.user, l.target, l.logons AS n, l.failed, l.first_ts, l.last_ts,
		(l.hours & utc_hours_before(l.day, :tz, 6)) <> 0 AS night
	FROM (SELECT src_ip, user, day, nullif(target, X'') AS target, wsec, logons, failed, first_ts, last_ts, hours
		FROM hunt_days) l
	-- hunt_days holds logon types 3 and 10 with a source and a user only.
	WHERE :days_from <= :days_to AND l.day BETWEEN :days_from AND :days_to
		AND l.wsec = 1
		AND l.src_ip NOT IN ('127.0.0.1', '0.0.0.0', '-', '')
		AND lower(l.user) NOT LIKE '%$'
		AND l.user NOT IN ('ANONYMOUS LOGON', 'LOCAL SERVICE', 'NETWORK SERVICE', '')
		/*ALLOWLIST*/
	UNION ALL
	SELECT l.src_ip, l.user, l.target, 1, l.outcome = 'failure', l.ts, l.ts,
		local_hour(l.ts, :tz) < 6
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
),
groups AS (
	SELECT src_ip, user,
		min(first_ts) AS first_ts,
		max(last_ts) AS last_ts,
		sum(n) AS total,
		sum(failed) AS failed,
		sum(n) - sum(failed) AS success,
		count(DISTINCT target) AS hosts,
		json_group_array(DISTINCT target ORDER BY target) FILTER (WHERE target IS NOT NULL) AS targets,
		max(instr(lower(user), 'admin') > 0 OR instr(lower(user), 'svc-') > 0
			OR instr(lower(user), 'service') > 0 OR instr(lower(user), 'backup') > 0) AS privileged4,
		max(instr(lower(user), 'admin') > 0 OR instr(lower(user), 'svc-') > 0) AS privileged2,
		max(night) AS after_hours
	FROM base
	GROUP BY src_ip, user
),
scored AS (
	SELECT *,
		CASE WHEN 2 * failed > total AND success > 0 THEN 2 ELSE 0 END AS failure_points
	FROM groups
)
SELECT
	local_time(first_ts, :tz) AS first_seen,
	local_time(last_ts, :tz) AS last_seen,
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
