-- Rollups: what the analyses read instead of the calls themselves. A run over a million calls used
-- to scan them seventeen times (28 s, docs/BENCHMARKS.md); the rollups of a 30-day window are a few
-- thousand rows. UsageWriter builds them from the records it stores, in the upload's transaction;
-- uploads stored before this migration are rolled up by the data verticle when it starts
-- (uploads.rolled_up = false), through the same code.

-- Sums per UTC hour and (feature, provider, model, status, batch) of one upload. Costs are exact sums
-- of the priced calls (numeric); unpriced counts the calls without a price.
CREATE TABLE usage_hourly (
  user_id               text NOT NULL,
  upload_id             text NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
  hour                  timestamptz NOT NULL,
  feature               text NOT NULL,
  provider              text NOT NULL,
  model                 text NOT NULL,
  status                text NOT NULL,
  batch                 boolean NOT NULL,
  requests              bigint NOT NULL,
  input_tokens          bigint NOT NULL,
  cached_input_tokens   bigint NOT NULL,
  cache_write_tokens    bigint NOT NULL,
  output_tokens         bigint NOT NULL,
  reasoning_tokens      bigint NOT NULL,
  cost_usd              numeric NOT NULL,
  unpriced              bigint NOT NULL,
  truncated             bigint NOT NULL, -- finish_reason = 'length'
  truncated_cost_usd    numeric NOT NULL,
  hashed                bigint NOT NULL, -- with a prompt_hash
  without_tokens        bigint NOT NULL, -- input and output both 0
  without_latency       bigint NOT NULL,
  without_max_tokens    bigint NOT NULL,
  without_finish_reason bigint NOT NULL,
  PRIMARY KEY (user_id, hour, feature, provider, model, status, batch, upload_id)
);
CREATE INDEX usage_hourly_upload_idx ON usage_hourly (upload_id, hour);

-- Distributions per UTC day and (feature, provider, model) of one upload, as apex.data.usage.Histogram
-- encodes them: input, output and latency of successful calls, and the max_tokens of every call.
CREATE TABLE usage_histograms (
  user_id   text NOT NULL,
  upload_id text NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
  day       date NOT NULL,
  metric    text NOT NULL CHECK (metric IN ('input_ok', 'output_ok', 'latency_ok', 'max_tokens')),
  feature   text NOT NULL,
  provider  text NOT NULL,
  model     text NOT NULL,
  calls     bigint NOT NULL,
  buckets   bytea NOT NULL,
  PRIMARY KEY (user_id, day, metric, feature, provider, model, upload_id)
);
CREATE INDEX usage_histograms_upload_idx ON usage_histograms (upload_id);

-- The successful calls whose (feature, provider, model, prompt_hash) some other successful call of the
-- same user shares: the only calls that can repeat a prompt. Found when an upload with hashes commits
-- (against all of the user's calls); a call whose partner is deleted later stays, harmlessly, since
-- the duplicate analysis counts repeats within the window.
CREATE TABLE prompt_repeats (
  record_id   bigint PRIMARY KEY,
  user_id     text NOT NULL,
  upload_id   text NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
  ts          timestamptz NOT NULL,
  feature     text NOT NULL,
  provider    text NOT NULL,
  model       text NOT NULL,
  prompt_hash text NOT NULL,
  cost_usd    numeric(14, 6)
);
CREATE INDEX prompt_repeats_user_ts_idx ON prompt_repeats (user_id, ts);
CREATE INDEX prompt_repeats_upload_idx ON prompt_repeats (upload_id);

-- What the upload list shows, kept with the upload instead of aggregated from its calls on every listing.
ALTER TABLE uploads
  ADD COLUMN first_ts timestamptz,
  ADD COLUMN last_ts timestamptz,
  ADD COLUMN cost_usd numeric NOT NULL DEFAULT 0,
  ADD COLUMN unpriced text[] NOT NULL DEFAULT '{}',
  ADD COLUMN rolled_up boolean NOT NULL DEFAULT false;

-- The calls are now written and deleted, never scanned by an analysis: every index and trigger on
-- them is paid per stored row. Measured with psql \copy of 1M rows on the CI machine: 32.2 s with the
-- primary key, four indexes and the foreign key; 6.4–7.9 s with (upload_id) alone, which deletes use.
-- The foreign key's per-row check alone was 5.8 s. UploadStore deletes an upload's calls itself. The
-- id stays (prompt_repeats and tie-breaks name calls by it; the sequence keeps it unique), its index
-- goes: nothing looks a call up by id. The partial prompt-hash index stays: it finds earlier calls
-- with the same prompt, and costs nothing for rows without a hash.
ALTER TABLE usage_records DROP CONSTRAINT usage_records_upload_id_fkey;
ALTER TABLE usage_records DROP CONSTRAINT usage_records_pkey;
DROP INDEX usage_records_user_ts_idx;
DROP INDEX usage_records_user_feature_model_idx;
DROP INDEX usage_records_upload_ts_idx;
CREATE INDEX usage_records_upload_idx ON usage_records (upload_id);
