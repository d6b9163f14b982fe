import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CockroachDatabase, ConnectionError } from '../../src/index.js';
import { parseServerVersion, UnrecognisedServerError } from '../../src/connection/server-info.js';
import { CapturedLogger } from '../support/captured-logger.js';
import { createTestDatabase, withDatabase, type TestDatabase } from '../support/test-database.js';

const DEV_BUILD = 'CockroachDB CCL unknown (x86_64-pc-linux-gnu, built 2024/05/01 10:00:00, go1.22.2)';

let testDb: TestDatabase;
const logger = new CapturedLogger();
before(async () => {
  testDb = await createTestDatabase('startup');
  logger.install();
});
after(async () => {
  logger.restore();
  await testDb.drop();
});

/** Retries that would take 10 s if they happened: a result in one attempt proves none did. */
const slowRetries = { attempts: 5, delayMs: 2500 };

describe('start-up: a version() without a release tag', () => {
  it('is refused by the parser with the text it got', () => {
    assert.throws(
      () => parseServerVersion(DEV_BUILD),
      (error: unknown) =>
        error instanceof UnrecognisedServerError &&
        error.message.includes('without a release version') &&
        error.message.includes('CockroachDB CCL unknown'),
    );
  });

  it('still reads a pre-release tag that carries a version', () => {
    const info = parseServerVersion('CockroachDB CCL v24.2.0-alpha.00000000-dev-1a2b3c4d (x86_64-pc-linux-gnu, built 2024/05/01, go1.22)');
    assert.deepEqual(info.version, { major: 24, minor: 2, patch: 0 });
  });

  it('fails the connect at once, not after retries, when the server answers with it', async (t) => {
    if (testDb.dialect !== 'postgres') return t.skip("uses PostgreSQL's search_path to have a real server answer a development build's version()");
    const name = `${testDb.name}_dev`;
    await testDb.admin(`CREATE DATABASE ${name}`);
    try {
      const devUrl = withDatabase(testDb.url, name);
      const pg = await import('pg');
      const client = new pg.default.Client({ connectionString: devUrl });
      await client.connect();
      await client.query(`CREATE FUNCTION public.version() RETURNS TEXT LANGUAGE SQL AS $$ SELECT '${DEV_BUILD}'::TEXT $$`);
      await client.query(`ALTER DATABASE ${name} SET search_path = public, pg_catalog`);
      await client.end();

      const error = await CockroachDatabase.connect({ url: devUrl, connectRetry: slowRetries }).catch((e: unknown) => e);
      assert.ok(error instanceof ConnectionError, `expected ConnectionError, got ${String(error)}`);
      assert.equal(error.attempts, 1, 'a version that cannot be read is not retried');
      assert.match(error.message, /without a release version .*CockroachDB CCL unknown/);
    } finally {
      await testDb.admin(`DROP DATABASE ${name}${testDb.dialect === 'postgres' ? ' WITH (FORCE)' : ''}`);
    }
  });
});

describe('start-up: a database that does not exist', () => {
  it('fails the connect at once with ConnectionError, on CockroachDB too (which accepts the connection)', async () => {
    const missing = `${testDb.name}_missing`;
    const error = await CockroachDatabase.connect({ url: withDatabase(testDb.url, missing), connectRetry: slowRetries }).catch((e: unknown) => e);
    assert.ok(error instanceof ConnectionError, `expected ConnectionError, got ${String(error)}`);
    assert.equal(error.attempts, 1);
    assert.match(error.message, new RegExp(`database "${missing}" does not exist`));
  });

  it('connects to a database that exists', async () => {
    const db = await CockroachDatabase.connect({ url: testDb.url });
    try {
      assert.equal((await db.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one, 1);
    } finally {
      await db.close();
    }
  });
});
