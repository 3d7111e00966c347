-- The format an upload arrived in (csv, json, ndjson; demo for generated data), shown in the upload list.
ALTER TABLE uploads ADD COLUMN format text NOT NULL DEFAULT 'csv';
