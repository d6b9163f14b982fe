import { exporter } from '../telemetry/tracing.setup.js'; // first: the pg instrumentation must see pg load
import 'reflect-metadata';
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CockroachDatabase, type RetryInfo } from '../../src/index.js';
import { CapturedLogger } from '../support/captured-logger.js';
import { createFlakyFunction } from '../support/flaky-function.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * A retry caused by a 40001 the body wrapped (`throw new Error('repository
 * failed', { cause: pgError })`) is reported as what it is: SQLSTATE 40001,
 * found where the retry policy found it, in the cause chain. Not as a lost
 * connection, which is what reading `code` off the outer error alone says.
 */
let testDb: TestDatabase;
let flaky: Awaited<ReturnType<typeof createFlakyFunction>>;
let db: CockroachDatabase;
let logger: CapturedLogger;

before(async () => {
  testDb = await createTestDatabase('wrapped_code');
  flaky = await createFlakyFunction(testDb);
  logger = new CapturedLogger().install();
  db = await CockroachDatabase.connect({ url: testDb.url, retry: { strategy: 'restart', initialDelayMs: 1, maxDelayMs: 2 } });
});
after(async () => {
  await db.close();
  logger.restore();
  await testDb.drop();
});
beforeEach(async () => {
  await flaky.reset(1);
  exporter.reset();
  logger.lines.length = 0;
});

/** One transaction whose first attempt fails with a server-raised 40001 the body wraps in an application error. */
async function wrappedRetry(onRetry?: (info: RetryInfo) => void): Promise<void> {
  await db.transaction(
    async () => {
      try {
        await db.query('SELECT flaky()');
      } catch (pgError) {
        throw new Error('repository failed', { cause: pgError });
      }
    },
    onRetry ? { onRetry } : {},
  );
}

describe('a retry caused by a wrapped 40001 is reported with SQLSTATE 40001', () => {
  it('hands onRetry the error the body threw, with the 40001 in its cause', async () => {
    const retried: RetryInfo[] = [];
    await wrappedRetry((info) => retried.push(info));
    assert.equal(retried.length, 1);
    const [info] = retried;
    assert.ok(info!.error instanceof Error && info!.error.message === 'repository failed', String(info!.error));
    assert.equal((info!.error.cause as { code?: string }).code, '40001');
  });

  it('puts SQLSTATE 40001 on the cockroach.retry span event, not "connection lost"', async () => {
    await wrappedRetry();
    const spans = exporter.getFinishedSpans().filter((span) => span.name === 'cockroach.transaction');
    assert.equal(spans.length, 1);
    const retries = spans[0]!.events.filter((event) => event.name === 'cockroach.retry');
    assert.deepEqual(
      retries.map((event) => event.attributes?.['db.response.status_code']),
      ['40001'],
    );
  });

  it('names SQLSTATE 40001 in the debug line that logs the retry, not "connection lost"', async () => {
    await wrappedRetry();
    const retryLines = logger.lines.filter((line) => /Transaction attempt 1 failed/.test(line));
    assert.equal(retryLines.length, 1, logger.lines.join('\n'));
    assert.match(retryLines[0]!, /failed \(40001\)/);
  });
});
