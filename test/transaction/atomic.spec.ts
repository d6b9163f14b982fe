import 'reflect-metadata';
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CockroachDatabase, type RetryInfo } from '../../src/index.js';
import { createFlakyFunction } from '../support/flaky-function.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let testDb: TestDatabase;
let db: CockroachDatabase;
let flaky: Awaited<ReturnType<typeof createFlakyFunction>>;

before(async () => {
  testDb = await createTestDatabase('atomic');
  flaky = await createFlakyFunction(testDb);
  await testDb.admin('CREATE TABLE notes (body TEXT NOT NULL)');
  db = await CockroachDatabase.connect({ url: testDb.url, retry: { initialDelayMs: 1, maxDelayMs: 5 } });
});
after(async () => {
  await db.close();
  await testDb.drop();
});
beforeEach(async () => {
  await testDb.admin('DELETE FROM notes');
  await flaky.reset(0);
});

const notes = async () => (await testDb.admin<{ body: string }>('SELECT body FROM notes ORDER BY body')).map((row) => row.body);
const insert = (body: string) => db.query('INSERT INTO notes (body) VALUES ($1)', [body]);

describe('db.atomic() outside a transaction', () => {
  it('is a transaction of its own: all of it commits, or none of it', async () => {
    await db.atomic(async () => {
      await insert('a');
      await insert('b');
    });
    await assert.rejects(
      db.atomic(async () => {
        await insert('c');
        throw new Error('part failed');
      }),
      /part failed/,
    );
    assert.deepEqual(await notes(), ['a', 'b']);
  });

  it('owns its transaction, so it retries a 40001 itself', async () => {
    await flaky.reset(2);
    let runs = 0;
    await db.atomic(async () => {
      runs++;
      await insert(`run ${runs}`);
      await db.query('SELECT flaky()');
    });
    assert.equal(runs, 3);
    assert.deepEqual(await notes(), ['run 3']);
  });
});

describe('db.atomic() with a retryable error inside a transaction', () => {
  it('does not swallow the 40001 at its savepoint: the owner re-runs the whole transaction', async () => {
    await flaky.reset(1);
    let runs = 0;
    const retries: RetryInfo[] = [];
    await db.transaction(
      async () => {
        runs++;
        await insert(`outer ${runs}`);
        await db.atomic(async () => {
          await insert(`part ${runs}`);
          await db.query('SELECT flaky()');
        });
      },
      { onRetry: (info) => retries.push(info) },
    );
    assert.equal(runs, 2, 'the whole body ran again, not only the atomic part');
    assert.equal(retries.length, 1);
    assert.deepEqual(await notes(), ['outer 2', 'part 2'], 'only the last attempt is committed');
  });

  it('a caller that catches the retryable error still cannot commit a failed attempt', async () => {
    await flaky.reset(1);
    let runs = 0;
    await db.transaction(async () => {
      runs++;
      await insert(`outer ${runs}`);
      await db.atomic(() => db.query('SELECT flaky()')).catch(() => undefined);
    });
    assert.equal(runs, 2);
    assert.deepEqual(await notes(), ['outer 2']);
  });
});
