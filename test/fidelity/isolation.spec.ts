import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { CockroachDatabase, UnsupportedFeatureError } from '../../src/index.js';
import { parseServerVersion } from '../../src/connection/server-info.js';
import { checkIsolation, checkIsolationSupported } from '../../src/transaction/isolation-check.js';
import { resolveTransactionOptions } from '../../src/transaction/transaction-options.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const readCommitted = resolveTransactionOptions({ isolation: 'read committed' });
const serializable = resolveTransactionOptions({});
const cockroach = (version: string) => parseServerVersion(`CockroachDB CCL v${version} (x86_64-pc-linux-gnu, built 2024/01/01 00:00:00, go1.21)`);

let testDb: TestDatabase;
let db: CockroachDatabase;
const sent: string[] = [];
before(async () => {
  testDb = await createTestDatabase('isolation');
  db = await CockroachDatabase.connect({ url: testDb.url, pool: { max: 1 }, onQuery: (event) => sent.push(event.text) });
});
after(async () => {
  await db.close();
  await testDb.drop();
});

describe('isolation: READ COMMITTED on a CockroachDB without it is refused before any SQL', () => {
  it('refuses it on CockroachDB 23.1 and older, which would silently run SERIALIZABLE', () => {
    for (const version of ['23.1.11', '22.2.0']) {
      assert.throws(() => checkIsolationSupported(readCommitted, cockroach(version)), (error: unknown) => {
        return error instanceof UnsupportedFeatureError && /has no READ COMMITTED isolation/.test(error.message);
      });
    }
  });

  it('lets 23.2 and later through to the in-transaction check, and never stops SERIALIZABLE or PostgreSQL', () => {
    assert.doesNotThrow(() => checkIsolationSupported(readCommitted, cockroach('23.2.0')));
    assert.doesNotThrow(() => checkIsolationSupported(readCommitted, cockroach('24.1.3')));
    assert.doesNotThrow(() => checkIsolationSupported(serializable, cockroach('23.1.0')));
    assert.doesNotThrow(() => checkIsolationSupported(readCommitted, parseServerVersion('PostgreSQL 16.2 on x86_64')));
  });
});

describe('isolation: the transaction itself says what it got', () => {
  it('asks the server in the same round trip as BEGIN, and runs at READ COMMITTED when the server grants it', async (t) => {
    sent.length = 0;
    const result = await db
      .transaction(async () => (await db.query<{ transaction_isolation: string }>('SHOW transaction_isolation')).rows[0]!.transaction_isolation, {
        isolation: 'read committed',
      })
      .catch((error: unknown) => error);
    assert.match(sent[0]!, /^BEGIN TRANSACTION ISOLATION LEVEL READ COMMITTED(; SAVEPOINT cockroach_restart)?; SHOW transaction_isolation$/);
    if (result instanceof UnsupportedFeatureError) {
      // Only a CockroachDB whose cluster has READ COMMITTED off gets here; never silently SERIALIZABLE.
      assert.equal(db.dialect, 'cockroach', String(result));
      t.diagnostic(`this CockroachDB refuses READ COMMITTED: ${result.message}`);
      return;
    }
    assert.equal(result, 'read committed');
  });

  it('sends no probe for a SERIALIZABLE transaction: exactly BEGIN, the body and COMMIT', async () => {
    sent.length = 0;
    await db.transaction(() => db.query('SELECT 1'));
    const begin = 'BEGIN TRANSACTION ISOLATION LEVEL SERIALIZABLE';
    // The default protocol of each server: the savepoint one on CockroachDB, the restart one on PostgreSQL.
    assert.deepEqual(
      sent,
      db.dialect === 'cockroach'
        ? [`${begin}; SAVEPOINT cockroach_restart`, 'SELECT 1', 'RELEASE SAVEPOINT cockroach_restart; COMMIT']
        : [begin, 'SELECT 1', 'COMMIT'],
    );
  });

  it('refuses a transaction the server opened at another isolation, with the setting to change named', async () => {
    // A real server's answer: a transaction that runs SERIALIZABLE, checked against a READ COMMITTED request.
    const client = new pg.Client({ connectionString: testDb.url });
    await client.connect();
    try {
      const opened = (await client.query('BEGIN TRANSACTION ISOLATION LEVEL SERIALIZABLE; SHOW transaction_isolation')) as unknown as pg.QueryResult[];
      await client.query('ROLLBACK');
      assert.throws(
        () => checkIsolation(opened, readCommitted, cockroach('23.2.5')),
        (error: unknown) =>
          error instanceof UnsupportedFeatureError &&
          /Asked for READ COMMITTED isolation, but the server \(CockroachDB CCL v23\.2\.5\) runs the transaction as SERIALIZABLE/.test(error.message) &&
          error.message.includes('sql.txn.read_committed_isolation.enabled'),
      );
      assert.doesNotThrow(() => checkIsolation(opened, serializable, db.server));
    } finally {
      await client.end();
    }
  });
});

describe('isolation: a CockroachDB cluster with READ COMMITTED switched off', () => {
  it('refuses the transaction after BEGIN, rolls it back, and gives the one pooled connection back clean', async (t) => {
    if (db.dialect !== 'cockroach') return t.skip('needs CockroachDB 23.2 or later');
    const { major, minor } = db.server.version;
    if (major < 23 || (major === 23 && minor < 2)) return t.skip('refused before BEGIN on this version (see above)');
    await testDb.admin('SET CLUSTER SETTING sql.txn.read_committed_isolation.enabled = false');
    try {
      let refusal: unknown;
      for (const deadline = Date.now() + 15_000; Date.now() < deadline; ) {
        // A cluster setting reaches the SQL layer asynchronously: try until it shows.
        refusal = await db.transaction(() => db.query('SELECT 1'), { isolation: 'read committed' }).then(
          () => undefined,
          (error: unknown) => error,
        );
        if (refusal) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      assert.ok(refusal instanceof UnsupportedFeatureError, `expected a refusal, got ${String(refusal)}`);
      assert.match(refusal.message, /runs the transaction as SERIALIZABLE/);
      const status = await db.query<{ status: string }>('SHOW transaction_status');
      assert.equal(Object.values(status.rows[0]!)[0], 'NoTxn', 'the pooled connection is outside any transaction');
    } finally {
      await testDb.admin('RESET CLUSTER SETTING sql.txn.read_committed_isolation.enabled');
    }
  });
});
