-- 0010-hunt-targets: hunt_days added up over every day, per (src_ip, user, target) and log source
-- kind, so that a seed hunt over every day of the data (logscale's default, qradar's `--window
-- all`) reads one row per pair and target instead of one per day (qradar over all of 1.13M
-- logons: 250 ms of CPU on hunt_days, 100 ms on these rows).
-- Inputs: hunt_days. Creates: hunt_targets, filled from hunt_days, and the two triggers that keep
-- it equal to hunt_days added up over its days, whatever writes hunt_days (source/db/store.ts).
--
-- hours ORs the days' UTC hour masks: a bit says that some day had a logon in that UTC hour, not
-- which day. That answers after-hours alone while every day of the data has the same after-hours
-- mask in the hunt's zone; around a clock change db/queries/hunt-*.sql ask hunt_days about the
-- few pairs it leaves open.

CREATE TABLE hunt_targets (
  src_ip   TEXT    NOT NULL,
  user     TEXT    NOT NULL,
  target   ANY     NOT NULL,  -- as in hunt_days: X'' for none
  wsec     INTEGER NOT NULL,
  logons   INTEGER NOT NULL,
  failed   INTEGER NOT NULL,
  first_ts INTEGER NOT NULL,
  last_ts  INTEGER NOT NULL,
  hours    INTEGER NOT NULL,  -- bit h set: a logon in UTC hour h (0-23) of some day
  PRIMARY KEY (src_ip, user, target, wsec)
) STRICT, WITHOUT ROWID;

-- Key order: one sorted pass over the new table's pages.
INSERT INTO hunt_targets (src_ip, user, target, wsec, logons, failed, first_ts, last_ts, hours)
  SELECT src_ip, user, target, wsec, logons, failed, first_ts, last_ts, hours
  FROM hunt_days WHERE true ORDER BY src_ip, user, target, wsec
  ON CONFLICT DO UPDATE SET logons = logons + excluded.logons, failed = failed + excluded.failed,
    first_ts = min(first_ts, excluded.first_ts), last_ts = max(last_ts, excluded.last_ts), hours = hours | excluded.hours;

-- hunt_days is only ever added to: a new day row, or a day row's counts grown by an upsert (which
-- runs the UPDATE trigger). Its key never changes and no row is deleted.
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
