import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createTables,
  defineTable,
  int4,
  Repository,
  text,
  TransactionRequiredError,
  type CockroachDatabase,
} from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { connectRecording } from './recording-database.js';

const jobs = defineTable('jobs', { name: text().primaryKey(), runs: int4().default(0) });

let testDb: TestDatabase;
let db: CockroachDatabase;
let statements: string[];
let repo: Repository<typeof jobs>;

before(async () => {
  testDb = await createTestDatabase('locking');
  ({ db, statements } = await connectRecording(testDb.url, { pool: { max: 6 } }));
  await createTables(db, jobs);
  repo = new Repository(db, jobs);
});
beforeEach(async () => {
  await testDb.admin('DELETE FROM jobs');
  await repo.insertMany([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
});
after(async () => {
  await db.close();
  await testDb.drop();
});

/** A promise and the function that resolves it. */
function signal(): { promise: Promise<void>; fire: () => void } {
  let fire!: () => void;
  const promise = new Promise<void>((resolve) => (fire = resolve));
  return { promise, fire };
}

/** Holds `FOR UPDATE` on row `name` in its own transaction until `release` fires. */
function holdLock(name: string, release: Promise<void>): { locked: Promise<void>; done: Promise<void> } {
  const locked = signal();
  const done = db.runTransaction(async () => {
    await repo.findById(name, { lock: 'update' });
    locked.fire();
    await release;
  });
  return { locked: locked.promise, done };
}

describe('locking reads send FOR UPDATE / FOR SHARE with SKIP LOCKED / NOWAIT', () => {
  it('appends the lock clause to find, findOne and findById', async () => {
    const sent: string[] = [];
    await db.runTransaction(async () => {
      statements.length = 0;
      await repo.findById('a', { lock: 'update' });
      await repo.findOne({ name: 'b' }, { lock: 'share', noWait: true });
      await repo.find({ where: { runs: 0 }, orderBy: { name: 'asc' }, limit: 2, lock: 'update', skipLocked: true });
      // The body starts before BEGIN is answered (its first statement rides with it), so BEGIN is observed in here.
      sent.push(...statements.filter((text) => !text.startsWith('BEGIN')));
    });
    assert.deepEqual(sent, [
      'SELECT "name", "runs" FROM "jobs" WHERE "name" = $1::TEXT FOR UPDATE',
      'SELECT "name", "runs" FROM "jobs" WHERE "name" = $1::TEXT LIMIT $2::INT8 FOR SHARE NOWAIT',
      'SELECT "name", "runs" FROM "jobs" WHERE "runs" = $1::INT4 ORDER BY "name" ASC LIMIT $2::INT8 FOR UPDATE SKIP LOCKED',
    ]);
  });
});

describe('a lock taken by one transaction is honoured by another (real concurrent transactions)', () => {
  it('FOR UPDATE blocks a second locking read of the row until the first transaction commits, and no increment is lost', async () => {
    const release = signal();
    const holder = holdLock('a', release.promise);
    await holder.locked;
    let secondRead = false;
    const second = db.runTransaction(async () => {
      const row = await repo.findById('a', { lock: 'update' });
      secondRead = true;
      await repo.update({ name: 'a' }, { runs: row!.runs + 1 });
    });
    if (testDb.dialect === 'postgres') {
      // The second session is seen waiting on a row lock, not merely slow.
      for (let tries = 0; ; tries++) {
        const waiting = await testDb.admin(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
        if (waiting.length > 0) break;
        assert.ok(tries < 200, 'a session waits on the lock');
        await sleep(25);
      }
    } else {
      await sleep(500);
    }
    assert.equal(secondRead, false, 'the second locking read has not returned while the lock is held');
    release.fire();
    await holder.done;
    await second;
    assert.equal(secondRead, true);
    assert.equal((await repo.findById('a'))?.runs, 1);
  });

  it('SKIP LOCKED leaves out the rows another transaction holds', async () => {
    const release = signal();
    const holder = holdLock('a', release.promise);
    await holder.locked;
    try {
      const claimed = await db.runTransaction(() => repo.find({ orderBy: { name: 'asc' }, lock: 'update', skipLocked: true }));
      assert.deepEqual(claimed.map((job) => job.name), ['b', 'c']);
    } finally {
      release.fire();
      await holder.done;
    }
  });

  it('NOWAIT fails at once with SQLSTATE 55P03 instead of waiting', async () => {
    const release = signal();
    const holder = holdLock('a', release.promise);
    await holder.locked;
    try {
      await assert.rejects(
        db.runTransaction(() => repo.findById('a', { lock: 'update', noWait: true })),
        (error: unknown) => (error as { code?: string }).code === '55P03',
      );
    } finally {
      release.fire();
      await holder.done;
    }
  });
});

describe('locking reads outside a transaction are refused', () => {
  it('throws TransactionRequiredError before any SQL, for each read method', async () => {
    statements.length = 0;
    await assert.rejects(repo.findById('a', { lock: 'update' }), TransactionRequiredError);
    await assert.rejects(repo.findOne({ name: 'a' }, { lock: 'share' }), /needs a transaction/);
    await assert.rejects(repo.find({ lock: 'update', skipLocked: true }), TransactionRequiredError);
    assert.deepEqual(statements, []);
  });
});
