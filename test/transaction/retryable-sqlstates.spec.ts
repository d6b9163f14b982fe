import 'reflect-metadata';
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AmbiguousCommitError,
  CockroachDatabase,
  CockroachError,
  ExceededMaxAttemptsError,
  type RetryInfo,
  type RetryStrategy,
} from '../../src/index.js';
import { createFlakyFunction } from '../support/flaky-function.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * Which errors the owner retries (DESIGN §3.2): SQLSTATE 40001 (and CR000)
 * anywhere in the error's cause chain, and nothing else of class 40. Every
 * error here comes from the server: `flaky()` raises 40001 on its first N
 * calls, `raise_sqlstate(code)` raises the SQLSTATE it is given every time.
 */
let testDb: TestDatabase;
let flaky: Awaited<ReturnType<typeof createFlakyFunction>>;
let statements: string[] = [];

const BEGIN = 'BEGIN TRANSACTION ISOLATION LEVEL SERIALIZABLE';
const INSERT = 'INSERT INTO ledger (id) VALUES ($1)';

before(async () => {
  testDb = await createTestDatabase('sqlstates');
  flaky = await createFlakyFunction(testDb);
  await testDb.admin('CREATE TABLE ledger (id INT8 PRIMARY KEY)');
  await testDb.admin(`
    CREATE FUNCTION raise_sqlstate(code TEXT) RETURNS INT8 LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'injected %', code USING ERRCODE = code;
    END
    $$`);
});
after(() => testDb.drop());

function connect(strategy: RetryStrategy): Promise<CockroachDatabase> {
  return CockroachDatabase.connect({
    url: testDb.url,
    retry: { strategy, initialDelayMs: 1, maxDelayMs: 2 },
    onQuery: (event) => statements.push(event.text),
  });
}

async function committedIds(): Promise<string[]> {
  return (await testDb.admin<{ id: string }>('SELECT id FROM ledger ORDER BY id')).map((row) => row.id);
}

/** An application error that wraps the database's, as a repository layer does. */
class RepositoryError extends Error {}

for (const strategy of ['restart', 'savepoint'] as const) {
  describe(`a 40001 wrapped by the body is still retried (cause chain followed), ${strategy} protocol`, () => {
    let db: CockroachDatabase;
    before(async () => {
      db = await connect(strategy);
    });
    after(() => db.close());
    beforeEach(async () => {
      await testDb.admin('DELETE FROM ledger');
      statements = [];
    });

    it('retries a 40001 one cause deep and commits the attempt that succeeds', async () => {
      await flaky.reset(2);
      let runs = 0;
      const retried: RetryInfo[] = [];
      const result = await db.transaction(
        async () => {
          runs++;
          await db.query(INSERT, [runs]);
          try {
            return (await db.query<{ n: string }>('SELECT flaky() AS n')).rows[0]!.n;
          } catch (pgError) {
            throw new Error('repository failed', { cause: pgError });
          }
        },
        { onRetry: (info) => retried.push(info) },
      );
      assert.equal(result, '3');
      assert.equal(runs, 3);
      assert.deepEqual(retried.map((info) => info.attempt), [1, 2]);
      for (const info of retried) {
        assert.ok(info.error instanceof Error && info.error.message === 'repository failed', String(info.error));
      }
      assert.deepEqual(await committedIds(), ['3'], 'only the last attempt’s write is committed');
    });

    it('retries a 40001 several causes deep', async () => {
      await flaky.reset(1);
      let runs = 0;
      await db.transaction(async () => {
        runs++;
        try {
          await db.query('SELECT flaky()');
        } catch (pgError) {
          const repository = new RepositoryError('repository failed', { cause: pgError });
          throw new Error('service failed', { cause: new Error('use case failed', { cause: repository }) });
        }
      });
      assert.equal(runs, 2);
    });

    it('gives up with ExceededMaxAttemptsError whose cause is the wrapper the body threw', async () => {
      await flaky.reset(10);
      let runs = 0;
      const error = await db
        .transaction(
          async () => {
            runs++;
            await db.query(INSERT, [runs]);
            await db.query('SELECT flaky()').catch((pgError: unknown) => {
              throw new RepositoryError('repository failed', { cause: pgError });
            });
          },
          { maxAttempts: 3 },
        )
        .catch((e: unknown) => e);
      assert.ok(error instanceof ExceededMaxAttemptsError, String(error));
      assert.equal(error.attempts, 3);
      assert.ok(error.cause instanceof RepositoryError);
      assert.equal((error.cause.cause as { code?: string }).code, '40001');
      assert.equal(runs, 3);
      assert.deepEqual(await committedIds(), []);
    });

    it('does not retry an application error without a SQLSTATE, even one that wraps a non-retryable database error', async () => {
      let runs = 0;
      const error = await db
        .transaction(async () => {
          runs++;
          await db.query('SELECT raise_sqlstate($1)', ['23505']).catch((pgError: unknown) => {
            throw new RepositoryError('repository failed', { cause: pgError });
          });
        })
        .catch((e: unknown) => e);
      assert.ok(error instanceof RepositoryError, String(error));
      assert.equal(runs, 1);
    });
  });
}

for (const strategy of ['restart', 'savepoint'] as const) {
  describe(`class-40 SQLSTATEs other than 40001 raised in the body are not retried, ${strategy} protocol`, () => {
    let db: CockroachDatabase;
    before(async () => {
      db = await connect(strategy);
    });
    after(() => db.close());
    beforeEach(async () => {
      await testDb.admin('DELETE FROM ledger');
      statements = [];
    });

    const opening = strategy === 'savepoint' ? `${BEGIN}; SAVEPOINT cockroach_restart` : BEGIN;

    for (const code of ['40000', '40002', '40003']) {
      it(`${code}: runs the body once, rolls back, and rethrows the server's error unchanged (exact SQL)`, async () => {
        let runs = 0;
        const retried: RetryInfo[] = [];
        const error = await db
          .transaction(
            async () => {
              runs++;
              await db.query(INSERT, [runs]);
              await db.query('SELECT raise_sqlstate($1)', [code]);
            },
            { onRetry: (info) => retried.push(info) },
          )
          .catch((e: unknown) => e);
        assert.equal((error as { code?: string }).code, code, String(error));
        assert.ok(!(error instanceof CockroachError), `rethrown unchanged, not wrapped: ${String(error)}`);
        assert.equal(runs, 1);
        assert.deepEqual(retried, []);
        assert.deepEqual(statements, [opening, INSERT, 'SELECT raise_sqlstate($1)', 'ROLLBACK']);
        assert.deepEqual(await committedIds(), []);
        assert.deepEqual((await db.query<{ one: number }>('SELECT 1 AS one')).rows, [{ one: 1 }], 'the pool still serves');
      });
    }

    it('40003 raised by a statement of the body is not an AmbiguousCommitError: nothing was being committed', async () => {
      const error = await db.transaction(() => db.query('SELECT raise_sqlstate($1)', ['40003'])).catch((e: unknown) => e);
      assert.ok(!(error instanceof AmbiguousCommitError), String(error));
      assert.equal((error as { code?: string }).code, '40003');
      assert.equal(db.stats().ambiguous, 0);
    });
  });
}
