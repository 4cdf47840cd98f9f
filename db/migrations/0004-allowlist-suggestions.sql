-- 0004-allowlist-suggestions: mark entries that lateral proposed from the data (disabled until a
-- hunter confirms them). Inputs: none. Adds: allowlist.suggested (the false-positive class).
ALTER TABLE allowlist ADD COLUMN suggested TEXT;
