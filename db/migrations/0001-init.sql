-- 0001-init: the normalized logon store (SPEC section 2) and the datasets it came from.
-- Inputs: none (forward-only migration, run inside one transaction by source/db/open.ts).
-- Creates: datasets, logons, rejects, and the indexes that keep pivots by source, user and
-- target fast.

-- One row per loaded file. A file loads inside one transaction, so a row here always describes
-- a completely loaded file; sha256 is unique so the same bytes never load twice.
CREATE TABLE datasets (
  id          INTEGER PRIMARY KEY,
  path        TEXT    NOT NULL,            -- absolute path at load time
  format      TEXT    NOT NULL,            -- windows-json, falcon, qradar, sshd, evtx, lanl, csv
  sha256      TEXT    NOT NULL UNIQUE,
  records     INTEGER NOT NULL DEFAULT 0,  -- logon rows inserted
  rejected    INTEGER NOT NULL DEFAULT 0,  -- bad records (line numbers in rejects)
  skipped     INTEGER NOT NULL DEFAULT 0,  -- well-formed records that are not logons (other event ids)
  first_ts    INTEGER,                     -- epoch ms UTC of the earliest logon
  last_ts     INTEGER,                     -- epoch ms UTC of the latest logon
  time_field  TEXT,                        -- which input field the times were read from
  loaded_at   INTEGER NOT NULL             -- epoch ms UTC
) STRICT;

-- One row per logon attempt. Strings keep their original case and spelling; NULL means the
-- field was missing, '' and '-' are kept as they were in the raw record.
CREATE TABLE logons (
  id              INTEGER PRIMARY KEY,
  ts              INTEGER NOT NULL,        -- epoch ms UTC
  outcome         TEXT    NOT NULL CHECK (outcome IN ('success', 'failure')),
  event_id        INTEGER,                 -- 4624 / 4625 where known
  logon_type      INTEGER,
  src_ip          TEXT,
  src_port        INTEGER,
  src_host        TEXT,                    -- WorkstationName and the like
  user            TEXT,
  domain          TEXT,
  target          TEXT,                    -- dst_host if known, else dst_ip
  dst_host        TEXT,
  dst_ip          TEXT,
  service         TEXT,                    -- rdp, network, ssh, ...
  auth_package    TEXT,
  log_source_type TEXT,                    -- QRadar only
  dataset_id      INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  raw_ref         INTEGER NOT NULL         -- line (text formats) or record number (binary) in the file
) STRICT;

CREATE INDEX logons_ts      ON logons (ts);
CREATE INDEX logons_src     ON logons (src_ip, ts);
CREATE INDEX logons_user    ON logons (user COLLATE NOCASE, ts);
CREATE INDEX logons_target  ON logons (target, ts);
CREATE INDEX logons_dataset ON logons (dataset_id);

-- Bad records inside otherwise good files: where and why, so a hunter can look them up.
CREATE TABLE rejects (
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  line       INTEGER NOT NULL,
  reason     TEXT    NOT NULL
) STRICT;

CREATE INDEX rejects_dataset ON rejects (dataset_id, line);
