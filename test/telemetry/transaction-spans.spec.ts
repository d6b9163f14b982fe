import { exporter } from './tracing.setup.js'; // first: the pg instrumentation must see pg load
import 'reflect-metadata';
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SpanStatusCode } from '@opentelemetry/api';
import { AmbiguousCommitError, CockroachDatabase, ExceededMaxAttemptsError } from '../../src/index.js';
import { createFlakyFunction } from '../support/flaky-function.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let testDb: TestDatabase;
let db: CockroachDatabase;
let flaky: Awaited<ReturnType<typeof createFlakyFunction>>;

before(async () => {
  testDb = await createTestDatabase('otel');
  flaky = await createFlakyFunction(testDb);
  await testDb.admin('CREATE TABLE items (id INT8 PRIMARY KEY)');
  db = await CockroachDatabase.connect({ url: testDb.url, retry: { initialDelayMs: 1, maxDelayMs: 2 } });
});
after(async () => {
  await db.close();
  await testDb.drop();
});
beforeEach(async () => {
  await flaky.reset(0);
  exporter.reset();
});

function transactionSpans(): ReadableSpan[] {
  return exporter.getFinishedSpans().filter((span) => span.name === 'cockroach.transaction');
}

const expectedSystem = () => (testDb.dialect === 'cockroach' ? 'cockroachdb' : 'postgresql');

describe('a cockroach.transaction span per owned transaction', () => {
  it('records a commit: system, attempts, outcome, and no error status', async () => {
    await db.runTransaction(async () => {
      await db.query('INSERT INTO items VALUES (1)');
    });
    const [span, ...others] = transactionSpans();
    assert.equal(others.length, 0);
    assert.deepEqual(span!.attributes, {
      'db.system.name': expectedSystem(),
      'cockroach.transaction.attempts': 1,
      'cockroach.transaction.outcome': 'committed',
    });
    assert.notEqual(span!.status.code, SpanStatusCode.ERROR);
  });

  it('adds a cockroach.retry event with the SQLSTATE and delay for each retry', async () => {
    await flaky.reset(2);
    await db.transaction(async () => {
      await db.query('SELECT flaky()');
    });
    const [span] = transactionSpans();
    assert.equal(span!.attributes['cockroach.transaction.attempts'], 3);
    const retries = span!.events.filter((event) => event.name === 'cockroach.retry');
    assert.equal(retries.length, 2);
    for (const event of retries) {
      assert.equal(event.attributes?.['db.response.status_code'], '40001');
      assert.equal(typeof event.attributes?.['cockroach.retry.delay_ms'], 'number');
    }
  });

  it('marks rolled_back and exceeded outcomes with ERROR status', async () => {
    await assert.rejects(db.transaction(async () => Promise.reject(new Error('app failure'))));
    await flaky.reset(5);
    await assert.rejects(db.transaction(() => db.query('SELECT flaky()'), { maxAttempts: 2 }), ExceededMaxAttemptsError);
    const [rolledBack, exceeded] = transactionSpans();
    assert.equal(rolledBack!.attributes['cockroach.transaction.outcome'], 'rolled_back');
    assert.equal(rolledBack!.status.code, SpanStatusCode.ERROR);
    assert.equal(exceeded!.attributes['cockroach.transaction.outcome'], 'exceeded');
    assert.equal(exceeded!.attributes['cockroach.transaction.attempts'], 2);
    assert.equal(exceeded!.status.code, SpanStatusCode.ERROR);
    void AmbiguousCommitError;
  });

  it('adds no span for joined (nested) calls', async () => {
    await db.transaction(async () => {
      await db.transaction(async () => {
        await db.query('SELECT 1');
      });
      await db.transaction(() => db.query('SELECT 2'));
    });
    assert.equal(transactionSpans().length, 1);
  });
});

describe('with @opentelemetry/instrumentation-pg', () => {
  it('nests the statement spans of a transaction (BEGIN, body, COMMIT) under its span', async () => {
    await db.transaction(async () => {
      await db.query('INSERT INTO items VALUES (42)');
    });
    const [transactionSpan] = transactionSpans();
    const id = transactionSpan!.spanContext().spanId;
    const statementSpans = exporter.getFinishedSpans().filter((span) => span !== transactionSpan && span.parentSpanContext?.spanId === id);
    const texts = statementSpans.map((span) => String(span.attributes['db.query.text'] ?? span.attributes['db.statement']));
    assert.ok(texts.some((text) => text.startsWith('BEGIN')), `statement spans: ${JSON.stringify(texts)}`);
    assert.ok(texts.includes('INSERT INTO items VALUES (42)'), `statement spans: ${JSON.stringify(texts)}`);
    assert.ok(texts.some((text) => text.includes('COMMIT')), `statement spans: ${JSON.stringify(texts)}`);
  });
});
