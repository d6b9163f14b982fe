import 'reflect-metadata';
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { CockroachDatabase, CockroachModule, NestedTransactionError, runTransaction, Transactional } from '../../src/index.js';
import { createFlakyFunction } from '../support/flaky-function.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

@Injectable()
class Inner {
  calls = 0;
  constructor(private readonly db: CockroachDatabase) {}

  @Transactional()
  async write(note: string, fail = false): Promise<boolean> {
    this.calls++;
    await this.db.query('INSERT INTO notes (body) VALUES ($1)', [note]);
    if (fail) throw new Error('inner failed');
    // The outer call's row is not committed yet: only a statement in the same transaction can see it.
    return (await this.db.query<{ seen: boolean }>("SELECT EXISTS (SELECT 1 FROM notes WHERE body = 'outer') AS seen")).rows[0]!.seen;
  }
}

@Injectable()
class Outer {
  calls = 0;
  constructor(
    private readonly db: CockroachDatabase,
    private readonly inner: Inner,
  ) {}

  @Transactional()
  async writeTwice(innerFails = false, flakyCall = false): Promise<{ innerSawOuter: boolean }> {
    this.calls++;
    await this.db.query('INSERT INTO notes (body) VALUES ($1)', ['outer']);
    const innerSawOuter = await this.inner.write('inner', innerFails);
    if (flakyCall) await this.db.query('SELECT flaky()');
    return { innerSawOuter };
  }
}

let testDb: TestDatabase;
let moduleRef: TestingModule;
let db: CockroachDatabase;
let flaky: Awaited<ReturnType<typeof createFlakyFunction>>;

before(async () => {
  testDb = await createTestDatabase('nesting');
  flaky = await createFlakyFunction(testDb);
  await testDb.admin('CREATE TABLE notes (body TEXT NOT NULL)');
  moduleRef = await Test.createTestingModule({
    imports: [CockroachModule.forRoot({ url: testDb.url, retry: { initialDelayMs: 1 } })],
    providers: [Inner, Outer],
  }).compile();
  db = moduleRef.get(CockroachDatabase);
});
after(async () => {
  await moduleRef.close();
  await testDb.drop();
});
beforeEach(async () => {
  await testDb.admin('DELETE FROM notes');
  await flaky.reset(0);
  moduleRef.get(Inner).calls = 0;
  moduleRef.get(Outer).calls = 0;
});

const notes = async () => (await testDb.admin<{ body: string }>('SELECT body FROM notes ORDER BY body')).map((r) => r.body);

describe('nested transactions', () => {
  it('an inner @Transactional joins the outer transaction', async () => {
    const { innerSawOuter } = await moduleRef.get(Outer).writeTwice();
    assert.equal(innerSawOuter, true, 'the inner call saw the outer call’s uncommitted row: same transaction');
    assert.deepEqual(await notes(), ['inner', 'outer']);
  });

  it('an inner failure rolls back everything', async () => {
    await assert.rejects(moduleRef.get(Outer).writeTwice(true), /inner failed/);
    assert.deepEqual(await notes(), []);
  });

  it('under injected 40001s only the outer method is re-invoked, and the inner runs once per attempt', async () => {
    await flaky.reset(2);
    await moduleRef.get(Outer).writeTwice(false, true);
    assert.equal(moduleRef.get(Outer).calls, 3);
    assert.equal(moduleRef.get(Inner).calls, 3, 'the inner call never retried on its own');
    assert.deepEqual(await notes(), ['inner', 'outer'], 'only the last attempt’s writes are committed');
  });

  it('runTransaction inside an active transaction throws NestedTransactionError', async () => {
    await assert.rejects(
      db.transaction(() => runTransaction(db, async () => 'never')),
      NestedTransactionError,
    );
    await assert.rejects(
      db.transaction(() => db.runTransaction(async () => 'never')),
      NestedTransactionError,
    );
  });

  it('a nested db.atomic() rolls back only its own part', async () => {
    await db.transaction(async () => {
      await db.query("INSERT INTO notes (body) VALUES ('kept')");
      await assert.rejects(
        db.atomic(async () => {
          await db.query("INSERT INTO notes (body) VALUES ('undone')");
          throw new Error('part failed');
        }),
        /part failed/,
      );
      await db.atomic(() => db.query("INSERT INTO notes (body) VALUES ('also kept')"));
    });
    assert.deepEqual(await notes(), ['also kept', 'kept']);
  });

  it('a nested db.atomic() that hits a failed statement is undone without aborting the outer transaction', async () => {
    await db.transaction(async () => {
      await db.query("INSERT INTO notes (body) VALUES ('kept')");
      await assert.rejects(db.atomic(() => db.query('SELECT * FROM no_such_table')));
      await db.query("INSERT INTO notes (body) VALUES ('after')");
    });
    assert.deepEqual(await notes(), ['after', 'kept']);
  });

  it('two concurrent call chains never share a connection', async () => {
    const pids = await Promise.all(
      [1, 2].map(() =>
        db.transaction(async () => {
          const pid = (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
          await db.query('SELECT pg_sleep(0.05)');
          return pid;
        }),
      ),
    );
    assert.notEqual(pids[0], pids[1]);
  });
});
