import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CockroachDatabase, type RetryInfo } from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let testDb: TestDatabase;
let db: CockroachDatabase;

before(async () => {
  testDb = await createTestDatabase('deadlock');
  await testDb.admin('CREATE TABLE counters (id INT8 PRIMARY KEY, n INT8 NOT NULL)');
  await testDb.admin('INSERT INTO counters VALUES (1, 0), (2, 0)');
  db = await CockroachDatabase.connect({ url: testDb.url, pool: { max: 4 }, retry: { initialDelayMs: 1, maxDelayMs: 5 } });
});
after(async () => {
  await db.close();
  await testDb.drop();
});

describe('40P01 on PostgreSQL: a real deadlock between two transactions', () => {
  it('the victim the server picks is retried, and both transactions commit', async (t) => {
    if (testDb.dialect !== 'postgres') return t.skip('40P01 is PostgreSQL’s deadlock error; CockroachDB resolves deadlocks itself');
    // Each transaction locks its first row, waits until the other has locked its own, then asks for the other's.
    let locked = 0;
    let bothLocked!: () => void;
    const barrier = new Promise<void>((resolve) => (bothLocked = resolve));
    const retries: RetryInfo[] = [];
    const transfer = (first: number, second: number) =>
      db.transaction(
        async (tx) => {
          await db.query('UPDATE counters SET n = n + 1 WHERE id = $1', [first]);
          if (tx.attempt === 1) {
            if (++locked === 2) bothLocked();
            await barrier;
          }
          await db.query('UPDATE counters SET n = n + 1 WHERE id = $1', [second]);
        },
        { isolation: 'read committed', onRetry: (info) => retries.push(info) },
      );
    await Promise.all([transfer(1, 2), transfer(2, 1)]);
    assert.deepEqual(
      retries.map((info) => (info.error as { code?: string }).code),
      ['40P01'],
      'exactly one transaction was chosen as the deadlock victim and retried',
    );
    assert.deepEqual(await testDb.admin('SELECT id, n FROM counters ORDER BY id'), [
      { id: '1', n: '2' },
      { id: '2', n: '2' },
    ]);
  });
});
