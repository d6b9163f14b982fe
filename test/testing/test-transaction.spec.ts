import 'reflect-metadata';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterCommit, CockroachDatabase, UnsupportedFeatureError } from '../../src/index.js';
import { beginTestTransaction, rollbackTestTransaction } from '../../src/testing/index.js';
import { PinnedConnection } from '../../src/testing/pinned-connection.js';
import { createFlakyFunction } from '../support/flaky-function.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let testDb: TestDatabase;
let db: CockroachDatabase;
let flaky: Awaited<ReturnType<typeof createFlakyFunction>>;
let statements: string[] = [];

before(async () => {
  testDb = await createTestDatabase('test_kit');
  flaky = await createFlakyFunction(testDb);
  await testDb.admin('CREATE TABLE notes (id INT8 PRIMARY KEY, body TEXT NOT NULL)');
  db = await CockroachDatabase.connect({
    url: testDb.url,
    retry: { initialDelayMs: 1, maxDelayMs: 2 },
    onQuery: (event) => statements.push(event.text),
  });
});
after(async () => {
  await db.close();
  await testDb.drop();
});
beforeEach(async () => {
  await flaky.reset(0);
  await beginTestTransaction(db);
  statements = [];
});
afterEach(() => rollbackTestTransaction(db));

async function committedNotes(): Promise<number> {
  return Number((await testDb.admin<{ n: string }>('SELECT count(*) AS n FROM notes'))[0]!.n);
}

async function visibleIds(): Promise<string[]> {
  return (await db.query<{ id: string }>('SELECT id FROM notes ORDER BY id')).rows.map((row) => row.id);
}

describe('beginTestTransaction: every statement of db runs on one pinned, uncommitted connection', { timeout: 20_000 }, () => {
  it('uses the same server session from unrelated async contexts, and other connections see nothing', async () => {
    const pids = await Promise.all(
      [0, 1, 2, 3].map(async (i) => {
        await sleep(i);
        await db.query('INSERT INTO notes VALUES ($1, $2)', [i, `note ${i}`]);
        return (await db.query<{ pid: string }>('SELECT pg_backend_pid()::TEXT AS pid')).rows[0]!.pid;
      }),
    );
    assert.equal(new Set(pids).size, 1);
    assert.deepEqual(await visibleIds(), ['0', '1', '2', '3']);
    assert.equal(await committedNotes(), 0);
  });

  it('lets a statement that fails outside any owned transaction undo only itself, as it would on a connection of its own', async () => {
    await db.query("INSERT INTO notes VALUES (1, 'kept')");
    await assert.rejects(db.query("INSERT INTO notes VALUES (1, 'duplicate')"), { code: '23505' });
    await db.query("INSERT INTO notes VALUES (2, 'after the failure')"); // not "current transaction is aborted" (25P02)
    assert.deepEqual(await visibleIds(), ['1', '2']);
    assert.equal(await committedNotes(), 0);
  });

  it('refuses a second begin on the same database', async () => {
    await assert.rejects(beginTestTransaction(db), /already in a test transaction/);
  });
});

describe('an owned transaction inside the test transaction is a savepoint', { timeout: 20_000 }, () => {
  it('releases it on success and runs afterCommit hooks after the release', async () => {
    await db.runTransaction(async () => {
      await db.query('INSERT INTO notes VALUES (1, $1)', ['kept']);
      afterCommit(() => statements.push('afterCommit hook'));
    });
    assert.deepEqual(statements, [
      'SAVEPOINT test_transaction_1',
      'INSERT INTO notes VALUES (1, $1)',
      'RELEASE SAVEPOINT test_transaction_1',
      'afterCommit hook',
    ]);
    assert.deepEqual(await visibleIds(), ['1']);
  });

  it('undoes only its own writes when it fails, and runs no afterCommit hook', async () => {
    await db.query("INSERT INTO notes VALUES (1, 'before')");
    let hookRan = false;
    await assert.rejects(
      db.transaction(async () => {
        await db.query("INSERT INTO notes VALUES (2, 'inside')");
        afterCommit(() => (hookRan = true));
        throw new Error('business rule broken');
      }),
      /business rule broken/,
    );
    assert.deepEqual(await visibleIds(), ['1']);
    assert.equal(hookRan, false);
    assert.ok(statements.includes('ROLLBACK TO SAVEPOINT test_transaction_1; RELEASE SAVEPOINT test_transaction_1'));
  });

  it('rolls back to the savepoint on a retryable error and re-runs the owner, counting attempts', async () => {
    await db.query("INSERT INTO notes VALUES (100, 'setup')");
    await flaky.reset(2);
    const retriesBefore = db.stats().retries;
    const attempts: number[] = [];
    const result = await db.runTransaction(async (tx) => {
      attempts.push(tx.attempt);
      await db.query('INSERT INTO notes VALUES ($1, $2)', [tx.attempt, 'attempt']);
      return (await db.query<{ n: string }>('SELECT flaky()::TEXT AS n')).rows[0]!.n;
    });
    assert.equal(result, '3');
    assert.deepEqual(attempts, [1, 2, 3]);
    assert.equal(db.stats().retries - retriesBefore, 2);
    assert.deepEqual(await visibleIds(), ['3', '100']); // the failed attempts' rows are gone, the setup row stays
  });
});

