-- 0017-hunt-day-pairs: hunt_days added up over each pair's targets, per UTC day, (src_ip, user)
-- and log source kind, with the pair's targets of the day kept as the JSON array the seed hunts
-- print. qradar's default window (24 hours up to the end of a UTC day) reads one row per pair of
-- that day instead of one per pair and target, and groups nothing (10.4M logons: 43k rows instead
-- of 164k; the hunt's statement 205 -> 123 ms of CPU).
-- Inputs: hunt_days. Creates: hunt_day_pairs, filled from hunt_days.
--
-- A load rebuilds the rows of the (day, src_ip, user) it touched from hunt_days before it commits
-- (finishDataset in source/db/store.ts, with the statements below), so it
-- always equals hunt_days added up.

CREATE TABLE hunt_day_pairs (
  day      INTEGER NOT NULL,  -- floor(ts / 86400000): UTC days since 1970-01-01
  src_ip   TEXT    NOT NULL,
  user     TEXT    NOT NULL,
  wsec     INTEGER NOT NULL,
  logons   INTEGER NOT NULL,
  failed   INTEGER NOT NULL,
  first_ts INTEGER NOT NULL,
  last_ts  INTEGER NOT NULL,
  hours    INTEGER NOT NULL,  -- bit h set: a logon in UTC hour h (0-23) of the day, to some target
  -- The day's distinct targets as spelled (none left out), sorted as SQLite sorts text: what
  -- json_group_array(target ORDER BY target) gives over the pair's rows of hunt_days that day.
  targets  TEXT    NOT NULL,
  PRIMARY KEY (day, src_ip, user, wsec)
) STRICT, WITHOUT ROWID;

-- In hunt_days' key order, so each row adds to the one just written or follows it: the counts,
-- the hours ORed a target at a time by the upsert, then the names (10.4M logons: 3.0 s and 3.1 s).
INSERT INTO hunt_day_pairs (day, src_ip, user, wsec, logons, failed, first_ts, last_ts, hours, targets)
  SELECT day, src_ip, user, wsec, logons, failed, first_ts, last_ts, hours, '[]'
  FROM hunt_days WHERE true
  ON CONFLICT DO UPDATE SET logons = logons + excluded.logons, failed = failed + excluded.failed,
    first_ts = min(first_ts, excluded.first_ts), last_ts = max(last_ts, excluded.last_ts), hours = hours | excluded.hours;

UPDATE hunt_day_pairs SET targets = (
  SELECT json_group_array(t.target ORDER BY t.target) FILTER (WHERE typeof(t.target) = 'text')
  FROM hunt_days t
  WHERE t.day = hunt_day_pairs.day AND t.src_ip = hunt_day_pairs.src_ip AND t.user = hunt_day_pairs.user
    AND t.wsec = hunt_day_pairs.wsec);
