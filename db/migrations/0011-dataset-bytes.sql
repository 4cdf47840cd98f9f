-- 0011-dataset-bytes: the size of each loaded file, so that a load can tell without reading a file
-- whether it may hold bytes already loaded (only a file of the same size can): then it hashes the
-- file first and answers "duplicate" at once; otherwise it hashes it alongside the parse, instead
-- of in a whole read of the file before the first row (source/ingest/load.ts).
-- Inputs: datasets. Changes: datasets gains bytes, NULL for the files loaded before (their sizes
-- are not known; a load treats them as possibly the same size).

ALTER TABLE datasets ADD COLUMN bytes INTEGER;  -- the file's size in bytes; NULL: not recorded