describe("propagation 'requiresNew' in a test transaction", { timeout: 20_000 }, () => {
  it('is refused inside a transaction with UnsupportedFeatureError, instead of waiting for the connection its caller holds', async () => {
    await assert.rejects(
      db.transaction(async () => {
        await db.query("INSERT INTO notes VALUES (1, 'outer')");
        await db.transaction(() => db.query("INSERT INTO notes VALUES (2, 'inner')"), { propagation: 'requiresNew' });
      }),
      (error: unknown) => error instanceof UnsupportedFeatureError && /requiresNew.*test transaction.*one connection/.test(error.message),
    );
    assert.deepEqual(await visibleIds(), [], 'the outer transaction was undone, and the inner never ran');
    await db.query("INSERT INTO notes VALUES (3, 'after')");
    assert.deepEqual(await visibleIds(), ['3'], 'the test transaction goes on');
  });

  it('runs outside any transaction as an owned transaction of its own (a savepoint)', async () => {
    await db.transaction(() => db.query("INSERT INTO notes VALUES (4, 'alone')"), { propagation: 'requiresNew' });
    assert.deepEqual(await visibleIds(), ['4']);
    assert.equal(await committedNotes(), 0);
  });
});

describe('owned transactions that run at the same time take turns on the pinned connection', { timeout: 20_000 }, () => {
  it('never interleaves their statements, nor a plain query, inside another owner’s savepoint', async () => {
    const owner = (id: number) =>
      db.transaction(async () => {
        await db.query(`INSERT INTO notes VALUES (${id}, 'first')`);
        await sleep(15);
        await db.query(`UPDATE notes SET body = 'second' WHERE id = ${id}`);
      });
    await Promise.all([owner(1), owner(2), db.query("INSERT INTO notes VALUES (3, 'plain')"), owner(4)]);

    let open: string | undefined;
    for (const statement of statements) {
      const begin = /^SAVEPOINT (test_transaction_\d+)$/.exec(statement);
      if (begin) {
        assert.equal(open, undefined, `${begin[1]} opened inside ${open}`);
        open = begin[1];
      } else if (statement === `RELEASE SAVEPOINT ${open}`) {
        open = undefined;
      } else {
        const ownerId = /VALUES \((\d+), 'first'\)|WHERE id = (\d+)/.exec(statement);
        if (ownerId) assert.notEqual(open, undefined, `${statement} ran outside its savepoint`);
        if (statement.includes("'plain'")) assert.equal(open, undefined, 'the plain query ran inside an owner’s savepoint');
      }
    }
    assert.deepEqual(await visibleIds(), ['1', '2', '3', '4']);
  });
});

