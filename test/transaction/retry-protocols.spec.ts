import 'reflect-metadata';
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CockroachDatabase, ExceededMaxAttemptsError, type RetryInfo, type RetryStrategy } from '../../src/index.js';
import { CapturedLogger } from '../support/captured-logger.js';
import { createFlakyFunction } from '../support/flaky-function.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let testDb: TestDatabase;
let flaky: Awaited<ReturnType<typeof createFlakyFunction>>;
let statements: string[] = [];

before(async () => {
  testDb = await createTestDatabase('retry');
  flaky = await createFlakyFunction(testDb);
  await testDb.admin('CREATE TABLE ledger (id INT8 PRIMARY KEY, note TEXT)');
});
after(() => testDb.drop());

async function connect(strategy: RetryStrategy, extra: Record<string, unknown> = {}): Promise<CockroachDatabase> {
  return CockroachDatabase.connect({
    url: testDb.url,
    retry: { strategy, initialDelayMs: 1, maxDelayMs: 5 },
    onQuery: (event) => statements.push(event.text),
    ...extra,
  });
}

async function ledgerCount(): Promise<number> {
  return Number((await testDb.admin<{ n: string }>('SELECT count(*) AS n FROM ledger'))[0]!.n);
}

for (const strategy of ['savepoint', 'restart'] as const) {
  describe(`deterministic retries, ${strategy} protocol`, () => {
    let db: CockroachDatabase;
    before(async () => {
      db = await connect(strategy);
    });
    after(() => db.close());
    beforeEach(async () => {
      await testDb.admin('DELETE FROM ledger');
      statements = [];
    });

    it('re-runs the body N+1 times and commits once when the server raises 40001 N times', async () => {
      await flaky.reset(3);
      let runs = 0;
      const retried: RetryInfo[] = [];
      const result = await db.transaction(async (tx) => {
        runs++;
        assert.equal(tx.attempt, runs);
        await db.query('INSERT INTO ledger (id, note) VALUES ($1, $2)', [runs, 'attempt']);
        return (await db.query<{ n: string }>('SELECT flaky() AS n')).rows[0]!.n;
      }, { onRetry: (info) => retried.push(info) });
      assert.equal(runs, 4);
      assert.equal(result, '4');
      assert.deepEqual(retried.map((info) => [info.attempt, info.strategy]), [[1, strategy], [2, strategy], [3, strategy]]);
      assert.equal(await ledgerCount(), 1, 'only the successful attempt’s insert is committed');
      assert.deepEqual(await testDb.admin('SELECT id FROM ledger'), [{ id: '4' }]);
    });

    it('throws ExceededMaxAttemptsError when maxAttempts ≤ N, with the 40001 as cause, committing nothing', async () => {
      await flaky.reset(5);
      let runs = 0;
      const error = await db
        .transaction(
          async () => {
            runs++;
            await db.query('INSERT INTO ledger (id, note) VALUES ($1, $2)', [runs, 'attempt']);
            await db.query('SELECT flaky()');
          },
          { maxAttempts: 3 },
        )
        .catch((e: unknown) => e);
      assert.ok(error instanceof ExceededMaxAttemptsError);
      assert.equal(error.attempts, 3);
      assert.equal((error.cause as { code?: string }).code, '40001');
      assert.equal(runs, 3);
      assert.equal(await ledgerCount(), 0);
    });
  });
}

