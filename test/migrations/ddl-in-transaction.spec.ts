import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CockroachDatabase, defineTable, text, uuidKey, UnsupportedFeatureError } from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const memos = defineTable('memos', { id: uuidKey(), body: text() });

/**
 * From CockroachDB 25.1 a schema change inside a transaction commits the
 * open work first, so createTables / dropTables refuse to run inside one of
 * our transactions on CockroachDB, before sending any DDL.
 */
describe('createTables and dropTables inside a transaction on CockroachDB', () => {
  let testDb: TestDatabase;
  let db: CockroachDatabase;
  const sent: string[] = [];

  before(async () => {
    testDb = await createTestDatabase('ddl_guard');
    db = await CockroachDatabase.connect({ url: testDb.url, onQuery: (event) => sent.push(event.text) });
    if (db.dialect !== 'cockroach') {
      // No CockroachDB here: the guard reads only the detected dialect, so the same real
      // connection is presented as CockroachDB. The statements below still run on the server.
      Object.defineProperty(db, 'server', { value: { ...db.server, dialect: 'cockroach' } });
    }
  });
  after(async () => {
    await db.close();
    await testDb.drop();
  });

  for (const operation of ['createTables', 'dropTables'] as const) {
    it(`${operation} is refused with a clear error, no DDL is sent, and the transaction rolls back`, async () => {
      sent.length = 0;
      await assert.rejects(
        db.runTransaction(async () => {
          await db.query('SELECT 1');
          await db[operation](memos);
        }),
        (error: unknown) => {
          assert.ok(error instanceof UnsupportedFeatureError, String(error));
          assert.match(error.message, new RegExp(`^${operation}\\(\\) was called inside a transaction: CockroachDB cannot change the schema atomically`));
          return true;
        },
      );
      assert.equal(sent.length, 3, sent.join('\n'));
      assert.match(sent[0]!, /^BEGIN/);
      assert.deepEqual(sent.slice(1), ['SELECT 1', 'ROLLBACK']);
    });
  }

  it('runs outside a transaction, one statement at a time', async () => {
    sent.length = 0;
    await db.createTables(memos);
    await db.dropTables(memos);
    assert.deepEqual(sent, [
      'CREATE TABLE IF NOT EXISTS "memos" ("id" UUID PRIMARY KEY DEFAULT gen_random_uuid(), "body" TEXT NOT NULL)',
      'DROP TABLE IF EXISTS "memos"',
    ]);
  });
});

describe('createTables inside a transaction on PostgreSQL', () => {
  it('is allowed: PostgreSQL’s DDL is transactional, and rolls back with the transaction', async (t) => {
    const testDb = await createTestDatabase('ddl_pg');
    const db = await CockroachDatabase.connect({ url: testDb.url });
    try {
      if (db.dialect !== 'postgres') return t.skip('PostgreSQL only');
      await assert.rejects(
        db.runTransaction(async () => {
          await db.createTables(memos);
          assert.equal((await db.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'memos'")).rows.length, 1);
          throw new Error('abandon');
        }),
        /abandon/,
      );
      assert.equal((await testDb.admin("SELECT 1 FROM information_schema.tables WHERE table_name = 'memos'")).length, 0);
    } finally {
      await db.close();
      await testDb.drop();
    }
  });
});
