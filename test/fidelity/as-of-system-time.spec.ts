import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CockroachDatabase, ConfigurationError } from '../../src/index.js';
import { explainAsOfSystemTimeRefusal, parseAsOfSystemTime } from '../../src/transaction/as-of-system-time.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * CockroachDB's interval parser gives every number its own sign (its tests
 * pin '1w -1d' as 6 days and '86400s -60000ms 100us' as 23:59:00.0001), so
 * '-1m30s' reads as -1 min + 30 s. The library sends what the caller means.
 */
describe('asOfSystemTime: a several-part interval means what the caller thinks', () => {
  const sqlOf = (value: string) => parseAsOfSystemTime(value).sql;

  it("sends '-1m30s' as one total of 90 s, not as CockroachDB's -1 min + 30 s", () => {
    assert.equal(sqlOf('-1m30s'), "'-90000000us'");
  });

  it('adds fractions and every unit exactly, in whole microseconds', () => {
    assert.equal(sqlOf('-1.5h30m'), "'-7200000000us'");
    assert.equal(sqlOf('-1s500ms'), "'-1500000us'");
    assert.equal(sqlOf('-1s1000000us'), "'-2000000us'", 'CockroachDB would read the caller’s string as zero');
    assert.equal(sqlOf('-1h1m1s1ms1us'), "'-3661001001us'");
  });

  it('sends a one-part interval as written, since it means the same to both', () => {
    assert.equal(sqlOf('-10s'), "'-10s'");
    assert.equal(sqlOf('-1.5h'), "'-1.5h'");
    assert.equal(sqlOf('-500ms'), "'-500ms'");
  });

  it('refuses a repeated unit or a smaller unit before a larger one, before any SQL', () => {
    for (const value of ['-1s2s', '-30s1m', '-1ms1s', '-1m1m']) {
      assert.throws(
        () => parseAsOfSystemTime(value),
        (error: unknown) =>
          error instanceof ConfigurationError &&
          error.option === 'asOfSystemTime' &&
          error.message.includes('repeats a unit or lists a smaller unit before a larger one'),
        value,
      );
    }
  });

  it('refuses a part finer than a microsecond instead of rounding it', () => {
    assert.throws(() => parseAsOfSystemTime('-1.0000005s'), /not a whole number of microseconds/);
    assert.throws(() => parseAsOfSystemTime('-0.5us'), /not a whole number of microseconds/);
  });
});

describe('asOfSystemTime: a Date the server thinks is in the future', () => {
  const target = parseAsOfSystemTime(new Date(Date.now() - 1));

  it("turns CockroachDB's refusal into a ConfigurationError that names the clock skew, keeping the server's error as cause", () => {
    const refusal = Object.assign(new Error('AS OF SYSTEM TIME: cannot specify timestamp in the future (1700000000.000000000,0 > 1699999999.000000000,0)'), {
      code: 'XXUUU',
    });
    const explained = explainAsOfSystemTimeRefusal(refusal, target);
    assert.ok(explained instanceof ConfigurationError);
    assert.equal(explained.option, 'asOfSystemTime');
    assert.match(explained.message, /server's clock puts '.*' in the future/);
    assert.equal(explained.cause, refusal);
  });

  it('leaves every other error, and intervals, alone', () => {
    const other = new Error('relation "accounts" does not exist');
    assert.equal(explainAsOfSystemTimeRefusal(other, target), other);
    const future = new Error('AS OF SYSTEM TIME: cannot specify timestamp in the future');
    assert.equal(explainAsOfSystemTimeRefusal(future, parseAsOfSystemTime('-10s')), future);
  });
});

describe('asOfSystemTime on a real CockroachDB', () => {
  let testDb: TestDatabase;
  let db: CockroachDatabase;
  const sent: string[] = [];
  before(async () => {
    testDb = await createTestDatabase('aost');
    db = await CockroachDatabase.connect({ url: testDb.url, onQuery: (event) => sent.push(event.text) });
  });
  after(async () => {
    await db.close();
    await testDb.drop();
  });

  it("reads '-1m30s' at least 90 s back by the server's own clock", async (t) => {
    if (db.dialect !== 'cockroach') return t.skip('AS OF SYSTEM TIME needs CockroachDB');
    const lag = await db.transaction(
      async () => {
        const { rows } = await db.query<{ lag: string }>(
          'SELECT extract(epoch FROM (statement_timestamp() - transaction_timestamp()))::FLOAT8 AS lag',
        );
        return Number(rows[0]!.lag);
      },
      { asOfSystemTime: '-1m30s' },
    );
    assert.ok(sent.some((text) => text.includes("AS OF SYSTEM TIME '-90000000us'")), sent.join('\n'));
    assert.ok(lag >= 89 && lag < 300, `the transaction's timestamp is ${lag} s back, expected about 90`);
  });
});