describe('rollbackTestTransaction', { timeout: 20_000 }, () => {
  it('rolls everything back and unpins: db then commits on its pool again', async () => {
    await db.query("INSERT INTO notes VALUES (1, 'gone')");
    const pinnedPid = (await db.query<{ pid: string }>('SELECT pg_backend_pid()::TEXT AS pid')).rows[0]!.pid;
    await rollbackTestTransaction(db);
    assert.equal(await committedNotes(), 0);

    const pids = new Set<string>();
    await Promise.all(
      [1, 2, 3].map(async (id) =>
        db.transaction(async () => {
          await db.query('INSERT INTO notes VALUES ($1, $2)', [id, 'committed']);
          pids.add((await db.query<{ pid: string }>('SELECT pg_backend_pid()::TEXT AS pid')).rows[0]!.pid);
          await sleep(20);
        }),
      ),
    );
    assert.equal(await committedNotes(), 3);
    assert.ok(pids.size > 1, 'concurrent transactions ran on several pooled connections');
    assert.ok(!statements.some((statement) => statement.startsWith('SAVEPOINT test_transaction')));
    void pinnedPid;
    await testDb.admin('DELETE FROM notes');
    await beginTestTransaction(db); // for afterEach
  });

  it('waits for an owner still running on the pinned connection before rolling back', async () => {
    let finished = false;
    const running = db.transaction(async () => {
      await sleep(30);
      await db.query("INSERT INTO notes VALUES (1, 'late')");
      finished = true;
    });
    await sleep(5);
    await rollbackTestTransaction(db);
    assert.equal(finished, true);
    await running;
    assert.equal(await committedNotes(), 0);
    await beginTestTransaction(db);
  });

  it('is not needed for the database to close: close() gives the pinned connection back', async () => {
    const other = await CockroachDatabase.connect({ url: testDb.url });
    await beginTestTransaction(other);
    await other.query("INSERT INTO notes VALUES (1, 'never committed')");
    await other.close();
    await rollbackTestTransaction(other);
    assert.equal(await committedNotes(), 0);
  });

  it('does nothing when no test transaction is open: no statement, committed data untouched, the pool serves as before', async () => {
    await rollbackTestTransaction(db);
    assert.deepEqual(statements, ['ROLLBACK'], 'the open one is rolled back');
    await db.query("INSERT INTO notes VALUES (1, 'committed outside any test transaction')");
    statements = [];
    await rollbackTestTransaction(db);
    await rollbackTestTransaction(db);
    assert.deepEqual(statements, [], 'no statement sent');
    assert.equal(await committedNotes(), 1, 'nothing rolled back: the row committed before is still there');
    const [pid] = (await db.query<{ pid: string }>('SELECT pg_backend_pid()::TEXT AS pid')).rows;
    assert.ok(pid, 'the database still serves from its pool');
    await testDb.admin('DELETE FROM notes');
    await beginTestTransaction(db); // for afterEach
  });
});

describe('injectRetryErrors: the server fails each owned transaction’s statements with retry errors', { timeout: 20_000 }, () => {
  it('is refused on PostgreSQL before any SQL', async (t) => {
    if (db.dialect === 'cockroach') return t.skip('PostgreSQL only');
    await rollbackTestTransaction(db);
    statements = [];
    await assert.rejects(beginTestTransaction(db, { injectRetryErrors: true }), UnsupportedFeatureError);
    assert.deepEqual(statements, []);
    await beginTestTransaction(db);
  });

  it('frames each owned transaction with the session switch (exact SQL)', () => {
    const protocol = new PinnedConnection(undefined as never, true, () => undefined).nestedProtocol();
    assert.deepEqual(protocol, {
      begin: 'SAVEPOINT test_transaction_1; SET inject_retry_errors_enabled = true',
      commit: 'RELEASE SAVEPOINT test_transaction_1; SET inject_retry_errors_enabled = false',
      rollback: 'ROLLBACK TO SAVEPOINT test_transaction_1; RELEASE SAVEPOINT test_transaction_1; SET inject_retry_errors_enabled = false',
      restart: 'ROLLBACK TO SAVEPOINT test_transaction_1',
      failedCommitEnds: false,
      pipelinesBegin: true,
    });
  });

  it('on CockroachDB, re-runs the owner until the injected errors stop, then commits its writes', async (t) => {
    if (db.dialect !== 'cockroach') return t.skip('needs CockroachDB');
    await rollbackTestTransaction(db);
    await beginTestTransaction(db, { injectRetryErrors: true });
    await db.query("INSERT INTO notes VALUES (100, 'setup, outside any owned transaction')");
    let runs = 0;
    await db.runTransaction(async () => {
      runs++;
      await db.query('INSERT INTO notes VALUES ($1, $2)', [runs, 'attempt']);
    });
    assert.ok(runs > 1, `the owner ran ${runs} time(s)`);
    assert.deepEqual(await visibleIds(), [String(runs), '100']);
  });
});
