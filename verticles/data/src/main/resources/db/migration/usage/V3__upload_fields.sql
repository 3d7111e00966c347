ALTER TABLE uploads ADD COLUMN fields text[];
