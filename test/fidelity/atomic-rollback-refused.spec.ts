import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CockroachDatabase, TransactionAbortedError } from '../../src/index.js';
import { CapturedLogger } from '../support/captured-logger.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * CockroachDB refuses ROLLBACK TO SAVEPOINT after DDL and after some errors
 * ("cannot rollback to savepoint after error"). Whatever the server refuses,
 * the caller must get the error that failed the atomic() block.
 */
let testDb: TestDatabase;
let db: CockroachDatabase;
const logger = new CapturedLogger();
before(async () => {
  testDb = await createTestDatabase('atomicrb');
  await testDb.admin('CREATE TABLE notes (body TEXT NOT NULL)');
  logger.install();
  db = await CockroachDatabase.connect({ url: testDb.url, pool: { max: 1 } });
});
after(async () => {
  logger.restore();
  await db.close();
  await testDb.drop();
});
beforeEach(async () => {
  await testDb.admin('DELETE FROM notes');
  logger.lines.length = 0;
});

const notes = async () => (await testDb.admin<{ body: string }>('SELECT body FROM notes ORDER BY body')).map((row) => row.body);

/** The server refuses the rollback for real: the block released its own savepoint (the first block's is `atomic_1`). */
const releaseOwnSavepoint = () => db.query('RELEASE SAVEPOINT atomic_1');

describe('atomic(): a refused ROLLBACK TO SAVEPOINT never replaces the original error', () => {
  it("rethrows the block's own error, logs the refusal, and commits nothing", async () => {
    const original = new Error('the original failure');
    await assert.rejects(
      db.transaction(async () => {
        await db.query("INSERT INTO notes VALUES ('before')");
        await db.atomic(async () => {
          await releaseOwnSavepoint();
          throw original;
        });
      }),
      (error: unknown) => error === original,
    );
    assert.deepEqual(await notes(), []);
    assert.ok(
      logger.lines.some((line) => /ROLLBACK TO SAVEPOINT atomic_1 was refused \(.*atomic_1.*\)/.test(line)),
      logger.lines.join('\n'),
    );
  });

  it('refuses to COMMIT when the body catches that error and returns normally', async () => {
    const error = await db
      .transaction(async () => {
        await db.query("INSERT INTO notes VALUES ('before')");
        await db
          .atomic(async () => {
            await releaseOwnSavepoint();
            throw new Error('caught by the body');
          })
          .catch(() => undefined);
        return 'returned normally';
      })
      .catch((e: unknown) => e);
    assert.ok(error instanceof TransactionAbortedError, `expected TransactionAbortedError, got ${String(error)}`);
    assert.match(String((error.cause as Error).message), /atomic_1/);
    assert.deepEqual(await notes(), []);
  });

  it('gives the one pooled connection back outside any transaction', async () => {
    await db
      .transaction(() =>
        db.atomic(async () => {
          await releaseOwnSavepoint();
          throw new Error('x');
        }),
      )
      .catch(() => undefined);
    await db.query("INSERT INTO notes VALUES ('after')");
    assert.deepEqual(await notes(), ['after']);
  });

  it('surfaces the original error of a block that ran DDL (CockroachDB refuses the rollback there)', async () => {
    const original = new Error('failed after DDL');
    await assert.rejects(
      db.transaction(async () => {
        await db.query("INSERT INTO notes VALUES ('before')");
        await db.atomic(async () => {
          await db.query('CREATE TABLE made_in_block (id INT8 PRIMARY KEY)');
          throw original;
        });
      }),
      (error: unknown) => error === original,
    );
    assert.deepEqual(await notes(), []);
    if (db.dialect === 'cockroach') {
      // CockroachDB's own words (conn_executor_savepoints.go): unimplemented, issue 10735.
      assert.ok(logger.lines.some((line) => line.includes('ROLLBACK TO SAVEPOINT not yet supported after DDL statements')), logger.lines.join('\n'));
    }
  });
});
