-- Durable runs. The supervisor instance driving a run (owner) holds it under a lease it renews
-- every runs.heartbeat_ms; a run whose lease ran out (its supervisor died or handed it over) is
-- adopted by another supervisor, which continues from the last stage persisted in stages.
ALTER TABLE runs
  ADD COLUMN owner        text,
  ADD COLUMN lease_until  timestamptz,
  ADD COLUMN heartbeat_at timestamptz,
  ADD COLUMN deadline_at  timestamptz,
  ADD COLUMN adoptions    integer NOT NULL DEFAULT 0,
  -- The run's last event (run_completed / run_failed), recorded with the run's end and cleared once
  -- it is placed in the run's log: if the supervisor dies in between, the one that adopts the run
  -- places it, so no client misses the end of a run.
  ADD COLUMN pending_end  jsonb;

-- Runs left running before leases existed are adopted at once and end as their deadline says.
UPDATE runs SET deadline_at = created_at + interval '60 seconds', lease_until = now() WHERE status = 'running';
UPDATE runs SET deadline_at = coalesce(finished_at, created_at) WHERE deadline_at IS NULL;
ALTER TABLE runs ALTER COLUMN deadline_at SET NOT NULL;
CREATE INDEX runs_by_lease ON runs (lease_until) WHERE status = 'running' OR pending_end IS NOT NULL;

-- The trace of a run: its events as the run's log held them, written when the run ends.
CREATE TABLE run_events (
  run_id uuid        NOT NULL REFERENCES runs (id),
  seq    bigint      NOT NULL,
  type   text        NOT NULL,
  agent  text        NOT NULL,
  ts     timestamptz NOT NULL,
  event  jsonb       NOT NULL,
  PRIMARY KEY (run_id, seq)
);
