import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { CockroachDatabase, ConnectionLostError, defineTable, Repository, rowId, text } from '../../src/index.js';
import { killSessions } from '../support/sessions.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * A rolling restart, as PostgreSQL can stage it on one server: every idle
 * connection of the pool is terminated from another session (FATAL 57P01, the
 * same reply a draining CockroachDB node sends), and the app's next
 * statements race the driver learning about it.
 */
const APPLICATION_NAME = 'rolling-restart';
const POOL_SIZE = 8;
const skip = { skip: false as boolean | string };

const events = defineTable('events', { id: rowId(), tag: text() });

let testDb: TestDatabase;
let db: CockroachDatabase;
/** Every statement the library sent, with its values, in order. */
const sent: Array<{ text: string; values: readonly unknown[] }> = [];

before(async () => {
  testDb = await createTestDatabase('rolling');
  // CockroachDB's CANCEL SESSION is not a drain; staging one needs a multi-node cluster.
  if (testDb.dialect === 'cockroach') skip.skip = 'terminating backends with 57P01 is PostgreSQL-only; a CockroachDB drain needs a cluster';
  db = await CockroachDatabase.connect({
    url: testDb.url,
    applicationName: APPLICATION_NAME,
    pool: { max: POOL_SIZE },
    onQuery: ({ text, values }) => sent.push({ text, values }),
  });
  await db.createTables(events);
});
after(async () => {
  await db.close();
  await testDb.drop();
});

/** Opens every connection of the pool and leaves them idle. */
async function warmPool(): Promise<void> {
  await Promise.all(Array.from({ length: POOL_SIZE }, () => db.query('SELECT pg_sleep(0.05)')));
  assert.equal(db.poolStats().idle, POOL_SIZE, 'the pool is warm');
}

async function backendPid(): Promise<number> {
  return (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
}

async function storedTimes(tag: string): Promise<number> {
  const rows = await testDb.admin<{ n: string }>('SELECT count(*) AS n FROM events WHERE tag = $1', [tag]);
  return Number(rows[0]!.n);
}

/** Polls `probe` until it returns a value; fails the test if it never does. */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('a connection the server closed is never handed to a caller', () => {
  it('drops the idle connections the driver saw terminated and serves from fresh ones', skip, async () => {
    await warmPool();
    const before = new Set(
      (await testDb.admin<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [APPLICATION_NAME])).map((row) => row.pid),
    );
    assert.equal(before.size, POOL_SIZE);
    await killSessions(testDb, APPLICATION_NAME);
    await waitFor('the driver to see every FATAL', async () => (db.poolStats().total === 0 ? true : undefined));

    const resent = sent.length;
    const pid = await backendPid();
    assert.ok(!before.has(pid), 'a fresh connection served the query');
    assert.equal(sent.length - resent, 1, 'the statement went out once');
  });
});

describe('statements racing the termination of every idle connection (a rolling restart)', () => {
  it('all succeed and each acknowledged insert is stored exactly once, three rounds in a row', skip, async () => {
    const repository = new Repository(db, events);
    let resentStatements = 0;
    for (let round = 1; round <= 3; round++) {
      await warmPool();
      const firstSent = sent.length;
      const killed = await killSessions(testDb, APPLICATION_NAME);
      assert.equal(killed, POOL_SIZE, `round ${round}: every pooled connection was terminated`);

      // At once, without yielding: the statements go out on connections the server has just closed.
      const plainTags = Array.from({ length: 10 }, () => randomUUID());
      const transactionTag = randomUUID();
      const repositoryTag = randomUUID();
      const outcomes = await Promise.allSettled([
        ...plainTags.map((tag) => db.query('INSERT INTO events (tag) VALUES ($1)', [tag])),
        db.query<{ one: number }>('SELECT 1 AS one'),
        db.runTransaction(() => db.query('INSERT INTO events (tag) VALUES ($1)', [transactionTag])),
        repository.insert({ tag: repositoryTag }),
      ]);
      const failures = outcomes.filter((outcome) => outcome.status === 'rejected').map((outcome) => String(outcome.reason));
      assert.deepEqual(failures, [], `round ${round}: every call succeeded`);

      for (const tag of [...plainTags, transactionTag, repositoryTag]) {
        assert.equal(await storedTimes(tag), 1, `round ${round}: insert ${tag} is stored exactly once`);
      }
      const inserts = sent.slice(firstSent).filter((statement) => statement.text.startsWith('INSERT') && statement.values.length === 1);
      resentStatements += inserts.length - new Set(inserts.map((statement) => statement.values[0])).size;
    }
    // The rounds exercised the retry, not only the pool's own eviction: some statements lost the race and went out twice.
    assert.ok(resentStatements > 0, 'no statement lost the race to the driver; the test proved nothing');
  });
});

