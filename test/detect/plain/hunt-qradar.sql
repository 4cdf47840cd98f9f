-- hunt-qradar: the QRadar AQL seed (seeds/t1021-qradar-aql.txt) as written, SPEC 4.1.
-- Inputs:  :since  inclusive window start, epoch ms (NULL = no window)
--          :until  inclusive window end ("now"), epoch ms (NULL = no window)
--          :tz     IANA zone for the after-hours hour and the formatted times
--          :limit  maximum rows (-1 = all)
--          :allowlist 1 to apply the allowlist, 0 to ignore it; :profile the profile name
-- Output:  one row per (src_ip, user) group with the seed's columns (source_ip .. suspicion_score),
--          plus helper columns prefixed with _ (epoch times, score parts, targets as JSON).
--          first_seen and last_seen are _first_ts and _last_ts written in :tz by the caller, as
--          for db/queries/hunt-qradar.sql.
-- Quirks kept on purpose: is_privileged uses four name patterns, the score and HAVING use two;
-- the failure ratio is compared unrounded (2 * failed > total is failed / total > 0.5 exactly).
WITH base AS (
	SELECT l.src_ip, l.user, l.target, l.ts, l.outcome,
		local_hour(l.ts, :tz) AS hour
	FROM logons l
	WHERE l.outcome IN ('success', 'failure')
		AND l.logon_type IN (3, 10)
		AND l.src_ip IS NOT NULL
		AND l.src_ip NOT IN ('127.0.0.1', '0.0.0.0', '-', '')
		AND l.user IS NOT NULL
		AND lower(l.user) NOT LIKE '%$'
		AND l.user NOT IN ('ANONYMOUS LOGON', 'LOCAL SERVICE', 'NETWORK SERVICE', '')
		AND (l.log_source_type IS NULL OR instr(lower(l.log_source_type), 'windows security') > 0)
		-- The window as one range on ts (a missing end is the widest integer) so that the ts index
		-- serves it; "(:since IS NULL OR l.ts >= :since)" could use no index.
		AND l.ts BETWEEN coalesce(:since, -9223372036854775807) AND coalesce(:until, 9223372036854775807)
		/*ALLOWLIST*/
),
groups AS (
	SELECT src_ip, user,
		min(ts) AS first_ts,
		max(ts) AS last_ts,
		count(*) AS total,
		sum(outcome = 'failure') AS failed,
		sum(outcome = 'success') AS success,
		count(DISTINCT target) AS hosts,
		json_group_array(DISTINCT target ORDER BY target) FILTER (WHERE target IS NOT NULL) AS targets,
		max(instr(lower(user), 'admin') > 0 OR instr(lower(user), 'svc-') > 0
			OR instr(lower(user), 'service') > 0 OR instr(lower(user), 'backup') > 0) AS privileged4,
		max(instr(lower(user), 'admin') > 0 OR instr(lower(user), 'svc-') > 0) AS privileged2,
		max(hour < 6) AS after_hours
	FROM base
	GROUP BY src_ip, user
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
