import 'reflect-metadata';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { beginTestTransaction, rollbackTestTransaction } from '../../src/testing/index.js';
import { startSampleApp, type SampleApp } from './sample-app.fixture.js';

// Each test runs in a test transaction that is rolled back after it; the ping itself takes a pooled connection of its own.
let sample: SampleApp;
before(async () => {
  sample = await startSampleApp('sample_health');
});
after(() => sample.close());
beforeEach(() => beginTestTransaction(sample.db));
afterEach(() => rollbackTestTransaction(sample.db));

describe('sample app: GET /health', () => {
  it('answers 200 with the database up, as terminus reports it', async () => {
    const response = await sample.http.get('/health').expect(200);
    assert.equal(response.body.status, 'ok');
    assert.equal(response.body.info.database.status, 'up');
    assert.equal(response.body.info.database.dialect, sample.testDb.dialect);
    assert.equal(typeof response.body.info.database.responseTimeMs, 'number');
  });
});
