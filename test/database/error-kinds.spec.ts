import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect as connectTcp, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { CockroachDatabase, ConnectionLostError, UnsafeIntegerError } from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * README "Errors: what is retried and what reaches you": each row of the table
 * of error kinds is checked here or in the spec the table names. The
 * connection is judged by what the error is: a statement's own failure leaves
 * a healthy connection, proved by the same server session serving the next
 * statement on a pool of one.
 */
const BEYOND_SAFE = '9007199254740993';

let testDb: TestDatabase;
let db: CockroachDatabase;
const sent: string[] = [];

before(async () => {
  testDb = await createTestDatabase('errkinds');
  db = await CockroachDatabase.connect({ url: testDb.url, int8: 'number', pool: { max: 1 }, onQuery: ({ text }) => sent.push(text) });
  await db.query('CREATE TABLE uniq (k INT8 PRIMARY KEY)');
});
after(async () => {
  await db.close();
  await testDb.drop();
});

/** The server session behind the pool's one connection. */
async function sessionId(): Promise<string> {
  // pg_backend_pid() is per session on CockroachDB too (it is part of the query cancellation key there).
  const { rows } = await db.query<{ id: string }>('SELECT pg_backend_pid()::TEXT AS id');
  return rows[0]!.id;
}

/** Runs `fail`, which must throw, and returns the error with how many statements went out. */
async function failure(fail: () => Promise<unknown>): Promise<{ error: unknown; statements: number }> {
  const first = sent.length;
  const error = await fail().then(
    () => assert.fail('expected a failure'),
    (thrown: unknown) => thrown,
  );
  return { error, statements: sent.length - first };
}

describe("a SQL error (any SQLSTATE but a session-ending or retryable one) is the caller's", () => {
  it('reaches the caller as the driver error with its code, sent once; the connection is reused', async () => {
    await db.query('INSERT INTO uniq (k) VALUES (1)');
    const session = await sessionId();
    const { error, statements } = await failure(() => db.query('INSERT INTO uniq (k) VALUES (1)'));
    assert.ok(error instanceof pg.DatabaseError);
    assert.equal(error.code, '23505');
    assert.equal(statements, 1);
    assert.equal(await sessionId(), session, 'the same server session serves the next statement');
  });
});

describe("an error a type parser throws (int8: 'number' beyond 2^53) is the caller's", () => {
  it('outside a transaction: UnsafeIntegerError at once, sent once; the connection is reused', async () => {
    const session = await sessionId();
    const { error, statements } = await failure(() => db.query(`SELECT ${BEYOND_SAFE}::INT8 AS v`));
    assert.ok(error instanceof UnsafeIntegerError, String(error));
    assert.equal(statements, 1);
    assert.equal(await sessionId(), session);
  });

  it('inside a transaction: UnsafeIntegerError after one attempt, rolled back; the connection is reused', async () => {
    const session = await sessionId();
    const before = db.stats();
    const { error } = await failure(() =>
      db.runTransaction(async () => {
        await db.query('INSERT INTO uniq (k) VALUES (2)');
        return db.query(`SELECT ${BEYOND_SAFE}::INT8 AS v`);
      }),
    );
    assert.ok(error instanceof UnsafeIntegerError, String(error));
    const after = db.stats();
    assert.equal(after.attempts - before.attempts, 1, 'one attempt, no retry');
    assert.equal(after.retries - before.retries, 0);
    assert.equal(after.rollbacks - before.rollbacks, 1);
    assert.deepEqual((await db.query('SELECT k FROM uniq WHERE k = 2')).rows, [], 'rolled back');
    assert.equal(await sessionId(), session);
  });
});

describe("an error the caller's own code throws in a transaction is the caller's", () => {
  it('is rethrown after one attempt, the transaction rolled back; the connection is reused', async () => {
    const session = await sessionId();
    const before = db.stats();
    const mine = new Error('not enough stock');
    const { error } = await failure(() =>
      db.runTransaction(async () => {
        await db.query('INSERT INTO uniq (k) VALUES (3)');
        throw mine;
      }),
    );
    assert.equal(error, mine);
    assert.equal(db.stats().attempts - before.attempts, 1);
    assert.deepEqual((await db.query('SELECT k FROM uniq WHERE k = 3')).rows, []);
    assert.equal(await sessionId(), session);
  });
});

/** A loopback TCP relay to the server whose client-side sockets the test can cut. */
class Relay {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly target: URL) {
    this.server = createServer((client) => {
      const upstream = connectTcp(Number(target.port || 5432), target.hostname);
      this.sockets.add(client);
      client.on('close', () => this.sockets.delete(client));
      for (const socket of [client, upstream]) socket.on('error', () => undefined);
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    const url = new URL(this.target);
    url.hostname = '127.0.0.1';
    url.port = String(typeof address === 'object' && address ? address.port : 0);
    return url.toString();
  }

  /** Cuts every connection towards the client: a TCP reset, or a plain close with no reply. */
  cut(how: 'reset' | 'close'): void {
    for (const socket of this.sockets) {
      if (how === 'reset') socket.resetAndDestroy();
      else socket.end();
    }
  }

  stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('a socket that fails under a running statement is a lost connection', () => {
  for (const [how, driverError] of [
    ['reset', /ECONNRESET/],
    ['close', /^Connection terminated unexpectedly$/],
  ] as const) {
    it(`${how === 'reset' ? 'ECONNRESET' : 'a close with no reply'}: ConnectionLostError (may have run), not resent; the next statement gets a new connection`, async () => {
      const relay = new Relay(new URL(testDb.url));
      const viaRelay = await CockroachDatabase.connect({ url: await relay.start(), pool: { max: 1 }, onQuery: ({ text }) => sent.push(text) });
      try {
        const pidBefore = (await viaRelay.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
        const first = sent.length;
        const running = viaRelay.query('SELECT pg_sleep(5)').then(
          () => assert.fail('the statement should have failed'),
          (error: unknown) => error,
        );
        await new Promise((resolve) => setTimeout(resolve, 100));
        relay.cut(how);
        const error = await running;
        assert.ok(error instanceof ConnectionLostError, String(error));
        assert.equal(error.mayHaveRun, true);
        const cause = error.cause as Error & { code?: string };
        assert.match(how === 'reset' ? String(cause.code) : cause.message, driverError);
        assert.deepEqual(sent.slice(first), ['SELECT pg_sleep(5)'], 'sent once');

        const pidAfter = (await viaRelay.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
        assert.notEqual(pidAfter, pidBefore, 'a new connection serves the next statement');
      } finally {
        await viaRelay.close();
        await relay.stop();
      }
    });
  }
});
