-- 0016-dataset-repeats: how many of a file's logons an earlier file already held when it loaded
-- (the same Security log collected twice, or exported in two formats: source/db/repeats.ts), so
-- that `lateral datasets` and the console's datasets list keep saying what the load said.
-- Inputs: datasets. Changes: datasets gains repeats, NULL for the files loaded before (not counted).

ALTER TABLE datasets ADD COLUMN repeats INTEGER;  -- logons an earlier dataset held too; NULL: not counted
