import 'reflect-metadata';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Controller, Injectable, Post } from '@nestjs/common';
import { AmbiguousCommitError, CockroachDatabase, sql, Transactional } from '../../src/index.js';
import { beginTestTransaction, rollbackTestTransaction } from '../../src/testing/index.js';
import { createFlakyFunction } from '../support/flaky-function.js';
import { startSampleApp, type SampleApp } from './sample-app.fixture.js';

/** A route added to the sample app for this test only: its transaction calls flaky(), which raises real 40001s. */
@Injectable()
class FlakyService {
  constructor(private readonly db: CockroachDatabase) {}

  @Transactional({ maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5 })
  async call(): Promise<{ call: string }> {
    const { rows } = await this.db.query<{ call: string }>(sql`SELECT flaky() AS call`);
    return rows[0]!;
  }
}

@Controller('flaky')
class FlakyController {
  constructor(private readonly flaky: FlakyService) {}

  @Post()
  call(): Promise<{ call: string }> {
    return this.flaky.call();
  }

  /** What the engine throws when the connection dies during COMMIT (provoked for real in test/transaction/ambiguous-commit.spec.ts). */
  @Post('ambiguous')
  ambiguous(): never {
    throw new AmbiguousCommitError('The connection failed during COMMIT: the transaction may or may not have committed');
  }
}

// Each test runs in a test transaction that is rolled back after it; the retries happen on savepoints of it.
let sample: SampleApp;
let flaky: Awaited<ReturnType<typeof createFlakyFunction>>;
before(async () => {
  sample = await startSampleApp('sample_errors', [FlakyController], [FlakyService]);
  flaky = await createFlakyFunction(sample.testDb);
});
after(() => sample.close());
beforeEach(() => beginTestTransaction(sample.db));
afterEach(() => rollbackTestTransaction(sample.db));

/** Set inside the test transaction: on CockroachDB its snapshot would not see a change committed after it began. */
function failFirst(calls: number): Promise<void> {
  return flaky.reset(calls, (text, params) => sample.db.query(text, params));
}

describe('sample app: error mapping', () => {
  it('retries restart errors invisibly to the HTTP client', async () => {
    await failFirst(2);
    const response = await sample.http.post('/flaky').expect(201);
    assert.equal(response.body.call, '3'); // calls 1 and 2 raised 40001; the third attempt committed
  });

  it('answers 503 with Retry-After and the attempt count when every attempt lost (ExceededMaxAttemptsError)', async () => {
    await failFirst(10);
    const response = await sample.http.post('/flaky').expect(503);
    assert.equal(response.headers['retry-after'], '1');
    assert.equal(response.body.attempts, 3);
    assert.match(response.body.message, /did not commit; try again/);
  });

  it('answers 500 with outcome "unknown" for an AmbiguousCommitError, so the client checks before repeating', async () => {
    const response = await sample.http.post('/flaky/ambiguous').expect(500);
    assert.equal(response.body.outcome, 'unknown');
    assert.match(response.body.message, /may or may not have been saved/);
  });

  it('keeps Nest\'s own answers for everything else', async () => {
    const response = await sample.http.get('/no-such-route').expect(404);
    assert.equal(response.body.statusCode, 404);
  });
});