describe('statements one after another right after every idle connection was terminated', () => {
  it('all succeed: a statement that meets one closed connection after another is sent again on the next', skip, async () => {
    for (let round = 1; round <= 3; round++) {
      await warmPool();
      await killSessions(testDb, APPLICATION_NAME);
      for (let i = 0; i < 2 * POOL_SIZE; i++) {
        assert.deepEqual((await db.query<{ one: number }>('SELECT 1 AS one')).rows, [{ one: 1 }], `round ${round}, statement ${i + 1}`);
      }
    }
  });
});

describe('a statement that was running when its backend was terminated', () => {
  it('is not sent again: the caller gets ConnectionLostError saying it may have run', skip, async () => {
    for (const statement of ['SELECT pg_sleep(30)', 'SELECT 1; SELECT pg_sleep(30)']) {
      const firstSent = sent.length;
      const running = db.query(statement).then(
        () => assert.fail('the statement should have failed'),
        (error: unknown) => error,
      );
      const pid = await waitFor('the statement to run', async () => {
        // The exact text: the backend terminated for the previous statement may still be listed, active, while it exits.
        const rows = await testDb.admin<{ pid: number }>(
          "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND state = 'active' AND query = $2",
          [APPLICATION_NAME, statement],
        );
        return rows[0]?.pid;
      });
      await testDb.admin('SELECT pg_terminate_backend($1)', [pid]);

      const error = await running;
      assert.ok(error instanceof ConnectionLostError, `${statement}: got ${String(error)}`);
      assert.equal(error.mayHaveRun, true);
      assert.equal((error.cause as { code?: string }).code, '57P01');
      assert.deepEqual(sent.slice(firstSent).map((sentStatement) => sentStatement.text), [statement], `${statement}: sent once, never again`);
    }
  });
});

describe('a transaction whose connection is terminated before COMMIT', () => {
  it('is run again on a new connection and its insert stored once', skip, async () => {
    const tag = randomUUID();
    const pids: number[] = [];
    const retriesBefore = db.stats().retries;
    await db.runTransaction(async () => {
      const pid = await backendPid();
      pids.push(pid);
      await db.query('INSERT INTO events (tag) VALUES ($1)', [tag]);
      if (pids.length === 1) await testDb.admin('SELECT pg_terminate_backend($1)', [pid]);
      await db.query('SELECT 1');
    });
    assert.equal(pids.length, 2, 'the body ran twice');
    assert.notEqual(pids[0], pids[1], 'the second attempt had a new connection');
    assert.equal(db.stats().retries - retriesBefore, 1);
    assert.equal(await storedTimes(tag), 1);
  });
});

describe('a transaction whose connection the driver saw closed before COMMIT', () => {
  it('is run again rather than reported as an ambiguous commit: nothing was committed', skip, async () => {
    const tag = randomUUID();
    const pids: number[] = [];
    await db.runTransaction(async () => {
      const pid = await backendPid();
      pids.push(pid);
      await db.query('INSERT INTO events (tag) VALUES ($1)', [tag]);
      if (pids.length > 1) return;
      await testDb.admin('SELECT pg_terminate_backend($1)', [pid]);
      // The backend leaves pg_stat_activity after its FATAL is on our socket; a short pause lets the driver read it.
      await waitFor('the backend to exit', async () => {
        const rows = await testDb.admin('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid]);
        return rows.length === 0 ? true : undefined;
      });
      await sleep(50);
    });
    assert.equal(pids.length, 2, 'the body ran twice');
    assert.equal(await storedTimes(tag), 1);
  });
});
