-- 0008-hour-totals: logons per name and UTC hour kept at load time, so the console's hourly
-- timeline of an entity reads a few hundred rows instead of every logon of it, with two time-zone
-- functions per logon (DC01: ~1M logons at 10M, 5 s).
-- Inputs: logons. Creates: hour_totals, filled from the logons already loaded.
--
-- A load folds its own dataset's logons into it inside its transaction (the bulk writer as it
-- writes, finishDataset for rows written otherwise: source/db/store.ts), so it always equals a
-- GROUP BY over the logons. source/db/pivots.ts maps a UTC hour to the local hour of a zone whose
-- offset is a whole number of hours, constant through that hour; for other zones (Asia/Kolkata)
-- and with a time window the timeline still reads the logons.

-- One row per source, user and target name as spelled (as in entity_totals: compared exactly,
-- NULL names have none) and UTC hour holding logons of it.
CREATE TABLE hour_totals (
  kind   TEXT    NOT NULL CHECK (kind IN ('src', 'user', 'target')),
  value  TEXT    NOT NULL,
  hour   INTEGER NOT NULL,  -- floor(ts / 3600000): hours since 1970-01-01 00:00 UTC
  logons INTEGER NOT NULL,  -- logons of the name in the hour
  failed INTEGER NOT NULL,  -- of which failures
  PRIMARY KEY (kind, value, hour)
) STRICT, WITHOUT ROWID;

-- SQLite's integer division truncates toward zero: one less for a ts before 1970 that is not on a
-- whole hour, so that hour = floor(ts / 3600000) as in JavaScript (Math.floor).
-- NOT INDEXED: a scan in rowid order and one sort is faster than walking logons_src and looking
-- each row up (the hour is not in the index's order anyway).
INSERT INTO hour_totals (kind, value, hour, logons, failed)
  SELECT 'src', src_ip, ts / 3600000 - (ts % 3600000 < 0) AS h, count(*), sum(outcome = 'failure')
  FROM logons NOT INDEXED WHERE src_ip IS NOT NULL GROUP BY src_ip, h;
INSERT INTO hour_totals (kind, value, hour, logons, failed)
  SELECT 'user', user, ts / 3600000 - (ts % 3600000 < 0) AS h, count(*), sum(outcome = 'failure')
  FROM logons NOT INDEXED WHERE user IS NOT NULL GROUP BY user, h;
INSERT INTO hour_totals (kind, value, hour, logons, failed)
  SELECT 'target', target, ts / 3600000 - (ts % 3600000 < 0) AS h, count(*), sum(outcome = 'failure')
  FROM logons NOT INDEXED WHERE target IS NOT NULL GROUP BY target, h;
