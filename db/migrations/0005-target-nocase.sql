-- 0005-target-nocase: pivots and `lateral events --target` match targets case-insensitively
-- (`target = ? COLLATE NOCASE`), which the BINARY index of 0001 could not serve: every such
-- pivot scanned the whole table. Inputs: none. Replaces logons_target with a NOCASE index on the
-- same columns (no query compares logons.target with BINARY equality, so none loses its index).
DROP INDEX logons_target;
CREATE INDEX logons_target ON logons (target COLLATE NOCASE, ts);
