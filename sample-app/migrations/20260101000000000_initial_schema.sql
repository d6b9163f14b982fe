-- Up Migration
-- The sample's tables, first written with `nestjs-cockroachdb migrate create initial_schema --from-tables`
-- and then made to run unchanged on CockroachDB and PostgreSQL: BIGSERIAL is INT8 DEFAULT unique_rowid()
-- on CockroachDB (what rowId() declares) and a sequence on PostgreSQL; USING GIN is an inverted index on both.
CREATE TABLE accounts (
  "id" UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  "owner" TEXT NOT NULL,
  "balance" INT8 NOT NULL DEFAULT 0,
  "createdAt" TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE transfers (
  "id" BIGSERIAL PRIMARY KEY,
  "source" UUID NOT NULL,
  "target" UUID NOT NULL,
  "amount" INT8 NOT NULL,
  "createdAt" TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX transfers_source_idx ON transfers ("source");
CREATE INDEX transfers_target_idx ON transfers ("target");
CREATE TABLE users (
  "id" UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  "email" TEXT NOT NULL UNIQUE,
  "name" TEXT NOT NULL,
  "createdAt" TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE login_tokens (
  "token" TEXT PRIMARY KEY,
  "userId" UUID NOT NULL,
  "expiresAt" TIMESTAMPTZ NOT NULL
);
CREATE INDEX "login_tokens_userId_idx" ON login_tokens ("userId");
CREATE TABLE todos (
  "id" BIGSERIAL PRIMARY KEY,
  "title" TEXT NOT NULL,
  "done" BOOL NOT NULL DEFAULT false,
  "tags" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
  "meta" JSONB,
  "createdAt" TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX todos_tags_gin ON todos USING GIN ("tags");
CREATE INDEX todos_meta_gin ON todos USING GIN ("meta");

-- Down Migration
DROP TABLE todos, login_tokens, users, transfers, accounts;
