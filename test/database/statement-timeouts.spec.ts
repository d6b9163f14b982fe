import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CockroachDatabase, StatementTimeoutError, TransactionTimeoutError } from '../../src/index.js';
import { createFlakyFunction } from '../support/flaky-function.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let testDb: TestDatabase;
let flaky: Awaited<ReturnType<typeof createFlakyFunction>>;
before(async () => {
  testDb = await createTestDatabase('timeouts');
  flaky = await createFlakyFunction(testDb);
});
after(() => testDb.drop());

/** `pg_sleep` on PostgreSQL; CockroachDB has it too. Long enough that only a timeout ends it early. */
const SLOW_STATEMENT = 'SELECT pg_sleep(5)';

function isServerTimeout(timeoutMs: number) {
  return (error: unknown) => error instanceof StatementTimeoutError && error.side === 'server' && error.timeoutMs === timeoutMs;
}

describe('statementTimeoutMs in the module options', () => {
  let db: CockroachDatabase;
  before(async () => {
    db = await CockroachDatabase.connect({ url: testDb.url, statementTimeoutMs: 200, pool: { max: 1 } });
  });
  after(() => db.close());

  it('has the server cancel a slow statement: a server-side StatementTimeoutError, the connection kept', async () => {
    await assert.rejects(db.query(SLOW_STATEMENT), isServerTimeout(200));
    assert.deepEqual((await db.query('SELECT 1 AS one')).rows, [{ one: 1 }]);
    assert.equal(db.poolStats().total, 1, 'the same connection served the next statement');
  });

  it('does not retry a transaction whose statement timed out', async () => {
    let attempts = 0;
    await assert.rejects(
      db.runTransaction(async () => {
        attempts++;
        await db.query(SLOW_STATEMENT);
      }),
      isServerTimeout(200),
    );
    assert.equal(attempts, 1);
  });
});

describe('statementTimeoutMs per transaction', () => {
  let db: CockroachDatabase;
  before(async () => {
    db = await CockroachDatabase.connect({ url: testDb.url });
  });
  after(() => db.close());

  it('bounds only that transaction (SET LOCAL), on a connection with no timeout of its own', async () => {
    await assert.rejects(
      db.runTransaction(() => db.query(SLOW_STATEMENT), { statementTimeoutMs: 150 }),
      isServerTimeout(150),
    );
    const rows = await db.runTransaction(async () => (await db.query<{ statement_timeout: string }>('SHOW statement_timeout')).rows);
    assert.equal(rows[0]!.statement_timeout, '0', 'the next transaction on the connection has no timeout');
  });

  it('refuses a value that is not a positive integer before any SQL', async () => {
    await assert.rejects(db.runTransaction(async () => 1, { statementTimeoutMs: 1.5 }), /statementTimeoutMs/);
  });
});

describe('timeoutMs: a deadline across all attempts of a transaction', () => {
  let db: CockroachDatabase;
  before(async () => {
    db = await CockroachDatabase.connect({ url: testDb.url, retry: { maxAttempts: 1000, initialDelayMs: 20, maxDelayMs: 40 } });
  });
  after(() => db.close());

  it('stops retrying once it has passed and says so with TransactionTimeoutError', async () => {
    await flaky.reset(1_000_000);
    let attempts = 0;
    const started = performance.now();
    await assert.rejects(
      db.runTransaction(
        async () => {
          attempts++;
          await db.query('SELECT flaky()');
        },
        { timeoutMs: 300 },
      ),
      (error) => error instanceof TransactionTimeoutError && error.timeoutMs === 300 && error.attempts === attempts,
    );
    assert.ok(attempts > 1 && attempts < 1000, `${attempts} attempts`);
    assert.ok(performance.now() - started >= 300 - 40, 'it retried until the deadline was close');
  });

  it('lets a transaction that succeeds in time commit', async () => {
    await flaky.reset(2);
    assert.equal(await db.runTransaction(async () => (await db.query<{ n: string }>('SELECT flaky() AS n')).rows[0]!.n, { timeoutMs: 10_000 }), '3');
  });
});
