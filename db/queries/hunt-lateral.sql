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
-- Speed: this reads every logon of the hunted range, so what costs is work per logon: each
-- sort, each lookup and each pass over a million rows. So:
-- - the logons are read once (base), but for the few pairs that could hop, whose moves out are
--   sought by source and time (onward); the zone is asked once per quarter hour that holds
--   logons (quarters, found by walking the ts index), never per logon;
-- - the window's logons are sorted once, by (src_ip, user, day, time), with the routine
--   mark looked up once each (win): the per-pair totals, spread and velocity are then each one
--   pass over win in that order, with no sort of their own;
-- - novelty is looked up per distinct target of a pair, not per logon; the baseline is read
--   once into its distinct (source, account, target) triples (bl_trip);
-- - every CTE read more than once is MATERIALIZED, every lookup an equi-join SQLite answers
--   through an automatic index; no subquery runs per logon (but the allowlist's, when an entry
--   applies).
-- On 1.13M logons about 8-10 s of CPU: reading the logons (base) ~1.5 s, the routine days ~0.5 s
-- (sorting every success by account, day and hour), sorting the window (win) with its routine lookup
-- ~2.5 s, the rest ~4 s. On 10.4M about 70-90 s: base ~16 s, routine days ~6 s, win ~24 s (the
-- routine lookup ~13 s, the sort ~11 s), the hop chain ~15 s, the rest each under ~4 s.
-- Session 23, 10.4M logons, counting each CTE alone (each includes what it reads; runs vary by
-- 5-10 s): base 10.7 s, routine_days 22.9 s, win 46-48 s, pairs 52-59 s, the whole 68-83 s; a
-- perf profile of 1.13M logons: the VDBE itself 25% of the time, B-tree seeks (automatic indexes,
-- DISTINCT) 14%, the sorter ~10%, temporary files ~10%. Nothing stands out: it is the passes.
-- win is kept narrow (no lower(user): it is worked out where needed): the width of what is
-- sorted counts.
-- test/detect/lateral-oracle.test.ts compares the result with the first, plainer formulation
-- (test/detect/lateral-oracle.sql) on generated data in several zones.
WITH RECURSIVE
-- The quarter hours (q = ts / 900000) holding logons in [base_since, until], one ts index seek
-- each. Zone offsets and their changes fall on whole quarter hours, so every logon inside one
-- quarter has the same local hour and day.
quarter_seen(q) AS (
	SELECT (SELECT min(ts) FROM logons WHERE ts >= :base_since AND ts <= :until) / 900000
	UNION ALL
	-- The next logon after quarter q (quarter 0 runs from -899999 to 899999: division truncates).
	SELECT (SELECT min(ts) FROM logons
			WHERE ts > CASE WHEN s.q >= 0 THEN s.q * 900000 + 899999 ELSE s.q * 900000 END AND ts <= :until) / 900000
	FROM quarter_seen s WHERE s.q IS NOT NULL
),
-- Local hour and day of each quarter, and what they mean for the after-hours signals.
quarters AS MATERIALIZED (
	SELECT q, hour, day,
		hour < :biz_start OR hour >= :biz_end AS off,
		CASE WHEN :night_start <= :night_end THEN hour >= :night_start AND hour < :night_end
			ELSE hour >= :night_start OR hour < :night_end END AS night,
		((day + 4) % 7) NOT IN (SELECT value FROM json_each(:biz_days)) AS weekend
	FROM (SELECT q, CAST(local_hour(q * 900000, :tz) AS INTEGER) AS hour, CAST(local_day(q * 900000, :tz) AS INTEGER) AS day
		FROM quarter_seen WHERE q IS NOT NULL)
),
-- The logons the profile counts, at any time: remote logon types, with a source and an account
-- that is a person's or a service's. Read whole by base; onward seeks a few sources' in it.
remote AS NOT MATERIALIZED (
	SELECT l.* FROM logons l
	WHERE l.outcome IN ('success', 'failure')
		AND l.logon_type IN (SELECT value FROM json_each(:logon_types))
		AND l.src_ip IS NOT NULL
		AND l.src_ip NOT IN ('', '-', '127.0.0.1', '0.0.0.0', '::1')
		AND l.user IS NOT NULL AND l.user <> '' AND l.user <> '-'
		AND substr(l.user, -1) <> '$'
		AND upper(l.user) NOT IN ('ANONYMOUS LOGON', 'LOCAL SERVICE', 'NETWORK SERVICE', 'SYSTEM')
		/*ALLOWLIST*/
),
-- The remote logons of the hunted range (baseline and window).
base AS MATERIALIZED (
	SELECT l.id, l.ts, l.outcome = 'success' AS ok, l.src_ip, l.user, lower(l.user) AS user_l, l.target,
		l.dst_ip, l.src_host, q.hour, q.day, q.off, q.night, q.weekend
	FROM remote l
	JOIN quarters q ON q.q = l.ts / 900000
	-- +ts: a scan of the table beats thousands of index lookups when the range is most of it
	WHERE +l.ts >= :base_since AND +l.ts <= :until
),
-- Routine: a successful logon at a local hour at which its account logged on successfully on at
-- least :routine_min_days earlier days, and on at least :routine_share of the earlier days it
-- was active at all. Every earlier day of the hunted range counts, so each day of the window is
-- judged against the days before it. A failure is never routine.
-- One row per (account, day) with routine hours: bit h of mask set for local hour h, so that win
-- looks each logon up by (account, day) in fewer, shorter rows than one per hour (1.13M logons:
-- about 1 s less than a row per (account, day, hour)). The earlier days are counted by
-- routine_hours (source/db/open.ts) in one pass over the account's days in order (10.4M logons:
-- base and the routine days took 22 s of CPU, against 26.5 s with a window function per hour and
-- one per account, each sorting).
routine_days AS MATERIALIZED (
	SELECT user_l, day, mask FROM (
		-- Only a day's own hours are kept: win asks about successes of that day.
		SELECT user_l, day, hours & routine_hours(hours, :routine_min_days, :routine_share) OVER (PARTITION BY user_l ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS mask
		-- Per (account, day) with a successful logon: its local hours with one, as a mask.
		FROM (SELECT user_l, day, sum(1 << hour) AS hours
			FROM (SELECT user_l, day, hour FROM base WHERE ok GROUP BY user_l, day, hour)
			GROUP BY user_l, day))
	WHERE mask <> 0
),
-- The window's logons in (src_ip, user, local day, time) order: every GROUP BY below on a prefix
-- of that order reads win once without sorting.
win AS MATERIALIZED (
	SELECT b.src_ip, b.user, b.day, b.ts, b.ok, b.target, b.off, b.night, b.weekend,
		coalesce((r.mask >> b.hour) & 1, 0) AS routine
	FROM base b
	LEFT JOIN routine_days r ON b.ok AND r.user_l = b.user_l AND r.day = b.day
	WHERE b.ts >= :since
	ORDER BY b.src_ip, b.user, b.day, b.ts
),
-- The baseline period's (source, account, target, success) combinations, and from them the
-- pairs it holds: source->target, user->target, source->user.
bl_trip AS MATERIALIZED (SELECT DISTINCT src_ip, user_l, target, ok FROM base WHERE ts < :since),
bl_st AS MATERIALIZED (SELECT DISTINCT src_ip, target FROM bl_trip WHERE target IS NOT NULL),
bl_ut AS MATERIALIZED (SELECT DISTINCT user_l, target FROM bl_trip WHERE target IS NOT NULL),
bl_pair AS MATERIALIZED (SELECT DISTINCT src_ip, user_l FROM bl_trip),
-- Per (src_ip, user) of the window: totals, the targets (all; and those logged on to
-- successfully, for novelty), the after-hours counts with and without the routine logons.
pairs AS MATERIALIZED (
	SELECT src_ip, user, lower(user) AS user_l,
		min(ts) AS first_ts,
		max(ts) AS last_ts,
		count(*) AS total,
		sum(NOT ok) AS failed,
		sum(ok) AS success,
		json_group_array(DISTINCT target ORDER BY target) FILTER (WHERE target IS NOT NULL) AS targets,
		json_group_array(DISTINCT target) FILTER (WHERE ok AND target IS NOT NULL) AS ok_targets,
		sum(off) AS off_hours,
		sum(off AND NOT routine) AS off_hours_nr,
		sum(night) AS night,
		sum(night AND NOT routine) AS night_nr,
		sum(weekend) AS weekend,
		sum(weekend AND NOT routine) AS weekend_nr,
		sum(routine) AS routine_logons
	FROM win
	GROUP BY src_ip, user
),
groups AS MATERIALIZED (
	SELECT src_ip, user, first_ts, last_ts, total, failed, success, json_array_length(targets) AS hosts, targets,
		off_hours, off_hours_nr, night, night_nr, weekend, weekend_nr, routine_logons,
		EXISTS (SELECT 1 FROM json_each(:privileged) p WHERE instr(lower(user), p.value) > 0) AS privileged
	FROM pairs
),
-- Spread: the most distinct targets within one local day; velocity: within any one hour.
-- Each also without the routine logons (_nr), which is what the routine discount compares.
spread AS (
	SELECT src_ip, user, max(n) AS per_day, max(n_nr) AS per_day_nr
	FROM (SELECT src_ip, user, day,
			count(DISTINCT target) AS n,
			count(DISTINCT target) FILTER (WHERE NOT routine) AS n_nr
		FROM win GROUP BY src_ip, user, day ORDER BY src_ip, user, day)
	GROUP BY src_ip, user
),
-- Velocity: the most distinct targets among the pair's logons within any 60 minutes (both ends
-- included), a sliding hour rather than clock hours, so a fan-out from 09:58 to 10:02 counts whole;
-- worked out by hour_fanout (source/db/open.ts) in one pass over each pair's logons, packed as
-- all * 67108864 + without the routine ones.
velocity AS (
	SELECT src_ip, user, packed / 67108864 AS per_hour, packed % 67108864 AS per_hour_nr
	-- (A JavaScript number comes back as a REAL: CAST for the integer division.)
	FROM (SELECT src_ip, user, CAST(hour_fanout(ts, target, routine, 3600000) AS INTEGER) AS packed
		FROM win
		GROUP BY src_ip, user)
),
-- Failure-then-success: the most failures of the pair within :fts_within_ms before one of its successes.
fts AS (
	SELECT src_ip, user, max(fails_before) AS fails_before
	FROM (
		SELECT src_ip, user, ok,
			count(*) FILTER (WHERE NOT ok) OVER (
				PARTITION BY src_ip, user ORDER BY ts
				RANGE BETWEEN :fts_within_ms PRECEDING AND CURRENT ROW) AS fails_before
		FROM win
		-- only pairs that could qualify: enough failures and a success
		WHERE (src_ip, user) IN (SELECT src_ip, user FROM groups WHERE failed >= :fts_min_failures AND success > 0))
	WHERE ok
	GROUP BY src_ip, user
),
-- Spray: failures for known accounts (ones that log on successfully somewhere in the hunted
-- range) and, for each, how many different known accounts the same source failed for within
-- :spray_within_ms either side. Internet scanners guess names (admin, test, oracle) that do
-- not exist here, so they do not make a spray.
known_users AS MATERIALIZED (
	SELECT user_l FROM bl_trip WHERE ok UNION SELECT user_l FROM pairs WHERE success > 0
),
known_failures AS MATERIALIZED (
	SELECT w.id, w.src_ip, w.user, w.user_l, w.ts
	FROM base w
	WHERE w.ts >= :since AND NOT w.ok AND w.user_l IN known_users
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
-- seen in the baseline period; looked up once per distinct target of a pair.
novel AS (
	SELECT p.src_ip, p.user,
		count(*) FILTER (WHERE st.src_ip IS NULL) AS novel_st,
		count(*) FILTER (WHERE ut.user_l IS NULL) AS novel_ut
	FROM pairs p
	JOIN json_each(p.ok_targets) t
	LEFT JOIN bl_st st ON st.src_ip = p.src_ip AND st.target = t.value
	LEFT JOIN bl_ut ut ON ut.user_l = p.user_l AND ut.target = t.value
	GROUP BY p.src_ip, p.user
),
new_pair AS (
	SELECT p.src_ip, p.user
	FROM pairs p
	LEFT JOIN bl_pair b ON b.src_ip = p.src_ip AND b.user_l = p.user_l
	WHERE p.success > 0 AND b.src_ip IS NULL
),
-- How many accounts each source of the window served: in the baseline (any outcome; 0 = never
-- seen as a source), and with successful logons over the whole hunted range (many = a shared
-- machine: a VDI desktop, a jump server, a terminal server).
src_users AS MATERIALIZED (
	SELECT s.src_ip, coalesce(b.n, 0) AS bl_users, coalesce(u.n, 0) AS users
	FROM (SELECT DISTINCT src_ip FROM pairs) s
	LEFT JOIN (SELECT src_ip, count(DISTINCT user_l) AS n FROM bl_trip GROUP BY src_ip) b ON b.src_ip = s.src_ip
	LEFT JOIN (SELECT src_ip, count(DISTINCT user_l) AS n
		FROM (SELECT src_ip, user_l FROM bl_trip WHERE ok UNION ALL SELECT src_ip, user_l FROM pairs WHERE success > 0)
		GROUP BY src_ip) u ON u.src_ip = s.src_ip
),
-- Hop chains (A -> B -> C): an account logs on successfully to host B from elsewhere, then
-- within :hop_within_ms the same account logs on from B to a target B never reached in the
-- baseline. B is known by address (dst_ip, or an address as target) or by a host name seen with
-- its address. Hops through machines that are there to relay are not chains: B must have
-- served fewer than :novel_shared_users accounts (not a VDI desktop or terminal server), and
-- must not have relayed an account the same way in the baseline (not a jump server).
candidates AS MATERIALIZED (
	SELECT src_ip AS ip FROM src_users WHERE users < :novel_shared_users
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
-- (+ok: a scan with a lookup per logon, not an automatic index over base.)
inbound AS MATERIALIZED (
	SELECT * FROM (
		SELECT n.ip, x.src_ip AS from_ip, x.user AS from_user, x.user_l, x.target AS via, x.ts
		FROM base x JOIN names n ON n.name = host_label(x.target)
		WHERE +x.ok
		UNION ALL
		SELECT x.dst_ip, x.src_ip, x.user, x.user_l, x.target, x.ts
		FROM base x
		WHERE +x.ok AND x.dst_ip IN candidates AND host_label(x.target) NOT IN (SELECT name FROM names))
	WHERE from_ip <> ip
),
-- Candidates that relayed an account in the baseline: logged on to, then left by that account.
bl_out AS MATERIALIZED (
	SELECT src_ip, user_l, ts FROM base
	WHERE ts < :since AND +ok AND src_ip IN candidates
),
bl_relays AS MATERIALIZED (
	SELECT DISTINCT x.ip
	FROM inbound x
	JOIN bl_out o ON o.src_ip = x.ip AND o.user_l = x.user_l
		AND o.ts > x.ts AND o.ts <= x.ts + :hop_within_ms
	WHERE x.ts < :since
),
-- The pairs of the window that could have moved on: from a candidate, with a success, and with
-- a way in to the candidate by the same account. Few (1.13M logons: 2 of 11k pairs), so their
-- moves are sought in the logons by source and time, not picked out of every logon of the window
-- (10.4M logons: 7.6M rows, each asked whether its source is a candidate and its target new).
hop_pairs AS MATERIALIZED (
	SELECT p.src_ip, p.user FROM pairs p
	WHERE p.success > 0 AND p.src_ip IN candidates AND p.src_ip NOT IN bl_relays
		AND EXISTS (SELECT 1 FROM inbound x WHERE x.ip = p.src_ip AND x.user_l = p.user_l)
),
-- Moves out of a candidate to a target it never reached in the baseline.
onward AS MATERIALIZED (
	SELECT l.src_ip, l.user, lower(l.user) AS user_l, l.ts
	FROM hop_pairs h
	-- CROSS: the pairs first (else SQLite reads the window's logons by time for them)
	CROSS JOIN remote l ON l.src_ip = h.src_ip AND l.ts >= :since AND l.ts <= :until AND l.user = h.user
	LEFT JOIN bl_st b ON b.src_ip = l.src_ip AND b.target = l.target
	WHERE l.outcome = 'success' AND l.target IS NOT NULL AND b.src_ip IS NULL
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
		coalesce(nv.novel_st, 0) AS novel_st,
		coalesce(nv.novel_ut, 0) AS novel_ut,
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
	LEFT JOIN novel nv ON nv.src_ip = g.src_ip AND nv.user = g.user
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
-- Materialized: the score, the WHERE and the routine discount below each read every p_*, and
-- without it each reading would run the tier lookups again (seconds over ten thousand pairs).
points AS MATERIALIZED (
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
