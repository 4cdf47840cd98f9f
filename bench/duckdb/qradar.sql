-- The QRadar AQL seed (SPEC 4.1) in DuckDB's SQL over the raw logons, for the bench's DuckDB
-- baseline: the same filter, grouping, score and order as test/detect/plain/hunt-qradar.sql,
-- and the seed's columns (no list of targets: the seed has none; lateral's hunt builds one).
-- The hour is the UTC hour (the bench hunts in UTC); the bench's database has no allowlist entry.
-- Inputs: $since, $until inclusive window in epoch ms, or NULL for none.
WITH base AS (
	SELECT src_ip, "user", target, ts, outcome, (ts // 3600000) % 24 AS hour
	FROM logons
	WHERE outcome IN ('success', 'failure')
		AND logon_type IN (3, 10)
		AND src_ip IS NOT NULL
		AND src_ip NOT IN ('127.0.0.1', '0.0.0.0', '-', '')
		AND "user" IS NOT NULL
		AND lower("user") NOT LIKE '%$'
		AND "user" NOT IN ('ANONYMOUS LOGON', 'LOCAL SERVICE', 'NETWORK SERVICE', '')
		AND (log_source_type IS NULL OR contains(lower(log_source_type), 'windows security'))
		AND ($since IS NULL OR ts >= $since)
		AND ($until IS NULL OR ts <= $until)
),
groups AS (
	SELECT src_ip, "user",
		min(ts) AS first_ts,
		max(ts) AS last_ts,
		count(*) AS total,
		count(*) FILTER (WHERE outcome = 'failure') AS failed,
		count(*) FILTER (WHERE outcome = 'success') AS success,
		count(DISTINCT target) AS hosts,
		max(CASE WHEN contains(lower("user"), 'admin') OR contains(lower("user"), 'svc-')
			OR contains(lower("user"), 'service') OR contains(lower("user"), 'backup') THEN 1 ELSE 0 END) AS privileged4,
		max(CASE WHEN contains(lower("user"), 'admin') OR contains(lower("user"), 'svc-') THEN 1 ELSE 0 END) AS privileged2,
		max(CASE WHEN hour < 6 THEN 1 ELSE 0 END) AS after_hours
	FROM base
	GROUP BY src_ip, "user"
)
SELECT src_ip, "user", first_ts, last_ts, total, failed, success, hosts, privileged4, after_hours, NULL AS targets,
	hosts + privileged2 + after_hours + CASE WHEN 2 * failed > total AND success > 0 THEN 2 ELSE 0 END AS score
FROM groups
WHERE hosts > 1 OR (privileged2 = 1 AND after_hours = 1)
ORDER BY hosts DESC, score DESC, src_ip, "user"
