-- Conversations and runs, owned by the supervisor. Every read is scoped by user_id.
CREATE TABLE threads (
  id         uuid PRIMARY KEY,
  user_id    text NOT NULL,
  title      text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX threads_by_user ON threads (user_id, updated_at DESC);

CREATE TABLE runs (
  id            uuid PRIMARY KEY,
  thread_id     uuid NOT NULL REFERENCES threads (id),
  user_id       text NOT NULL,
  client_msg_id text NOT NULL,
  status        text NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'cancelled')),
  degraded      boolean NOT NULL DEFAULT false,
  stages        jsonb NOT NULL DEFAULT '{}'::jsonb,
  error_code    text,
  error_message text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz,
  duration_ms   bigint,
  UNIQUE (user_id, client_msg_id)
);
CREATE INDEX runs_by_thread ON runs (thread_id, created_at);

CREATE TABLE messages (
  id         bigserial PRIMARY KEY,
  thread_id  uuid NOT NULL REFERENCES threads (id),
  user_id    text NOT NULL,
  role       text NOT NULL CHECK (role IN ('user', 'assistant')),
  text       text NOT NULL,
  run_id     uuid REFERENCES runs (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX messages_by_thread ON messages (thread_id, id);
