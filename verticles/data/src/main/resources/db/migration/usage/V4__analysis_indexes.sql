-- Missing fields (coverage, data quality) ask, per upload of the user, whether the upload has any
-- row in the window. On (upload_id) alone that probe reads every row of an upload lying outside the
-- window (measured: 12.9 ms per upload of 24,000 rows, 6 uploads → 77 ms of a 110 ms query); on
-- (upload_id, ts) it is one index-only descent (0.013 ms). The old index is a prefix of the new one,
-- which serves the ON DELETE CASCADE and "rows of this upload" lookups as well.
CREATE INDEX usage_records_upload_ts_idx ON usage_records (upload_id, ts);
DROP INDEX usage_records_upload_idx;
