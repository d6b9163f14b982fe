import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CockroachDatabase, ConfigurationError, Transactional, UnsupportedFeatureError, type TransactionOptions } from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let testDb: TestDatabase;
let db: CockroachDatabase;
const sent: string[] = [];
before(async () => {
  testDb = await createTestDatabase('badtx');
  db = await CockroachDatabase.connect({ url: testDb.url, onQuery: (event) => sent.push(event.text) });
  sent.length = 0;
});
after(async () => {
  await db.close();
  await testDb.drop();
});

const badOptions: Array<[string, TransactionOptions]> = [
  ['maxAttempts', { maxAttempts: 0 }],
  ['maxAttempts', { maxAttempts: -1 }],
  ['maxAttempts', { maxAttempts: 1.5 }],
  ['maxAttempts', { maxAttempts: Number.NaN }],
  ['priority', { priority: 'urgent' as never }],
  ['asOfSystemTime', { asOfSystemTime: "-1s'; DROP TABLE x; --" }],
  ['asOfSystemTime', { asOfSystemTime: '10s' }],
  ['asOfSystemTime', { asOfSystemTime: 'now()' }],
  ['asOfSystemTime', { asOfSystemTime: new Date(Date.now() + 60_000) }],
  ['asOfSystemTime', { asOfSystemTime: new Date('nope') }],
  ['isolation', { isolation: 'snapshot' as never }],
  ['propagation', { propagation: 'sometimes' as never }],
  ['readOnly', { asOfSystemTime: '-5s', readOnly: false }],
  ['strategy', { strategy: 'pray' as never }],
];

describe('bad transaction input', () => {
  for (const [option, options] of badOptions) {
    it(`rejects ${option} = ${String(JSON.stringify(options))} before any SQL is sent`, async () => {
      const isTheError = (error: unknown) => error instanceof ConfigurationError && error.option === option;
      await assert.rejects(db.transaction(async () => 'never', options), isTheError);
      assert.throws(() => {
        class Service {
          @Transactional(options)
          async run(): Promise<void> {}
        }
        return Service;
      }, isTheError);
      assert.deepEqual(sent, [], 'no SQL was sent');
    });
  }

  it('rejects the positional shorthand with bad values', () => {
    assert.throws(() => Transactional(0), ConfigurationError);
    assert.throws(() => Transactional(3, 'urgent' as never), ConfigurationError);
  });

  it('refuses an exact historical time on PostgreSQL with UnsupportedFeatureError, sending nothing', async (t) => {
    if (db.dialect !== 'postgres') return t.skip('CockroachDB supports exact AS OF SYSTEM TIME');
    await assert.rejects(db.transaction(async () => 1, { asOfSystemTime: new Date(Date.now() - 1000) }), UnsupportedFeatureError);
    assert.deepEqual(sent, []);
  });
});
