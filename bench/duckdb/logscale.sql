-- The CrowdStrike LogScale CQL seed (SPEC 4.2) in DuckDB's SQL over the raw logons, for the
-- bench's DuckDB baseline: the same filter, grouping, score and order as
-- test/detect/plain/hunt-logscale.sql (the failure ratio rounded to whole cents in integers).
-- The hour is the UTC hour (the bench hunts in UTC); the bench's database has no allowlist entry.
-- Inputs: $since, $until inclusive window in epoch ms, or NULL for none.
WITH base AS (
	SELECT src_ip, "user", target, ts, outcome, (ts // 3600000) % 24 AS hour
	FROM logons
	WHERE outcome IN ('success', 'failure')
		AND logon_type IN (3, 10)
		AND src_ip IS NOT NULL
		AND src_ip NOT IN ('', '127.0.0.1')
		AND "user" IS NOT NULL
		AND NOT suffix("user", '$')
		AND "user" NOT IN ('ANONYMOUS LOGON', 'LOCAL SERVICE', 'NETWORK SERVICE')
		AND ($since IS NULL OR ts >= $since)
		AND ($until IS NULL OR ts <= $until)
),
groups AS (
	SELECT src_ip, "user",
		min(ts) AS first_ts,
		max(ts) AS last_ts,
		count(*) AS total,
		count(*) FILTER (WHERE outcome = 'failure') AS failed,
		count(DISTINCT target) AS hosts,
		coalesce(to_json(list_sort(list(DISTINCT target) FILTER (WHERE target IS NOT NULL))), '[]') AS targets,
		max(CASE WHEN hour < 6 THEN 1 ELSE 0 END) AS after_hours,
		-- The seed's five name patterns; 'administrator' contains 'admin', so four tests suffice.
		max(CASE WHEN contains(lower("user"), 'admin') OR contains(lower("user"), 'svc-')
			OR contains(lower("user"), 'service') OR contains(lower("user"), 'backup') THEN 1 ELSE 0 END) AS privileged
	FROM base
	GROUP BY src_ip, "user"
),
scored AS (
	SELECT *,
		after_hours + privileged
			+ CASE WHEN hosts > 3 THEN 2 WHEN hosts > 1 THEN 1 ELSE 0 END
			+ CASE WHEN (200 * failed + total) // (2 * total) > 50 AND total - failed > 0 THEN 2 ELSE 0 END AS score
	FROM groups
)
SELECT src_ip, "user", first_ts, last_ts, total, failed, hosts, targets, score
FROM scored
WHERE score >= 2 OR hosts > 3
ORDER BY score DESC, src_ip, "user"
