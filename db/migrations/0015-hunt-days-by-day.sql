-- 0015-hunt-days-by-day: hunt_days keyed by day first, so that a seed hunt's whole days are one
-- range of its rows instead of a pass over all of them.
-- Inputs: hunt_days. Changes: hunt_days gets the key (day, src_ip, user, target, wsec), its rows
-- and triggers unchanged (the triggers are those of 0010, made again with the table).
--
-- qradar's default window, 24 hours, reads one or two UTC days of hunt_days: of 10.4M generated
-- logons (3.1M day rows over 24 days), the one day of 164,566 rows. Keyed by pair first, the day's
-- rows were found by reading all 3.1M: 345 ms of CPU for the days part, 200 ms keyed by day (its
-- rows are then sorted by pair to be grouped). What asked hunt_days by pair (the after-hours of a
-- pair around a clock change, db/queries/hunt-*.sql) reads it once instead.

CREATE TABLE hunt_days_by_day (
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
  PRIMARY KEY (day, src_ip, user, target, wsec)
) STRICT, WITHOUT ROWID;

-- Key order: one sorted pass over the new table's pages.
INSERT INTO hunt_days_by_day (src_ip, user, day, target, wsec, logons, failed, first_ts, last_ts, hours)
  SELECT src_ip, user, day, target, wsec, logons, failed, first_ts, last_ts, hours
  FROM hunt_days ORDER BY day, src_ip, user, target, wsec;

DROP TABLE hunt_days;
ALTER TABLE hunt_days_by_day RENAME TO hunt_days;

-- As in 0010: hunt_targets is hunt_days added up over its days.
CREATE TRIGGER hunt_days_added AFTER INSERT ON hunt_days BEGIN
  INSERT INTO hunt_targets (src_ip, user, target, wsec, logons, failed, first_ts, last_ts, hours)
    VALUES (new.src_ip, new.user, new.target, new.wsec, new.logons, new.failed, new.first_ts, new.last_ts, new.hours)
    ON CONFLICT DO UPDATE SET logons = logons + excluded.logons, failed = failed + excluded.failed,
      first_ts = min(first_ts, excluded.first_ts), last_ts = max(last_ts, excluded.last_ts), hours = hours | excluded.hours;
END;

CREATE TRIGGER hunt_days_grown AFTER UPDATE ON hunt_days BEGIN
  UPDATE hunt_targets SET logons = logons + new.logons - old.logons, failed = failed + new.failed - old.failed,
    first_ts = min(first_ts, new.first_ts), last_ts = max(last_ts, new.last_ts), hours = hours | new.hours
  WHERE src_ip = new.src_ip AND user = new.user AND target = new.target AND wsec = new.wsec;
END;
