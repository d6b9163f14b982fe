import 'reflect-metadata';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { CockroachDatabase } from '../../src/index.js';
import type { ConnectionSource } from '../../src/connection/connection-source.js';
import { resolveTransactionOptions } from '../../src/transaction/transaction-options.js';
import { topLevelProtocol } from '../../src/transaction/transaction-statements.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * A transaction's first statement goes out right behind its BEGIN, before
 * BEGIN is answered (pg's pipeline mode): one round trip fewer per
 * transaction. Observed on the wire through a proxy that can hold the
 * server's answers: whatever the client sends while they are held, it sent
 * without waiting for one.
 */
let testDb: TestDatabase;
let proxy: TcpProxy;
let db: CockroachDatabase;

const UPDATE = 'UPDATE counters SET n = n + 1 WHERE id = $1';

before(async () => {
  testDb = await createTestDatabase('pipelined_begin');
  await testDb.admin('CREATE TABLE counters (id INT8 PRIMARY KEY, n INT8 NOT NULL DEFAULT 0)');
  await testDb.admin('INSERT INTO counters (id) VALUES (1)');
});
after(() => testDb.drop());
beforeEach(async () => {
  proxy = await startTcpProxy(testDb.url);
  db = await CockroachDatabase.connect({ url: proxy.url, name: 'pipelined', pool: { max: 1 } });
});
afterEach(async () => {
  await db.close();
  await proxy.close();
});

async function counter(): Promise<number> {
  const [row] = await testDb.admin<{ n: string }>('SELECT n::TEXT AS n FROM counters WHERE id = 1');
  return Number(row!.n);
}

/** Resolves once the proxy has forwarded a statement matching `pattern`; rejects after `withinMs`. */
async function sent(pattern: RegExp, withinMs: number): Promise<void> {
  const deadline = performance.now() + withinMs;
  while (!proxy.statementsSent().some((text) => pattern.test(text))) {
    if (performance.now() > deadline) throw new Error(`not sent within ${withinMs} ms: ${pattern}`);
    await sleep(5);
  }
}

describe('BEGIN and the first statement share one round trip', () => {
  it('sends the first statement before BEGIN is answered, then commits as usual', async () => {
    const before = await counter();
    const held = proxy.holdReplies();
    const running = db.transaction(() => db.query(UPDATE, [1]));
    try {
      await sent(/^UPDATE counters/, 10_000);
      const onTheWire = proxy.statementsSent();
      assert.match(onTheWire.at(-2)!, /^BEGIN TRANSACTION ISOLATION LEVEL SERIALIZABLE/);
      assert.ok(!onTheWire.includes('COMMIT'), 'COMMIT waits for the statement’s answer');
    } finally {
      held.release();
    }
    await running;
    assert.equal(await counter(), before + 1);
    assert.equal(proxy.statementsSent().at(-1), 'COMMIT');
  });

  it('waits for BEGIN’s answer when the server may grant another isolation than asked (READ COMMITTED)', async () => {
    const before = await counter();
    const held = proxy.holdReplies();
    const running = db.transaction(() => db.query(UPDATE, [1]), { isolation: 'read committed' });
    try {
      await sent(/^BEGIN TRANSACTION ISOLATION LEVEL READ COMMITTED/, 10_000);
      await assert.rejects(sent(/^UPDATE counters/, 300), /not sent within/);
    } finally {
      held.release();
    }
    await running;
    assert.equal(await counter(), before + 1);
  });

  it('pipelines only a BEGIN that cannot fail on its own (exact protocol)', () => {
    const protocolFor = (options: Parameters<typeof resolveTransactionOptions>[0], strategy: 'savepoint' | 'restart') =>
      topLevelProtocol(strategy, resolveTransactionOptions(options), db.server);
    for (const strategy of ['savepoint', 'restart'] as const) {
      assert.equal(protocolFor({}, strategy).pipelinesBegin, true);
      assert.equal(protocolFor({ priority: 'high', readOnly: true }, strategy).pipelinesBegin, true);
      assert.equal(protocolFor({ statementTimeoutMs: 1000 }, strategy).pipelinesBegin, true);
      assert.equal(protocolFor({ isolation: 'read committed' }, strategy).pipelinesBegin, false);
      assert.equal(protocolFor({ asOfSystemTime: '-10s' }, strategy).pipelinesBegin, false);
    }
  });

  it('a batch whose BEGIN succeeds and whose next statement fails: the pipelined statement is refused, nothing is written, and the connection comes back clean', async () => {
    // BEGIN opens the transaction and the statement after it in the batch fails (as a SAVEPOINT or SET LOCAL could):
    // the transaction is open and aborted, so the first statement behind it must be refused, not run.
    const pool = db.host.connections;
    db.host.pinConnections({
      acquire: () => pool.acquire(),
      release: (client, discard) => pool.release(client, discard),
      nestedProtocol: () => ({
        begin: 'BEGIN; SELECT 1 / 0',
        commit: 'COMMIT',
        rollback: 'ROLLBACK',
        restart: undefined,
        failedCommitEnds: true,
        pipelinesBegin: true,
      }),
    });
    const before = await counter();
    let firstStatement: unknown;
    try {
      const outcome = db.transaction(async () => {
        try {
          await db.query(UPDATE, [1]);
        } catch (error) {
          firstStatement = error;
          throw error;
        }
      });
      await assert.rejects(outcome, (error: Error & { code?: string }) => error.code === '22012');
    } finally {
      db.host.pinConnections(undefined);
    }
    assert.equal((firstStatement as { code?: string } | undefined)?.code, '22012', 'the statement reports the batch’s failure');
    assert.equal(await counter(), before, 'the UPDATE did not run');
    // The pool's one connection was rolled back before it went back: a plain write on it commits at once,
    // visible from another connection (inside a leftover transaction it would not be).
    await db.query(UPDATE, [1]);
    assert.equal(await counter(), before + 1);
  });

  it('a BEGIN that fails: the first statement reports BEGIN’s error, never its own result, and the body stops there', async () => {
    // A connection source whose "BEGIN" fails on the server while the connection lives: the case the
    // pipelined first statement must never hide.
    const pool = db.host.connections;
    const failingBegin: ConnectionSource = {
      acquire: () => pool.acquire(),
      release: (client, discard) => pool.release(client, discard),
      nestedProtocol: () => ({
        begin: 'SELECT 1 / 0',
        commit: 'SELECT 1',
        rollback: 'SELECT 1',
        restart: undefined,
        failedCommitEnds: true,
        pipelinesBegin: true,
      }),
    };
    db.host.pinConnections(failingBegin);
    let firstStatement: unknown;
    let reachedSecond = false;
    try {
      const outcome = db.transaction(async () => {
        try {
          await db.query('SELECT 1 AS one');
        } catch (error) {
          firstStatement = error;
          throw error;
        }
        reachedSecond = true;
      });
      await assert.rejects(outcome, (error: Error & { code?: string }) => error.code === '22012');
    } finally {
      db.host.pinConnections(undefined);
    }
    assert.equal((firstStatement as { code?: string } | undefined)?.code, '22012', 'the first statement failed with BEGIN’s error');
    assert.equal(reachedSecond, false);
    // The connection is healthy and back in the pool.
    assert.deepEqual((await db.query<{ one: number }>('SELECT 1 AS one')).rows, [{ one: 1 }]);
  });
});
