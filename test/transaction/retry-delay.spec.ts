import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CockroachDatabase, type RetryInfo } from '../../src/index.js';
import { retryDelay } from '../../src/transaction/retry-policy.js';
import { resolveTransactionOptions } from '../../src/transaction/transaction-options.js';
import { createFlakyFunction } from '../support/flaky-function.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const LIMITS = { initialDelayMs: 100, maxDelayMs: 2000 };
const highest = () => 1; // the top of the jitter range: the ceiling itself
const lowest = () => 0;

describe('retryDelay: the pause before a delayed retry', () => {
  it('doubles from initialDelayMs when attempts are quick, up to maxDelayMs', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map((n) => retryDelay(n, 2, LIMITS, highest)),
      [100, 200, 400, 800, 1600, 2000],
    );
  });

  it('starts from the failed attempt’s duration when that is longer', () => {
    assert.deepEqual([1, 2, 3].map((n) => retryDelay(n, 300, LIMITS, highest)), [300, 600, 1200]);
    assert.equal(retryDelay(1, 5000, LIMITS, highest), 2000, 'still capped');
  });

  it('defaults to 100 ms doubling to 2 s, the values the contention bench chose', () => {
    const { initialDelayMs, maxDelayMs } = resolveTransactionOptions(undefined);
    assert.deepEqual({ initialDelayMs, maxDelayMs }, { initialDelayMs: 100, maxDelayMs: 2000 });
  });

  it('jitters over the whole range, down to no pause at all', () => {
    assert.equal(retryDelay(3, 2, LIMITS, lowest), 0);
    assert.equal(retryDelay(1, 2, LIMITS, () => 0.5), 50);
  });
});

describe('the runner pauses in proportion to a slow failed attempt', () => {
  let testDb: TestDatabase;
  let flaky: Awaited<ReturnType<typeof createFlakyFunction>>;
  before(async () => {
    testDb = await createTestDatabase('retry_delay');
    flaky = await createFlakyFunction(testDb);
  });
  after(() => testDb.drop());

  it('waits longer than initialDelayMs after attempts that took ~150 ms', async () => {
    const db = await CockroachDatabase.connect({ url: testDb.url, retry: { strategy: 'restart', initialDelayMs: 1, maxDelayMs: 10_000 } });
    try {
      await flaky.reset(3);
      const retries: RetryInfo[] = [];
      await db.transaction(
        async () => {
          await db.query('SELECT pg_sleep(0.15)');
          await db.query('SELECT flaky()');
        },
        { onRetry: (info) => retries.push(info) },
      );
      assert.equal(retries.length, 3);
      // With a fixed 1 ms base every pause would be ≤ 1, 2 and 4 ms; a ~150 ms base makes
      // all three that small only with probability ~(1/150)·(2/300)·(4/600).
      const delays = retries.map((info) => info.delayMs);
      assert.ok(delays.some((delay, i) => delay > 2 ** i), `pauses ${delays.join(', ')} ms ignore the attempts' duration`);
    } finally {
      await db.close();
    }
  });
});
