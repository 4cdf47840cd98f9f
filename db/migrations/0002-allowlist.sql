-- 0002-allowlist: allowlist entries (SPEC section 6), applied inside every profile's SQL.
-- Inputs: none. Creates: allowlist.
-- kind 'pair' holds src_ip plus user or target in their own columns; the single kinds use pattern.
CREATE TABLE allowlist (
  id         INTEGER PRIMARY KEY,
  kind       TEXT    NOT NULL CHECK (kind IN ('src_ip', 'user', 'target', 'pair')),
  pattern    TEXT,                       -- src_ip, user, target kinds
  src_ip     TEXT,                       -- pair
  user       TEXT,                       -- pair of src_ip + user
  target     TEXT,                       -- pair of src_ip + target
  match      TEXT    NOT NULL DEFAULT 'exact' CHECK (match IN ('exact', 'glob', 'cidr', 'regex')),
  reason     TEXT    NOT NULL CHECK (length(trim(reason)) > 0),
  author     TEXT,
  created    INTEGER NOT NULL,           -- epoch ms UTC
  expires    INTEGER,                    -- epoch ms UTC; the entry stops applying at this instant
  profile    TEXT,                       -- NULL: every profile
  enabled    INTEGER NOT NULL DEFAULT 1,
  CHECK ((kind = 'pair' AND src_ip IS NOT NULL AND (user IS NOT NULL) <> (target IS NOT NULL))
      OR (kind <> 'pair' AND pattern IS NOT NULL))
) STRICT;
