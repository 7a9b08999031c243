-- A sowing (semis, CBNA's t_sowing) is recorded as a test of kind 'sowing': seeds, replicates,
-- counts of emerged seedlings and the same metrics, plus its code, place, container and method.
ALTER TABLE seedbank_tests ADD COLUMN code TEXT;
ALTER TABLE seedbank_tests ADD COLUMN location TEXT NOT NULL DEFAULT '';
ALTER TABLE seedbank_tests ADD COLUMN container TEXT NOT NULL DEFAULT '';
ALTER TABLE seedbank_tests ADD COLUMN method TEXT NOT NULL DEFAULT '';
ALTER TABLE seedbank_tests ADD COLUMN depth_mm DOUBLE PRECISION;
CREATE UNIQUE INDEX seedbank_tests_code ON seedbank_tests (code);
