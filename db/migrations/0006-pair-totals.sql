-- 0006-pair-totals: totals kept at load time, so the console's entity pivots and its search index
-- read a few rows instead of every logon of an entity (DC01: 125k groups, ~1M logons at 10M).
-- Inputs: logons, datasets. Creates: pair_totals (per src_ip, user, target) and entity_totals (per
-- source, user, target name), filled from the logons already loaded; datasets.first_id / last_id
-- (the id range holding a dataset's logons). Drops logons_dataset (9 bytes per logon): `lateral
-- events --dataset` reads the dataset's id range instead.
--
-- A load folds its own dataset's logons into both tables inside its transaction (finishDataset in
-- source/db/store.ts), so they always equal a GROUP BY over the logons.

-- One row per distinct (src_ip, user, target), each compared exactly (case and spelling kept, as in
-- logons). NULL is a value of its own here (logons with a missing field count too): the key stores
-- it as integer 0, which no TEXT value equals, so (NULL, u, t), ('', u, t) and ('0', u, t) are
-- three rows.
CREATE TABLE pair_totals (
  src_ip   TEXT,
  user     TEXT,
  target   TEXT,
  logons   INTEGER NOT NULL,  -- logons of the triple
  failed   INTEGER NOT NULL,  -- of which failures
  first_ts INTEGER NOT NULL,  -- epoch ms UTC of the earliest
  last_ts  INTEGER NOT NULL   -- epoch ms UTC of the latest
) STRICT;

-- The uniqueness rule, and the conflict target of the load's upsert.
CREATE UNIQUE INDEX pair_totals_key ON pair_totals (ifnull(src_ip, 0), ifnull(user, 0), ifnull(target, 0));
-- An entity's rows most recently active first (the entity view's order, read a page at a time):
-- sources exactly, users and targets case-insensitively, as the pivots over logons compare them.
CREATE INDEX pair_totals_src    ON pair_totals (src_ip, last_ts DESC);
CREATE INDEX pair_totals_user   ON pair_totals (user COLLATE NOCASE, last_ts DESC);
CREATE INDEX pair_totals_target ON pair_totals (target COLLATE NOCASE, last_ts DESC);

INSERT INTO pair_totals (src_ip, user, target, logons, failed, first_ts, last_ts)
  SELECT src_ip, user, target, count(*), sum(outcome = 'failure'), min(ts), max(ts)
  FROM logons GROUP BY src_ip, user, target;

-- One row per source, user and target name as spelled (NULL names have none): its logons and how
-- many pair_totals rows carry it (for one spelling, the number of groups its entity view shows).
CREATE TABLE entity_totals (
  kind     TEXT    NOT NULL CHECK (kind IN ('src', 'user', 'target')),
  value    TEXT    NOT NULL,
  logons   INTEGER NOT NULL,
  failed   INTEGER NOT NULL,
  first_ts INTEGER NOT NULL,
  last_ts  INTEGER NOT NULL,
  pairs    INTEGER NOT NULL,  -- distinct (other, other) combinations of this exact spelling
  PRIMARY KEY (kind, value)
) STRICT, WITHOUT ROWID;

-- Users and targets are looked up case-insensitively (every spelling of a name).
CREATE INDEX entity_totals_nocase ON entity_totals (kind, value COLLATE NOCASE);

INSERT INTO entity_totals (kind, value, logons, failed, first_ts, last_ts, pairs)
  SELECT 'src', src_ip, sum(logons), sum(failed), min(first_ts), max(last_ts), count(*)
  FROM pair_totals WHERE src_ip IS NOT NULL GROUP BY src_ip;
INSERT INTO entity_totals (kind, value, logons, failed, first_ts, last_ts, pairs)
  SELECT 'user', user, sum(logons), sum(failed), min(first_ts), max(last_ts), count(*)
  FROM pair_totals WHERE user IS NOT NULL GROUP BY user;
INSERT INTO entity_totals (kind, value, logons, failed, first_ts, last_ts, pairs)
  SELECT 'target', target, sum(logons), sum(failed), min(first_ts), max(last_ts), count(*)
  FROM pair_totals WHERE target IS NOT NULL GROUP BY target;

-- Each file loads in one transaction by one writer, so its logons hold consecutive ids; a dataset
-- keeps the range (NULL last_id: not finished yet) and queries check dataset_id inside it.
ALTER TABLE datasets ADD COLUMN first_id INTEGER;
ALTER TABLE datasets ADD COLUMN last_id INTEGER;
UPDATE datasets SET
  first_id = coalesce((SELECT min(id) FROM logons WHERE dataset_id = datasets.id), 1),
  last_id  = coalesce((SELECT max(id) FROM logons WHERE dataset_id = datasets.id), 0);

-- Nothing else looks logons up by dataset: no statement deletes or renumbers a dataset (the
-- ON DELETE CASCADE that would want this index never runs).
DROP INDEX logons_dataset;
