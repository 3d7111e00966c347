-- Each stage's result of a run in a row of its own, written once. Appending it to runs.stages
-- rewrote and recompressed every earlier result at each stage, the largest part of what a run cost
-- PostgreSQL (docs/BENCHMARKS.md). Stage results and traces are written on every run and read
-- rarely (an adoption, a fallback, an operator), so they are kept as json (checked, stored as
-- written) rather than converted to jsonb.
CREATE TABLE run_stages (
  run_id uuid NOT NULL REFERENCES runs (id),
  stage  text NOT NULL,
  result json NOT NULL,
  PRIMARY KEY (run_id, stage)
);
INSERT INTO run_stages (run_id, stage, result) SELECT r.id, s.key, s.value::json FROM runs r, jsonb_each(r.stages) s;
ALTER TABLE runs DROP COLUMN stages;

-- A run's trace, its events as the run's log held them, in one row written when the run ends (one
-- row per event cost PostgreSQL 53 inserts a run).
CREATE TABLE run_traces (
  run_id uuid PRIMARY KEY REFERENCES runs (id),
  events json NOT NULL
);
INSERT INTO run_traces (run_id, events) SELECT run_id, json_agg(event ORDER BY seq) FROM run_events GROUP BY run_id;
DROP TABLE run_events;
