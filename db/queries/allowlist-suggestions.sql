-- allowlist-suggestions: infrastructure that looks like the seeds' false-positive classes.
-- Inputs:  :tz           zone for "night" (hours < :night_end)
--          :vdi_users, :vdi_hosts        a VDI broker: RDP (type 10) for at least this many users to this many hosts
--          :sweep_share, :sweep_min      a sweep: one account from one source to at least this share of all
--                                         targets (and at least :sweep_min hosts), mostly at night, on :min_days days
--          :jump_users, :jump_hosts      a jump server: RDP in from this many users, onward to this many hosts
--          :dc_share                     a domain controller: targets logged on to from this share of all sources
--          :min_days, :night_end
-- Output:  class, src_ip, user, target, users, hosts, days, night_share: one row per suggestion.
WITH remote AS MATERIALIZED (
	SELECT ts, src_ip, user, target, src_host, logon_type, local_hour(ts, :tz) AS hour, local_day(ts, :tz) AS day
	FROM logons
	WHERE outcome = 'success' AND logon_type IN (3, 10)
		AND src_ip IS NOT NULL AND src_ip NOT IN ('', '-', '127.0.0.1', '0.0.0.0')
		AND user IS NOT NULL AND user <> '' AND substr(user, -1) <> '$'
),
all_targets AS (SELECT count(DISTINCT target) AS n FROM remote),
all_sources AS (SELECT count(DISTINCT src_ip) AS n FROM remote),
vdi AS (
	SELECT 'vdi-broker' AS class, src_ip, NULL AS user, NULL AS target,
		count(DISTINCT user) AS users, count(DISTINCT target) AS hosts, count(DISTINCT day) AS days,
		avg(hour < :night_end) AS night_share
	FROM remote WHERE logon_type = 10
	GROUP BY src_ip
	HAVING users >= :vdi_users AND hosts >= :vdi_hosts
),
sweep AS (
	SELECT CASE WHEN instr(lower(user), 'backup') > 0 THEN 'backup' ELSE 'software-distribution' END AS class,
		src_ip, user, NULL AS target,
		1 AS users, count(DISTINCT target) AS hosts, count(DISTINCT day) AS days,
		avg(hour < :night_end) AS night_share
	FROM remote WHERE logon_type = 3
	GROUP BY src_ip, user
	HAVING hosts >= :sweep_min AND hosts >= :sweep_share * (SELECT n FROM all_targets)
		AND days >= :min_days AND night_share >= 0.5
),
-- A jump server: a source (named by one of its workstation names) that the users counted in
-- rdp_in RDP into. The users are counted once per host name, for every host at once, and joined:
-- a subquery per source would read every logon again for each source.
outbound AS (
	SELECT o.src_ip, o.src_host AS host,
		count(DISTINCT o.target) AS hosts, count(DISTINCT o.day) AS days, avg(o.hour < :night_end) AS night_share
	FROM remote o
	WHERE o.src_host IS NOT NULL AND o.src_host NOT IN ('', '-')
	GROUP BY o.src_ip
),
rdp_in AS (
	SELECT lower(target) AS host, count(DISTINCT user) AS users
	FROM remote WHERE logon_type = 10 AND target IS NOT NULL
	GROUP BY lower(target)
),
jump AS (
	SELECT 'jump-server' AS class, o.src_ip, NULL AS user, NULL AS target,
		coalesce(r.users, 0) AS users, o.hosts, o.days, o.night_share
	FROM outbound o
	LEFT JOIN rdp_in r ON r.host = lower(o.host)
	WHERE coalesce(r.users, 0) >= :jump_users AND o.hosts >= :jump_hosts
),
dc AS (
	SELECT 'domain-controller' AS class, NULL AS src_ip, NULL AS user, target,
		count(DISTINCT user) AS users, count(DISTINCT src_ip) AS hosts, count(DISTINCT day) AS days,
		avg(hour < :night_end) AS night_share
	FROM remote
	WHERE target IS NOT NULL
	GROUP BY target
	HAVING count(DISTINCT src_ip) >= :dc_share * (SELECT n FROM all_sources) AND count(DISTINCT src_ip) >= 5
)
SELECT * FROM vdi
UNION ALL SELECT * FROM sweep
UNION ALL SELECT * FROM jump WHERE src_ip NOT IN (SELECT src_ip FROM vdi)
UNION ALL SELECT * FROM dc
ORDER BY class, src_ip, user, target
