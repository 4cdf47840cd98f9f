-- 0013-hunt-pairs: hunt_targets added up over each pair's targets, per (src_ip, user) and log
-- source kind, with the pair's targets kept as the JSON array the seed hunts print. A seed hunt
-- over every day of the data (logscale's default, qradar's `--window all`) reads one row per pair
-- instead of one per pair and target (10.4M logons: 140k rows instead of 1.18M).
-- Inputs: hunt_targets. Creates: hunt_pairs, filled from hunt_targets, and the two triggers that
-- keep its counts equal to hunt_targets added up, whatever writes hunt_days.
--
-- targets is NULL while a load runs for every pair it touched: a pair's logons to one target may
-- come a row at a time, and a row holding a long array (20,000 targets) is rewritten whole on each
-- update. The load rebuilds them before it commits (finishDataset in source/db/store.ts runs the
-- UPDATE at the end of this file), so outside a load no row has NULL targets.

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
  targets  TEXT,
  PRIMARY KEY (src_ip, user, wsec)
) STRICT, WITHOUT ROWID;

-- The pairs whose targets a load must rebuild (empty outside a load).
CREATE INDEX hunt_pairs_stale ON hunt_pairs (src_ip, user, wsec) WHERE targets IS NULL;

INSERT INTO hunt_pairs (src_ip, user, wsec, logons, failed, first_ts, last_ts, hours, targets)
  SELECT src_ip, user, wsec, logons, failed, first_ts, last_ts, hours, NULL
  FROM hunt_targets WHERE true
  ON CONFLICT DO UPDATE SET logons = logons + excluded.logons, failed = failed + excluded.failed,
    first_ts = min(first_ts, excluded.first_ts), last_ts = max(last_ts, excluded.last_ts), hours = hours | excluded.hours;

-- hunt_targets, like hunt_days, is only ever added to: a new row, or a row's counts grown.
CREATE TRIGGER hunt_targets_added AFTER INSERT ON hunt_targets BEGIN
  INSERT INTO hunt_pairs (src_ip, user, wsec, logons, failed, first_ts, last_ts, hours, targets)
    VALUES (new.src_ip, new.user, new.wsec, new.logons, new.failed, new.first_ts, new.last_ts, new.hours, NULL)
    ON CONFLICT DO UPDATE SET logons = logons + excluded.logons, failed = failed + excluded.failed,
      first_ts = min(first_ts, excluded.first_ts), last_ts = max(last_ts, excluded.last_ts), hours = hours | excluded.hours,
      targets = NULL;
END;

CREATE TRIGGER hunt_targets_grown AFTER UPDATE ON hunt_targets BEGIN
  UPDATE hunt_pairs SET logons = logons + new.logons - old.logons, failed = failed + new.failed - old.failed,
    first_ts = min(first_ts, new.first_ts), last_ts = max(last_ts, new.last_ts), hours = hours | new.hours,
    targets = NULL
  WHERE src_ip = new.src_ip AND user = new.user AND wsec = new.wsec;
END;

-- The rebuild (the same statement as source/db/store.ts's): hunt_targets' key starts with the pair.
UPDATE hunt_pairs SET targets = (
  SELECT json_group_array(t.target ORDER BY t.target) FILTER (WHERE typeof(t.target) = 'text')
  FROM hunt_targets t
  WHERE t.src_ip = hunt_pairs.src_ip AND t.user = hunt_pairs.user AND t.wsec = hunt_pairs.wsec)
WHERE targets IS NULL;
