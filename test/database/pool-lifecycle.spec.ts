import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Controller, Get, Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { CockroachDatabase, CockroachModule, ConnectionLostError, DatabaseClosingError } from '../../src/index.js';
import { countSessions, eventually, killSessions } from '../support/sessions.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let testDb: TestDatabase;
before(async () => {
  testDb = await createTestDatabase('pool');
});
after(() => testDb.drop());

/** Statements of this application running on the server whose text contains `fragment`. */
async function countRunning(db: TestDatabase, applicationName: string, fragment: string): Promise<number> {
  const rows =
    db.dialect === 'cockroach'
      ? await db.admin('SELECT 1 FROM [SHOW CLUSTER QUERIES] WHERE application_name = $1 AND strpos(query, $2) > 0', [applicationName, fragment])
      : await db.admin("SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND state = 'active' AND strpos(query, $2) > 0", [
          applicationName,
          fragment,
        ]);
  return rows.length;
}

@Injectable()
class Probe {
  constructor(readonly db: CockroachDatabase) {}
}

@Controller()
class NothingController {
  @Get() nothing(): string {
    return '';
  }
}

describe('pool lifecycle', () => {
  it('survives an idle pooled connection killed by the server, and the next query succeeds', async () => {
    const applicationName = 'pool-kill-idle';
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    const db = await CockroachDatabase.connect({ url: testDb.url, applicationName, pool: { max: 4 } });
    try {
      await Promise.all([1, 2, 3].map(() => db.query('SELECT pg_sleep(0.05)')));
      assert.ok(db.poolStats().idle >= 1, 'the pool holds idle connections');
      const killed = await killSessions(testDb, applicationName);
      assert.ok(killed >= 1, 'at least one idle backend was terminated');
      await eventually(async () => db.poolStats().total, (total) => total === 0);
      const { rows } = await db.query<{ one: number }>('SELECT 1 AS one');
      assert.equal(rows[0]!.one, 1);
      assert.deepEqual(uncaught, []);
    } finally {
      process.off('uncaughtException', onUncaught);
      await db.close();
    }
  });

  it('survives a connection killed while checked out, and reports it to the caller only', async () => {
    const applicationName = 'pool-kill-busy';
    const db = await CockroachDatabase.connect({ url: testDb.url, applicationName });
    try {
      // Settle the promise's outcome at once: it rejects while we are still killing the session.
      const slow = db.query('SELECT pg_sleep(5)').then(
        () => undefined,
        (error: unknown) => error,
      );
      // Killed once the statement runs: one killed before the server read it is sent again, and succeeds.
      await eventually(() => countRunning(testDb, applicationName, 'pg_sleep'), (n) => n === 1);
      await killSessions(testDb, applicationName);
      const error = await slow;
      assert.ok(error instanceof ConnectionLostError, `the caller whose connection died gets the error: ${String(error)}`);
      assert.equal(error.mayHaveRun, true);
      assert.equal((await db.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one, 1);
    } finally {
      await db.close();
    }
  });

  it('leaves no connection open on the server after app.close()', async () => {
    const applicationName = 'pool-app-close';
    const moduleRef = await Test.createTestingModule({
      imports: [CockroachModule.forRoot({ url: testDb.url, applicationName, pool: { max: 5 } })],
      controllers: [NothingController],
      providers: [Probe],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    const { db } = app.get(Probe);
    await Promise.all(Array.from({ length: 5 }, () => db.query('SELECT pg_sleep(0.05)')));
    assert.equal(await countSessions(testDb, applicationName), 5);
    await app.close();
    assert.equal(db.poolStats().total, 0);
    const remaining = await eventually(() => countSessions(testDb, applicationName), (n) => n === 0);
    assert.equal(remaining, 0);
  });

  it('retires connections after their lifetime instead of reusing them', async () => {
    const applicationName = 'pool-lifetime';
    const db = await CockroachDatabase.connect({
      url: testDb.url,
      applicationName,
      pool: { maxLifetimeSeconds: 3, maxLifetimeJitterSeconds: 0 },
    });
    try {
      const pid = async () => (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const first = await pid();
      assert.equal(await pid(), first, 'a young connection is reused');
      // No deadline asserted: the connection is replaced at some point after its lifetime, however loaded the machine.
      await eventually(pid, (current) => current !== first, 20_000);
    } finally {
      await db.close();
    }
  });

  it('turns away a caller queued for a connection when the pool ends, instead of leaving it to time out', async () => {
    // One connection, held by a slow statement; a second query queues behind it.
    const db = await CockroachDatabase.connect({
      url: testDb.url,
      pool: { max: 1, connectionTimeoutMillis: 60_000 },
      shutdownTimeoutMs: 0,
    });
    const holder = db.query('SELECT pg_sleep(0.3)');
    await eventually(async () => db.poolStats().total, (total) => total === 1);
    const queued = db.query('SELECT 1').then(
      () => 'answered',
      (error: unknown) => error,
    );
    await eventually(async () => db.poolStats().waiting, (waiting) => waiting === 1);
    const closing = db.close();
    // Without the fix, pg-pool leaves the waiter queued until its 60 s connection timeout.
    const outcome = await Promise.race([queued, sleep(10_000, 'still waiting', { ref: false })]);
    assert.ok(outcome instanceof DatabaseClosingError, `expected DatabaseClosingError, got ${String(outcome)}`);
    await holder; // the statement already running finishes normally
    await closing;
  });
});
