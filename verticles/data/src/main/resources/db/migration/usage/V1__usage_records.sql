-- Usage records owned by the data verticle. Flyway runs this with search_path set to the "usage"
-- schema, so names stay unqualified here; application SQL qualifies them as usage.<table>.

CREATE TABLE uploads (
  id         text PRIMARY KEY,
  user_id    text NOT NULL,
  source     text NOT NULL,
  rows       integer NOT NULL CHECK (rows >= 0),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX uploads_user_created_idx ON uploads (user_id, created_at DESC);

-- One row per provider request. input_tokens INCLUDES cached reads and cache writes (the pricing
-- catalog's convention), and output_tokens INCLUDES reasoning tokens; the check constraints keep
-- an ingestor that forgot to normalise a provider's export from storing rows that would be
-- double-priced.
CREATE TABLE usage_records (
  id                  bigserial PRIMARY KEY,
  user_id             text NOT NULL,
  upload_id           text NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
  ts                  timestamptz NOT NULL,
  provider            text NOT NULL,
  model               text NOT NULL,
  feature             text NOT NULL DEFAULT 'untagged',
  request_id          text,
  input_tokens        bigint NOT NULL DEFAULT 0 CHECK (input_tokens >= 0),
  cached_input_tokens bigint NOT NULL DEFAULT 0 CHECK (cached_input_tokens >= 0),
  cache_write_tokens  bigint NOT NULL DEFAULT 0 CHECK (cache_write_tokens >= 0),
  output_tokens       bigint NOT NULL DEFAULT 0 CHECK (output_tokens >= 0),
  reasoning_tokens    bigint NOT NULL DEFAULT 0 CHECK (reasoning_tokens >= 0),
  latency_ms          integer CHECK (latency_ms >= 0),
  status              text NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'error', 'timeout', 'rate_limited')),
  finish_reason       text,
  max_tokens          integer CHECK (max_tokens > 0),
  prompt_hash         text,
  batch               boolean NOT NULL DEFAULT false,
  cost_usd            numeric(14, 6) CHECK (cost_usd >= 0), -- null = no price known for the model
  end_user            text,
  CONSTRAINT cache_within_input CHECK (cached_input_tokens + cache_write_tokens <= input_tokens),
  CONSTRAINT reasoning_within_output CHECK (reasoning_tokens <= output_tokens)
);

-- Every analysis filters by user and a time window first.
CREATE INDEX usage_records_user_ts_idx ON usage_records (user_id, ts);
-- Spend by feature/model (the right-sizing evidence) groups on these.
CREATE INDEX usage_records_user_feature_model_idx ON usage_records (user_id, feature, model);
-- Duplicate-request detection groups on prompt_hash; most exports lack it, hence partial.
CREATE INDEX usage_records_user_prompt_hash_idx ON usage_records (user_id, prompt_hash, ts)
  WHERE prompt_hash IS NOT NULL;
-- ON DELETE CASCADE from uploads, and "rows of this upload" lookups.
CREATE INDEX usage_records_upload_idx ON usage_records (upload_id);
