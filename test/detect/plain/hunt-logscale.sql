-- hunt-logscale: the CrowdStrike LogScale CQL seed (seeds/t1021-logscale-cql.txt) as written, SPEC 4.2.
-- Inputs:  :since, :until  inclusive window, epoch ms (both NULL = no window, the seed's default)
--          :tz     IANA zone for the after-hours hour
--          :limit  maximum rows (-1 = all; LogScale's sort would keep 200)
--          :allowlist 1 to apply the allowlist, 0 to ignore it; :profile the profile name
-- Output:  one row per (src_ip, user) group with the seed's columns (FirstSeen .. SuspicionScore),
--          plus helper columns prefixed with _ (score parts).
-- Quirks kept on purpose: 0.0.0.0, '-' sources and an empty user pass the filter (only a missing
-- field is dropped); the failure ratio is rounded to 2 places (half away from zero, computed in
-- integers as cents) before it is compared with 0.5.
WITH base AS (
	SELECT l.src_ip, l.user, l.target, l.ts, l.outcome,
		local_hour(l.ts, :tz) AS hour
	FROM logons l
	WHERE l.outcome IN ('success', 'failure')
		AND l.logon_type IN (3, 10)
		AND l.src_ip IS NOT NULL
		AND l.src_ip NOT IN ('', '127.0.0.1')
		AND l.user IS NOT NULL
		AND substr(l.user, -1) IS NOT '$'
		AND l.user NOT IN ('ANONYMOUS LOGON', 'LOCAL SERVICE', 'NETWORK SERVICE')
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
		count(DISTINCT target) AS hosts,
		json_group_array(DISTINCT target ORDER BY target) FILTER (WHERE target IS NOT NULL) AS targets,
		max(hour < 6) AS after_hours,
		max(instr(lower(user), 'admin') > 0 OR instr(lower(user), 'administrator') > 0
			OR instr(lower(user), 'svc-') > 0 OR instr(lower(user), 'service') > 0
			OR instr(lower(user), 'backup') > 0) AS privileged
	FROM base
	GROUP BY src_ip, user
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
