import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AmbiguousCommitError, CockroachDatabase } from '../../src/index.js';
import { eventually, killSessions } from '../support/sessions.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let testDb: TestDatabase;
before(async () => {
  testDb = await createTestDatabase('ambiguous');
  await testDb.admin('CREATE TABLE events (id INT8 PRIMARY KEY)');
});
after(() => testDb.drop());

describe('connections lost mid-transaction', () => {
  it('raises AmbiguousCommitError when the connection dies during COMMIT', async (t) => {
    if (testDb.dialect !== 'postgres') return t.skip('uses a deferred constraint trigger, a PostgreSQL feature');
    // A deferred constraint trigger runs at COMMIT: it holds the COMMIT open long enough to kill the session.
    await testDb.admin(`CREATE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_sleep(3); RETURN NEW; END $$`);
    await testDb.admin(`CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON events
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION slow_commit()`);
    const applicationName = 'ambiguous-commit';
    const db = await CockroachDatabase.connect({ url: testDb.url, applicationName });
    try {
      let runs = 0;
      const outcome = db
        .transaction(async () => {
          runs++;
          await db.query('INSERT INTO events VALUES (1)');
        })
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      await eventually(
        async () => (await testDb.admin<{ query: string }>("SELECT query FROM pg_stat_activity WHERE application_name = $1 AND state = 'active'", [applicationName]))[0]?.query,
        (query) => query === 'COMMIT',
      );
      await killSessions(testDb, applicationName);
      const error = await outcome;
      assert.ok(error instanceof AmbiguousCommitError, `expected AmbiguousCommitError, got ${String(error)}`);
      assert.equal(runs, 1, 'an ambiguous commit is never retried');
      assert.equal(db.stats().ambiguous, 1);
    } finally {
      await testDb.admin('DROP TRIGGER IF EXISTS slow_commit ON events');
      await db.close();
    }
  });

  it('retries on a new connection when the connection dies before COMMIT, and succeeds', async () => {
    const applicationName = 'lost-before-commit';
    const db = await CockroachDatabase.connect({ url: testDb.url, applicationName, retry: { initialDelayMs: 1 } });
    try {
      let runs = 0;
      const pids: number[] = [];
      await db.transaction(async () => {
        runs++;
        pids.push((await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);
        await db.query('INSERT INTO events VALUES (2) ON CONFLICT DO NOTHING');
        if (runs === 1) {
          await killSessions(testDb, applicationName);
          await db.query('SELECT 1'); // fails: the session is gone
        }
      });
      assert.equal(runs, 2);
      assert.notEqual(pids[0], pids[1], 'the retry ran on a new connection');
      assert.deepEqual(await testDb.admin('SELECT id FROM events WHERE id = 2'), [{ id: '2' }]);
    } finally {
      await db.close();
    }
  });
});
