-- 0012-hunt-cache-profile: which profile each kept hunt ran, so that while a profile hunts again
-- the console can say how long its last hunt of this database took (the lateral hunt of 10M
-- logons takes minutes). Inputs: hunt_cache. Changes: hunt_cache gains profile, NULL for the
-- entries kept before, and an index that answers that question alone.

ALTER TABLE hunt_cache ADD COLUMN profile TEXT;  -- the profile's name (the hunt's :profile)

-- Covering: the columns after rows sit behind its overflow pages (tens of MB for a hunt of 10M
-- logons), which reading them from the table would walk.
CREATE INDEX hunt_cache_profile ON hunt_cache (profile, created_at, ms);
