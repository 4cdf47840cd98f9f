-- 0014-hour-totals-min: hour_totals keeps the hours of the names with many logons only.
-- Inputs: hour_totals, entity_totals. Creates: hour_totals_min. Changes: hour_totals loses the rows
-- of names with fewer logons than that.
--
-- A name's hours are in hour_totals, all of them, exactly when entity_totals counts at least
-- hour_totals_min.logons logons of it; a load adds the hours of a name that reaches it with its
-- earlier logons (source/db/store.ts). The timeline of a name with fewer is read from its logons
-- through the logons indexes (source/db/pivots.ts): of 10.4M generated logons, for a name with
-- about 245 logons 25-32 ms with the OS's file cache emptied first, 1-3 ms once read; with about
-- 950, 65-95 ms (hence not 1000). Of the 7.6M rows of hour_totals of those logons, 3.5M were of
-- names with fewer than 250 logons: 10 bytes a logon on disk, and seconds of each load.

-- One row: the least logons of a name whose hours are kept. Tests lower it before loading; changed
-- on a store that holds logons, hour_totals would not follow.
CREATE TABLE hour_totals_min (
  logons INTEGER NOT NULL
) STRICT;

INSERT INTO hour_totals_min (logons) VALUES (250);

DELETE FROM hour_totals WHERE (kind, value) IN (SELECT kind, value FROM entity_totals WHERE logons < 250);