describe('exact SQL sent by each protocol', () => {
  const begin = 'BEGIN TRANSACTION ISOLATION LEVEL SERIALIZABLE';
  let savepoint: CockroachDatabase;
  let restart: CockroachDatabase;
  before(async () => {
    savepoint = await connect('savepoint');
    restart = await connect('restart');
  });
  after(() => Promise.all([savepoint.close(), restart.close()]));
  beforeEach(() => {
    statements = [];
  });

  const body = (db: CockroachDatabase) => () => db.query('SELECT flaky()');

  it('savepoint protocol, success: 3 round trips', async () => {
    await flaky.reset(0);
    await savepoint.transaction(body(savepoint));
    assert.deepEqual(statements, [
      `${begin}; SAVEPOINT cockroach_restart`,
      'SELECT flaky()',
      'RELEASE SAVEPOINT cockroach_restart; COMMIT',
    ]);
  });

  it('savepoint protocol, one retry: rolls back to the savepoint and re-runs at once', async () => {
    await flaky.reset(1);
    await savepoint.transaction(body(savepoint));
    assert.deepEqual(statements, [
      `${begin}; SAVEPOINT cockroach_restart`,
      'SELECT flaky()',
      'ROLLBACK TO SAVEPOINT cockroach_restart',
      'SELECT flaky()',
      'RELEASE SAVEPOINT cockroach_restart; COMMIT',
    ]);
  });

  it('savepoint protocol, a later retry: ROLLBACK before the backoff sleep, then a fresh BEGIN', async () => {
    await flaky.reset(2);
    await savepoint.transaction(body(savepoint));
    assert.deepEqual(statements, [
      `${begin}; SAVEPOINT cockroach_restart`,
      'SELECT flaky()',
      'ROLLBACK TO SAVEPOINT cockroach_restart',
      'SELECT flaky()',
      'ROLLBACK',
      `${begin}; SAVEPOINT cockroach_restart`,
      'SELECT flaky()',
      'RELEASE SAVEPOINT cockroach_restart; COMMIT',
    ]);
  });

  it('savepoint protocol, exhaustion: ends with ROLLBACK', async () => {
    await flaky.reset(5);
    await assert.rejects(savepoint.transaction(body(savepoint), { maxAttempts: 2 }), ExceededMaxAttemptsError);
    assert.deepEqual(statements, [
      `${begin}; SAVEPOINT cockroach_restart`,
      'SELECT flaky()',
      'ROLLBACK TO SAVEPOINT cockroach_restart',
      'SELECT flaky()',
      'ROLLBACK',
    ]);
  });

  it('restart protocol, success and one retry', async () => {
    await flaky.reset(1);
    await restart.transaction(body(restart));
    assert.deepEqual(statements, [begin, 'SELECT flaky()', 'ROLLBACK', begin, 'SELECT flaky()', 'COMMIT']);
  });

  it('restart protocol, exhaustion', async () => {
    await flaky.reset(5);
    await assert.rejects(restart.transaction(body(restart), { maxAttempts: 2 }), ExceededMaxAttemptsError);
    assert.deepEqual(statements, [begin, 'SELECT flaky()', 'ROLLBACK', begin, 'SELECT flaky()', 'ROLLBACK']);
  });

  it('puts the priority into BEGIN on CockroachDB', async (t) => {
    if (savepoint.dialect !== 'cockroach') return t.skip('needs CockroachDB: PostgreSQL has no priorities');
    await flaky.reset(0);
    await savepoint.transaction(() => savepoint.query('SELECT 1'), { priority: 'high' });
    assert.equal(statements[0], `${begin}, PRIORITY HIGH; SAVEPOINT cockroach_restart`);
  });

  it('sends AS OF SYSTEM TIME as a validated literal in BEGIN on CockroachDB', async (t) => {
    if (restart.dialect !== 'cockroach') return t.skip('needs CockroachDB: PostgreSQL has no AS OF SYSTEM TIME');
    await restart.transaction(() => restart.query('SELECT 1'), { asOfSystemTime: '-10s' });
    assert.deepEqual(statements, [`${begin}, READ ONLY, AS OF SYSTEM TIME '-10s'`, 'SELECT 1', 'COMMIT']);
  });
});

describe('priority and bounded staleness on PostgreSQL', () => {
  const begin = 'BEGIN TRANSACTION ISOLATION LEVEL SERIALIZABLE';
  let logger: CapturedLogger;
  let db: CockroachDatabase;
  before(async () => {
    logger = new CapturedLogger().install();
    db = await connect('auto');
  });
  after(async () => {
    await db.close();
    logger.restore();
  });
  beforeEach(() => {
    statements = [];
  });
  const warnings = (about: RegExp) => logger.lines.filter((line) => line.startsWith('warn:') && about.test(line));

  it('leaves the priority out of BEGIN and warns once that it is ignored', async (t) => {
    if (db.dialect !== 'postgres') return t.skip('PostgreSQL behaviour');
    await db.transaction(() => db.query('SELECT 1'), { priority: 'high' });
    await db.transaction(() => db.query('SELECT 1'), { priority: 'low' });
    assert.deepEqual(statements, [begin, 'SELECT 1', 'COMMIT', begin, 'SELECT 1', 'COMMIT']);
    assert.equal(warnings(/no transaction priorities/).length, 1, logger.lines.join('\n'));
  });

  it('runs a bounded-staleness read as a READ ONLY transaction on current data, and warns once', async (t) => {
    if (db.dialect !== 'postgres') return t.skip('PostgreSQL behaviour');
    await testDb.admin("INSERT INTO ledger VALUES (7, 'now') ON CONFLICT DO NOTHING");
    const read = () => db.transaction(async () => (await db.query('SELECT note FROM ledger WHERE id = 7')).rows, { asOfSystemTime: '-10s' });
    assert.deepEqual(await read(), [{ note: 'now' }], 'current data, not a past snapshot');
    await read();
    assert.deepEqual(statements, [`${begin}, READ ONLY`, 'SELECT note FROM ledger WHERE id = 7', 'COMMIT', `${begin}, READ ONLY`, 'SELECT note FROM ledger WHERE id = 7', 'COMMIT']);
    assert.equal(warnings(/no AS OF SYSTEM TIME/).length, 1, logger.lines.join('\n'));
  });
});

describe('CockroachDB-only transaction SQL', () => {
  it('runs a HIGH priority transaction and a historical read on the server', async (t) => {
    if (testDb.dialect !== 'cockroach') return t.skip('needs CockroachDB');
    const db = await connect('auto');
    try {
      const priority = await db.transaction(
        async () => Object.values((await db.query('SHOW transaction_priority')).rows[0]!)[0],
        { priority: 'high' },
      );
      assert.equal(priority, 'high');
      await testDb.admin('DELETE FROM ledger');
      await new Promise((resolve) => setTimeout(resolve, 1200));
      await testDb.admin("INSERT INTO ledger VALUES (99, 'new')");
      const past = await db.transaction(async () => (await db.query('SELECT count(*) AS n FROM ledger')).rows[0]!.n, {
        asOfSystemTime: '-1s',
      });
      assert.equal(past, '0', 'the row inserted after the historical timestamp is not visible');
    } finally {
      await db.close();
    }
  });
});
