import 'reflect-metadata';
import { after, before, beforeEach, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { CockroachDatabase, type RetryInfo, TransactionTimeoutError } from '../../src/index.js';
import { createFlakyFunction } from '../support/flaky-function.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * When the owner backs off between attempts, and for how long.
 *
 * The pause is jittered (`Math.random() · ceiling`); tests that need a known
 * pause pin the draw to the top of the range with `t.mock.method(Math,
 * 'random', …)`, so the pause is exactly the configured ceiling. The 40001s
 * come from the server (`flaky()`), and every time bound is relative to the
 * configured delays.
 */
let testDb: TestDatabase;
let flaky: Awaited<ReturnType<typeof createFlakyFunction>>;

before(async () => {
  testDb = await createTestDatabase('backoff');
  flaky = await createFlakyFunction(testDb);
  await testDb.admin('CREATE TABLE hot (id INT8 PRIMARY KEY, n INT8 NOT NULL)');
  await testDb.admin('INSERT INTO hot VALUES (1, 0)');
});
after(() => testDb.drop());

/** Every jittered pause is its ceiling: with initialDelayMs = maxDelayMs, exactly that. */
function pauseAtCeiling(t: TestContext): void {
  t.mock.method(Math, 'random', () => 1);
}

interface Answered {
  text: string;
  /** When the statement was sent and when its answer came (performance.now()). */
  sentAt: number;
  answeredAt: number;
}

for (const strategy of ['restart', 'savepoint'] as const) {
  describe(`the backoff sleeps after ROLLBACK, not while holding the attempt's locks, ${strategy} protocol`, () => {
    const delayMs = 1_000;
    let db: CockroachDatabase;
    let answered: Answered[] = [];
    before(async () => {
      db = await CockroachDatabase.connect({
        url: testDb.url,
        // immediateRetries 0: the savepoint protocol backs off at once too, with a full ROLLBACK.
        retry: { strategy, initialDelayMs: delayMs, maxDelayMs: delayMs, immediateRetries: 0 },
        onQuery: (event) => {
          const answeredAt = performance.now();
          answered.push({ text: event.text, sentAt: answeredAt - event.durationMs, answeredAt });
        },
      });
    });
    after(() => db.close());
    beforeEach(async () => {
      await testDb.admin('UPDATE hot SET n = 0');
      answered = [];
    });

    it('lets another connection take the row lock at once during the pause, and starts the next attempt only after the pause', async (t) => {
      // PostgreSQL releases an aborted transaction's locks at the error itself, before any ROLLBACK: there the
      // lock cannot tell when ROLLBACK was sent (the session's state can, below). CockroachDB holds them until ROLLBACK.
      if (testDb.dialect !== 'cockroach') return t.skip('CockroachDB holds a failed attempt’s locks until ROLLBACK; PostgreSQL does not');
      pauseAtCeiling(t);
      await flaky.reset(1);
      let runs = 0;
      let secondAttemptAt = 0;
      const retried: RetryInfo[] = [];
      let competitor: Promise<{ waitedMs: number; doneAt: number }> | undefined;
      await db.transaction(
        async () => {
          runs++;
          if (runs === 1) {
            await db.query('UPDATE hot SET n = n + 1 WHERE id = 1'); // the attempt now holds the row's lock
            // Another connection wants the same row: it waits for the lock as long as the attempt holds it.
            const startedAt = performance.now();
            competitor = testDb.admin('UPDATE hot SET n = n + 100 WHERE id = 1').then(() => {
              const doneAt = performance.now();
              return { waitedMs: doneAt - startedAt, doneAt };
            });
            await db.query('SELECT flaky()'); // a server-raised 40001
          } else {
            secondAttemptAt = performance.now();
            await db.query('SELECT flaky()');
          }
        },
        { onRetry: (info) => retried.push(info) },
      );
      assert.equal(runs, 2);
      assert.deepEqual(retried.map((info) => info.delayMs), [delayMs], 'one delayed retry, paused for exactly the ceiling');
      const { waitedMs, doneAt } = await competitor!;
      assert.ok(waitedMs < delayMs / 2, `the other connection waited ${Math.round(waitedMs)} ms for the lock: it was held during the ${delayMs} ms pause`);
      assert.ok(
        secondAttemptAt - doneAt >= delayMs / 2,
        `the next attempt began ${Math.round(secondAttemptAt - doneAt)} ms after the lock was free: the pause came before the ROLLBACK`,
      );
      assert.deepEqual(await testDb.admin('SELECT n::TEXT AS n FROM hot WHERE id = 1'), [{ n: '100' }], 'the failed attempt’s write was rolled back, the other connection’s committed');
    });

    it('has ended the transaction on the server during the pause: the session is idle, not idle in an aborted transaction', async (t) => {
      if (testDb.dialect !== 'postgres') return t.skip('reads pg_stat_activity, which CockroachDB does not fill');
      pauseAtCeiling(t);
      await flaky.reset(1);
      let runs = 0;
      let duringPause: Promise<Array<{ state: string | null; in_transaction: boolean }>> | undefined;
      await db.transaction(async () => {
        runs++;
        if (runs > 1) return;
        const [{ pid }] = (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows as [{ pid: number }];
        await db.query('SELECT flaky()').catch((error: unknown) => {
          // The 40001 is in: the pause runs for the next delayMs. Look at the session half-way through it.
          duringPause = sleep(delayMs / 2).then(() =>
            testDb.admin<{ state: string | null; in_transaction: boolean }>(
              'SELECT state, xact_start IS NOT NULL AS in_transaction FROM pg_stat_activity WHERE pid = $1',
              [pid],
            ),
          );
          throw error;
        });
      });
      assert.equal(runs, 2);
      assert.ok(duringPause, 'the first attempt failed with the 40001');
      assert.deepEqual(await duringPause, [{ state: 'idle', in_transaction: false }], 'ROLLBACK went out before the pause');
    });

    it('sends ROLLBACK before the pause and the next BEGIN after it (statement times)', async (t) => {
      pauseAtCeiling(t);
      await flaky.reset(1);
      await db.transaction(() => db.query('SELECT flaky()'));
      const rollback = answered.findIndex((statement) => statement.text === 'ROLLBACK');
      assert.ok(rollback > 0, answered.map((statement) => statement.text).join('\n'));
      const nextBegin = answered[rollback + 1]!;
      assert.match(nextBegin.text, /^BEGIN /);
      const pauseMs = nextBegin.sentAt - answered[rollback]!.answeredAt;
      assert.ok(pauseMs >= delayMs / 2, `${Math.round(pauseMs)} ms between ROLLBACK's answer and the next BEGIN: the pause was not there`);
      const failedAt = answered[rollback - 1]!;
      assert.equal(failedAt.text, 'SELECT flaky()');
      const heldMs = answered[rollback]!.sentAt - failedAt.answeredAt;
      assert.ok(heldMs < delayMs / 2, `ROLLBACK was sent ${Math.round(heldMs)} ms after the 40001: the attempt slept holding its locks`);
    });
  });
}

describe('retry.timeoutMs is not overshot by a backoff', () => {
  const timeoutMs = 300;
  const maxDelayMs = 2_000;
  let db: CockroachDatabase;
  before(async () => {
    db = await CockroachDatabase.connect({ url: testDb.url, retry: { strategy: 'restart', maxAttempts: 1_000 } });
  });
  after(() => db.close());

  async function timeOut(options: { initialDelayMs: number }): Promise<{ error: unknown; tookMs: number; attempts: number }> {
    await flaky.reset(1_000_000); // every attempt fails with 40001
    let attempts = 0;
    const started = performance.now();
    const error = await db
      .transaction(
        async () => {
          attempts++;
          await db.query('SELECT flaky()');
        },
        { timeoutMs, maxDelayMs, ...options },
      )
      .catch((e: unknown) => e);
    return { error, tookMs: performance.now() - started, attempts };
  }

  it('refuses a retry whose pause would end past the deadline, ending well before timeoutMs + maxDelayMs', async (t) => {
    pauseAtCeiling(t); // every pause is maxDelayMs: far past the deadline
    const { error, tookMs, attempts } = await timeOut({ initialDelayMs: maxDelayMs });
    assert.ok(error instanceof TransactionTimeoutError, String(error));
    assert.equal(error.timeoutMs, timeoutMs);
    assert.equal((error.cause as { code?: string }).code, '40001');
    assert.equal(attempts, 1, 'no attempt after a pause that passes the deadline');
    assert.ok(tookMs < timeoutMs + 500, `ended ${Math.round(tookMs)} ms after it began (timeoutMs ${timeoutMs}, maxDelayMs ${maxDelayMs})`);
  });

  it('with real jitter, still ends within timeoutMs plus a small margin', async () => {
    const { error, tookMs, attempts } = await timeOut({ initialDelayMs: 50 });
    assert.ok(error instanceof TransactionTimeoutError, String(error));
    assert.ok(attempts >= 1);
    assert.ok(tookMs < timeoutMs + 500, `ended ${Math.round(tookMs)} ms after it began (timeoutMs ${timeoutMs}, maxDelayMs ${maxDelayMs})`);
  });
});
