import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CockroachDatabase, DatabaseClosingError } from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let testDb: TestDatabase;
before(async () => {
  testDb = await createTestDatabase('shutdown');
  await testDb.admin('CREATE TABLE done (id INT8 PRIMARY KEY)');
});
after(() => testDb.drop());

describe('shutdown', () => {
  it('lets a running transaction commit, refuses new ones, then ends the pool', async () => {
    const db = await CockroachDatabase.connect({ url: testDb.url });
    const running = db.transaction(async () => {
      await db.query('SELECT pg_sleep(0.3)');
      await db.query('INSERT INTO done VALUES (1)');
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = db.close();
    await assert.rejects(db.transaction(async () => 'late'), DatabaseClosingError);
    await running;
    await closing;
    assert.equal(db.poolStats().total, 0);
    assert.deepEqual(await testDb.admin('SELECT id FROM done'), [{ id: '1' }]);
  });
});
