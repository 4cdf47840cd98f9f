-- 0007-hunt-cache: results of recent hunts, so that re-running a hunt over unchanged data (the
-- console opened again, the same `lateral hunt` twice) answers at once instead of re-scanning
-- millions of logons. Inputs: none. Creates: hunt_cache.
-- A key is a hash of everything a hunt's rows depend on: the query text, every bound parameter but
-- the clock, the newest logon id and dataset count (logons are only ever appended, whole files at a
-- time), the allowlist's rows and which of them are active. Any change gives a new key, so an entry
-- is never stale; source/db/hunt-cache.ts keeps only the most recent few.
CREATE TABLE hunt_cache (
  key        TEXT    PRIMARY KEY,          -- sha256 hex of the inputs above
  rows       TEXT    NOT NULL,             -- the query's rows as a JSON array of objects
  ms         REAL    NOT NULL,             -- how long the hunt took when it ran
  created_at INTEGER NOT NULL              -- epoch ms UTC
) STRICT;
