import 'reflect-metadata';
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CockroachDatabase, type RetryInfo, StatementTimeoutError } from '../../src/index.js';
import { createFlakyFunction } from '../support/flaky-function.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * A transaction's `statementTimeoutMs` is a `SET LOCAL statement_timeout` in
 * its opening batch. On the savepoint protocol it must come before
 * `SAVEPOINT cockroach_restart`: a `ROLLBACK TO SAVEPOINT` undoes every
 * setting made after the savepoint, so a SET LOCAL sent after it would be
 * gone from the retry on. The savepoint protocol is forced with
 * `retry: { strategy: 'savepoint' }`, which runs on PostgreSQL too.
 */
let testDb: TestDatabase;
let flaky: Awaited<ReturnType<typeof createFlakyFunction>>;
let statements: string[] = [];

const BEGIN = 'BEGIN TRANSACTION ISOLATION LEVEL SERIALIZABLE';

before(async () => {
  testDb = await createTestDatabase('timeout_retries');
  flaky = await createFlakyFunction(testDb);
});
after(() => testDb.drop());
beforeEach(() => {
  statements = [];
});

function connect(strategy: 'savepoint' | 'restart', immediateRetries = 1): Promise<CockroachDatabase> {
  return CockroachDatabase.connect({
    url: testDb.url,
    retry: { strategy, initialDelayMs: 1, maxDelayMs: 2, immediateRetries },
    onQuery: (event) => statements.push(event.text),
  });
}

describe('the opening batch sets the statement timeout before the restart savepoint (exact SQL)', () => {
  it('savepoint protocol: BEGIN; SET LOCAL statement_timeout; SAVEPOINT, and a retry that rewinds to the savepoint sends no second SET', async () => {
    const db = await connect('savepoint');
    try {
      await flaky.reset(1);
      await db.transaction(() => db.query('SELECT flaky()'), { statementTimeoutMs: 2000 });
      assert.deepEqual(statements, [
        `${BEGIN}; SET LOCAL statement_timeout = 2000; SAVEPOINT cockroach_restart`,
        'SELECT flaky()',
        'ROLLBACK TO SAVEPOINT cockroach_restart',
        'SELECT flaky()',
        'RELEASE SAVEPOINT cockroach_restart; COMMIT',
      ]);
    } finally {
      await db.close();
    }
  });

  it('restart protocol: BEGIN; SET LOCAL statement_timeout, sent again with every fresh BEGIN', async () => {
    const db = await connect('restart');
    try {
      await flaky.reset(1);
      await db.transaction(() => db.query('SELECT flaky()'), { statementTimeoutMs: 2000 });
      const opening = `${BEGIN}; SET LOCAL statement_timeout = 2000`;
      assert.deepEqual(statements, [opening, 'SELECT flaky()', 'ROLLBACK', opening, 'SELECT flaky()', 'COMMIT']);
    } finally {
      await db.close();
    }
  });
});

describe('the statement timeout still applies after a retry on the savepoint protocol', () => {
  const statementTimeoutMs = 300;
  /** Far longer than the timeout: only the server's statement_timeout ends it early. */
  const SLOW = 'SELECT pg_sleep(5)';

  for (const [retry, immediateRetries] of [
    ['rewound to the savepoint (ROLLBACK TO SAVEPOINT)', 1],
    ['begun afresh after a ROLLBACK', 0],
  ] as const) {
    describe(`a retry ${retry}`, () => {
      let db: CockroachDatabase;
      before(async () => {
        db = await connect('savepoint', immediateRetries);
      });
      after(() => db.close());

      it('still runs under statement_timeout', async () => {
        await flaky.reset(1);
        const seen: string[] = [];
        await db.transaction(
          async () => {
            seen.push((await db.query<{ statement_timeout: string }>('SHOW statement_timeout')).rows[0]!.statement_timeout);
            await db.query('SELECT flaky()');
          },
          { statementTimeoutMs },
        );
        // '300ms' on PostgreSQL; compared with the first attempt's, so the test does not depend on how a server formats it.
        assert.equal(seen.length, 2);
        assert.notEqual(seen[0], '0', 'the first attempt ran under the transaction’s timeout');
        assert.equal(seen[1], seen[0], 'so did the retry');
        assert.equal(statements.includes('ROLLBACK TO SAVEPOINT cockroach_restart'), immediateRetries === 1, statements.join('\n'));
      });

      it('fails its slow statement with the server’s StatementTimeoutError, on the second attempt', async () => {
        await flaky.reset(1);
        let runs = 0;
        const retried: RetryInfo[] = [];
        const error = await db
          .transaction(
            async () => {
              runs++;
              if (runs === 1) await db.query('SELECT flaky()'); // a server-raised 40001
              else await db.query(SLOW);
            },
            { statementTimeoutMs, onRetry: (info) => retried.push(info) },
          )
          .catch((e: unknown) => e);
        assert.ok(error instanceof StatementTimeoutError, String(error));
        // 'server': the server's statement_timeout cancelled it. A client-side deadline would mean the
        // connection was destroyed because the server never enforced the timeout.
        assert.equal(error.side, 'server');
        assert.equal(error.timeoutMs, statementTimeoutMs);
        assert.equal(runs, 2, 'the timeout is not retried, and no attempt ran without it');
        assert.equal(retried.length, 1);
      });
    });
  }
});
