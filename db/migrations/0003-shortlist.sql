-- 0003-shortlist: findings a hunter marked for the case (SPEC section 7).
-- Inputs: none. Creates: shortlist, keyed by the (src_ip, user) pair every profile groups by.
CREATE TABLE shortlist (
  src_ip     TEXT    NOT NULL,
  user       TEXT    NOT NULL,
  status     TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'escalated', 'benign')),
  note       TEXT    NOT NULL DEFAULT '',
  author     TEXT,
  marked_at  INTEGER NOT NULL,           -- epoch ms UTC
  updated_at INTEGER NOT NULL,           -- epoch ms UTC
  PRIMARY KEY (src_ip, user)
) STRICT;
