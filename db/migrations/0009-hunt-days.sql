-- 0009-hunt-days: the logons the seed profiles count, totalled per (src_ip, user, target) and UTC
-- day at load time, so that a hunt over days of data reads one row per pair, target and day
-- instead of every logon (qradar over all of 1.13M logons: 3.5 s of CPU on the logons, 0.5 s on
-- these rows).
-- Inputs: logons. Creates: hunt_days, filled from the logons already loaded.
--
-- A load folds its own dataset's logons into it inside its transaction (the bulk writer's running
-- totals, finishDataset for rows written otherwise: source/db/store.ts), so it always equals the
-- GROUP BY below over the logons. db/queries/hunt-qradar.sql and hunt-logscale.sql read it for the
-- whole UTC days inside their window and the logons for the rest (see source/detect/seed-days.ts).

-- Only what both seed profiles keep before their own filters: logon types 3 and 10, a source and a
-- user. Names compare exactly, as the profiles group them.
CREATE TABLE hunt_days (
  src_ip   TEXT    NOT NULL,
  user     TEXT    NOT NULL,
  day      INTEGER NOT NULL,  -- floor(ts / 86400000): UTC days since 1970-01-01
  target   ANY     NOT NULL,  -- the target as spelled; X'' (a blob, equal to no text) for none
  wsec     INTEGER NOT NULL,  -- 1 when log_source_type is missing or contains 'windows security' (ASCII case-folded, as lower() does)
  logons   INTEGER NOT NULL,
  failed   INTEGER NOT NULL,  -- of which failures
  first_ts INTEGER NOT NULL,  -- epoch ms UTC of the earliest
  last_ts  INTEGER NOT NULL,  -- epoch ms UTC of the latest
  hours    INTEGER NOT NULL,  -- bit h set: a logon in UTC hour h (0-23) of the day
  PRIMARY KEY (src_ip, user, day, target, wsec)
) STRICT, WITHOUT ROWID;

-- Integer division truncates toward zero in SQLite: one less for a ts before 1970 off a whole day
-- or hour, so that day and hour are floor(ts / length) as in JavaScript (Math.floor).
INSERT INTO hunt_days (src_ip, user, day, target, wsec, logons, failed, first_ts, last_ts, hours)
  SELECT src_ip, user, day, ifnull(target, X''), wsec, sum(n), sum(f), min(a), max(b), sum(1 << (h - day * 24))
  FROM (
    SELECT src_ip, user, target,
      ts / 86400000 - (ts % 86400000 < 0) AS day,
      ts / 3600000 - (ts % 3600000 < 0) AS h,
      (log_source_type IS NULL OR instr(lower(log_source_type), 'windows security') > 0) AS wsec,
      count(*) AS n, sum(outcome = 'failure') AS f, min(ts) AS a, max(ts) AS b
    FROM logons NOT INDEXED
    WHERE logon_type IN (3, 10) AND src_ip IS NOT NULL AND user IS NOT NULL
    GROUP BY src_ip, user, day, target, wsec, h)
  GROUP BY src_ip, user, day, target, wsec;
