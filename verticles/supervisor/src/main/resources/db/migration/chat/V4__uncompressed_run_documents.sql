-- A run's documents (its stage results, its trace, the answer in its thread) are written on every
-- run and read rarely. Compressing them (pglz, on every value over 2 kB) was about a third of the
-- CPU PostgreSQL spent on a run (docs/BENCHMARKS.md); they are stored as written instead, out of
-- line as before. Only rows written from now on are affected.
ALTER TABLE run_stages ALTER COLUMN result SET STORAGE EXTERNAL;
ALTER TABLE run_traces ALTER COLUMN events SET STORAGE EXTERNAL;
ALTER TABLE messages ALTER COLUMN text SET STORAGE EXTERNAL;
