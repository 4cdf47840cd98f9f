-- 0013-hunt-pairs: hunt_targets added up over each pair's targets, per (src_ip, user) and log
-- source kind, with the pair's targets kept as the JSON array the seed hunts print. A seed hunt
-- over every day of the data (logscale's default, qradar's `--window all`) reads one row per pair
-- instead of one per pair and target (10.4M logons: 140k rows instead of 1.18M).
-- Inputs: hunt_targets. Creates: hunt_pairs, filled from hunt_targets.
--
-- A load rebuilds the rows of the pairs it touched from hunt_targets before it commits
-- (finishDataset in source/db/store.ts, with the statements at the end of this file), so it
-- always equals hunt_targets added up. Rebuilt at the end rather than kept by triggers on
-- hunt_targets: a load changes hunt_targets a row at a time, millions of times.

CREATE TABLE hunt_pairs (
  src_ip   TEXT    NOT NULL,
  user     TEXT    NOT NULL,
  wsec     INTEGER NOT NULL,
  logons   INTEGER NOT NULL,
  failed   INTEGER NOT NULL,
  first_ts INTEGER NOT NULL,
  last_ts  INTEGER NOT NULL,
  hours    INTEGER NOT NULL,  -- bit h set: a logon in UTC hour h (0-23) of some day, to some target
  -- The distinct targets as spelled (none left out), sorted as SQLite sorts text: what
  -- json_group_array(target ORDER BY target) gives over the pair's rows of hunt_targets.
  targets  TEXT    NOT NULL,
  PRIMARY KEY (src_ip, user, wsec)
) STRICT, WITHOUT ROWID;

-- The same two statements as source/db/store.ts's, over every pair: the counts (hours ORed a
-- target at a time by the upsert: SQLite has no bitwise-or aggregate), then the names.
INSERT INTO hunt_pairs (src_ip, user, wsec, logons, failed, first_ts, last_ts, hours, targets)
  SELECT src_ip, user, wsec, logons, failed, first_ts, last_ts, hours, '[]'
  FROM hunt_targets WHERE true
  ON CONFLICT DO UPDATE SET logons = logons + excluded.logons, failed = failed + excluded.failed,
    first_ts = min(first_ts, excluded.first_ts), last_ts = max(last_ts, excluded.last_ts), hours = hours | excluded.hours;

UPDATE hunt_pairs SET targets = (
  SELECT json_group_array(t.target ORDER BY t.target) FILTER (WHERE typeof(t.target) = 'text')
  FROM hunt_targets t
  WHERE t.src_ip = hunt_pairs.src_ip AND t.user = hunt_pairs.user AND t.wsec = hunt_pairs.wsec);
