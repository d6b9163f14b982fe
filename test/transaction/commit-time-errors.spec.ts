import 'reflect-metadata';
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AmbiguousCommitError, CockroachDatabase, ExceededMaxAttemptsError, TransactionAbortedError } from '../../src/index.js';
import { activeTransaction } from '../../src/transaction/transaction-context.js';
import { createCommitFault } from '../support/commit-fault.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let testDb: TestDatabase;
let fault: Awaited<ReturnType<typeof createCommitFault>>;
let statements: string[] = [];

before(async () => {
  testDb = await createTestDatabase('commit_errors');
  if (testDb.dialect === 'postgres') fault = await createCommitFault(testDb);
});
after(() => testDb.drop());

const connect = (strategy: 'savepoint' | 'restart') =>
  CockroachDatabase.connect({
    url: testDb.url,
    retry: { strategy, initialDelayMs: 1, maxDelayMs: 5 },
    onQuery: (event) => statements.push(event.text),
  });
const committed = async () => (await testDb.admin<{ id: string }>('SELECT id FROM commit_faults ORDER BY id')).map((row) => Number(row.id));

for (const strategy of ['restart', 'savepoint'] as const) {
  describe(`errors the server raises at COMMIT, ${strategy} protocol`, () => {
    let db: CockroachDatabase;
    before(async () => {
      db = await connect(strategy);
    });
    after(() => db.close());
    beforeEach(() => {
      statements = [];
    });
    const commitStatement = strategy === 'savepoint' ? 'RELEASE SAVEPOINT cockroach_restart; COMMIT' : 'COMMIT';

    it('40001 at COMMIT: re-runs the whole body and commits once', async (t) => {
      if (testDb.dialect !== 'postgres') return t.skip('deferred constraint triggers are PostgreSQL-only');
      await fault.reset(1);
      let runs = 0;
      await db.transaction(async () => {
        runs++;
        await db.query("INSERT INTO commit_faults VALUES ($1, '40001')", [runs]);
      });
      assert.equal(runs, 2);
      assert.deepEqual(await committed(), [2], 'only the second attempt’s write is committed');
      assert.equal(statements.filter((text) => text === commitStatement).length, 2, statements.join('\n'));
    });

    it('CR000 at COMMIT is retried like 40001', async (t) => {
      if (testDb.dialect !== 'postgres') return t.skip('deferred constraint triggers are PostgreSQL-only');
      await fault.reset(1);
      let runs = 0;
      await db.transaction(async () => {
        runs++;
        await db.query("INSERT INTO commit_faults VALUES ($1, 'CR000')", [runs]);
      });
      assert.equal(runs, 2);
      assert.deepEqual(await committed(), [2]);
    });

    it('40001 at every COMMIT: ExceededMaxAttemptsError, nothing committed', async (t) => {
      if (testDb.dialect !== 'postgres') return t.skip('deferred constraint triggers are PostgreSQL-only');
      await fault.reset(10);
      let runs = 0;
      const error = await db
        .transaction(async () => {
          runs++;
          await db.query("INSERT INTO commit_faults VALUES ($1, '40001')", [runs]);
        }, { maxAttempts: 3 })
        .catch((e: unknown) => e);
      assert.ok(error instanceof ExceededMaxAttemptsError, String(error));
      assert.equal(runs, 3);
      assert.deepEqual(await committed(), []);
    });

    it('40003 at COMMIT: AmbiguousCommitError, not retried', async (t) => {
      if (testDb.dialect !== 'postgres') return t.skip('deferred constraint triggers are PostgreSQL-only');
      await fault.reset(1);
      let runs = 0;
      const error = await db
        .transaction(async () => {
          runs++;
          await db.query("INSERT INTO commit_faults VALUES ($1, '40003')", [runs]);
        })
        .catch((e: unknown) => e);
      assert.ok(error instanceof AmbiguousCommitError, String(error));
      assert.equal(runs, 1, 'an ambiguous commit is never re-run: it may have committed');
      // The pool still serves afterwards.
      assert.deepEqual((await db.query<{ one: number }>('SELECT 1 AS one')).rows, [{ one: 1 }]);
    });

    it('a non-retryable error at COMMIT reaches the caller as itself, nothing committed', async (t) => {
      if (testDb.dialect !== 'postgres') return t.skip('deferred constraint triggers are PostgreSQL-only');
      await fault.reset(1);
      const error = await db
        .transaction(() => db.query("INSERT INTO commit_faults VALUES (1, '23514')"))
        .catch((e: unknown) => e);
      assert.equal((error as { code?: string }).code, '23514', String(error));
      assert.deepEqual(await committed(), []);
      assert.deepEqual((await db.query<{ one: number }>('SELECT 1 AS one')).rows, [{ one: 1 }]);
    });
  });
}

describe('COMMIT answered with ROLLBACK', () => {
  it('throws TransactionAbortedError when the server rolled back instead of committing', async (t) => {
    if (testDb.dialect !== 'postgres') return t.skip('PostgreSQL answers COMMIT on an aborted transaction with ROLLBACK');
    const db = await connect('restart');
    try {
      await testDb.admin('CREATE TABLE IF NOT EXISTS aborted_notes (body TEXT)');
      let runs = 0;
      const error = await db
        .transaction(async () => {
          runs++;
          await db.query("INSERT INTO aborted_notes VALUES ('lost')");
          // Aborts the transaction behind the library's back (as other code sharing the connection could):
          // a failed statement straight on the pg client, its error swallowed, so only COMMIT can tell.
          await activeTransaction(db.host)!.client.query('SELECT * FROM no_such_table').catch(() => undefined);
        })
        .catch((e: unknown) => e);
      assert.ok(error instanceof TransactionAbortedError, String(error));
      assert.equal(runs, 1);
      assert.deepEqual(await testDb.admin('SELECT body FROM aborted_notes'), []);
    } finally {
      await db.close();
    }
  });
});
