import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CockroachDatabase, TransactionAbortedError } from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let testDb: TestDatabase;
let db: CockroachDatabase;
before(async () => {
  testDb = await createTestDatabase('silent');
  await testDb.admin('CREATE TABLE items (id INT8 PRIMARY KEY)');
  db = await CockroachDatabase.connect({ url: testDb.url });
});
after(async () => {
  await db.close();
  await testDb.drop();
});

describe('no silent rollback', () => {
  it('throws when the body swallowed a failed statement and returned normally, committing nothing', async () => {
    await testDb.admin('INSERT INTO items VALUES (1)');
    const error = await db
      .transaction(async () => {
        await db.query('INSERT INTO items VALUES (2)');
        try {
          await db.query('INSERT INTO items VALUES (1)'); // duplicate key
        } catch {
          // swallowed on purpose
        }
        return 'looks fine';
      })
      .catch((e: unknown) => e);
    assert.ok(error instanceof TransactionAbortedError, `expected TransactionAbortedError, got ${String(error)}`);
    assert.equal((error.cause as { code?: string }).code, '23505');
    assert.deepEqual(await testDb.admin('SELECT id FROM items ORDER BY id'), [{ id: '1' }]);
  });

  it('rethrows a non-retryable error unchanged after rolling back', async () => {
    const original = new Error('app failure');
    const error = await db
      .transaction(async () => {
        await db.query('INSERT INTO items VALUES (3)');
        throw original;
      })
      .catch((e: unknown) => e);
    assert.equal(error, original);
    assert.deepEqual(await testDb.admin('SELECT id FROM items WHERE id = 3'), []);
  });
});
