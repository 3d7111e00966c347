-- Accounts, owned by the auth verticle. Emails are stored lower-cased; the hash embeds its own
-- algorithm, iteration count and salt so it can be strengthened later without a migration.
CREATE TABLE users (
  id            uuid PRIMARY KEY,
  email         text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  roles         text[] NOT NULL DEFAULT ARRAY['user'],
  created_at    timestamptz NOT NULL DEFAULT now()
);
