import 'reflect-metadata';
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { defer, from, lastValueFrom, mergeMap, Observable, toArray } from 'rxjs';
import { afterCommit, CockroachDatabase, CockroachModule, Transactional, TransactionalMethodError } from '../../src/index.js';
import { CapturedLogger } from '../support/captured-logger.js';
import { createFlakyFunction } from '../support/flaky-function.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let testDb: TestDatabase;
let flaky: Awaited<ReturnType<typeof createFlakyFunction>>;

@Injectable()
class Orders {
  readonly hookRuns: string[] = [];
  constructor(private readonly db: CockroachDatabase) {}

  @Transactional()
  async place(id: number, fail = false): Promise<void> {
    await this.db.query('INSERT INTO orders VALUES ($1)', [id]);
    afterCommit(() => this.hookRuns.push(`placed ${id}`));
    await this.db.query('SELECT flaky()');
    if (fail) throw new Error('rejected');
  }

  @Transactional()
  stream(ids: number[]): Observable<string> {
    return defer(() =>
      from(ids).pipe(
        mergeMap(async (id) => {
          await this.db.query('INSERT INTO orders VALUES ($1)', [id]);
          await this.db.query('SELECT flaky()');
          return `order ${id}`;
        }, 1),
      ),
    );
  }
}

let moduleRef: TestingModule;
before(async () => {
  testDb = await createTestDatabase('hooks');
  flaky = await createFlakyFunction(testDb);
  await testDb.admin('CREATE TABLE orders (id INT8 PRIMARY KEY)');
  moduleRef = await Test.createTestingModule({
    imports: [CockroachModule.forRoot({ url: testDb.url, retry: { initialDelayMs: 1 } })],
    providers: [Orders],
  }).compile();
});
after(async () => {
  await moduleRef.close();
  await testDb.drop();
});
beforeEach(async () => {
  await testDb.admin('DELETE FROM orders');
  moduleRef.get(Orders).hookRuns.length = 0;
});

describe('afterCommit', () => {
  it('runs exactly once after a commit that needed retries', async () => {
    await flaky.reset(2);
    const orders = moduleRef.get(Orders);
    await orders.place(1);
    assert.deepEqual(orders.hookRuns, ['placed 1']);
  });

  it('never runs after a rollback', async () => {
    await flaky.reset(0);
    const orders = moduleRef.get(Orders);
    await assert.rejects(orders.place(2, true), /rejected/);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(orders.hookRuns, []);
  });
});

describe('a failing afterCommit hook', () => {
  it('does not turn a committed transaction into a failure: the caller gets the result, the error is logged, later hooks run', async () => {
    await flaky.reset(0);
    const logger = new CapturedLogger().install();
    try {
      const db = moduleRef.get(CockroachDatabase);
      const ran: string[] = [];
      const result = await db.transaction(async () => {
        await db.query('INSERT INTO orders VALUES (20)');
        afterCommit(() => {
          throw new Error('mail server down');
        });
        afterCommit(async () => {
          ran.push('second hook');
        });
        return 'placed';
      });
      assert.equal(result, 'placed');
      assert.deepEqual(await testDb.admin('SELECT id FROM orders'), [{ id: '20' }]);
      assert.deepEqual(ran, ['second hook']);
      assert.ok(
        logger.lines.some((line) => line.startsWith('error:') && line.includes('mail server down')),
        `the hook's failure was logged: ${logger.lines.join('\n')}`,
      );
    } finally {
      logger.restore();
    }
  });
});

describe('Observable-returning methods', () => {
  it('emits only after commit, and only the successful attempt’s values', async () => {
    await flaky.reset(1);
    const seen: Array<{ value: string; committedRows: number }> = [];
    const values = await lastValueFrom(
      moduleRef
        .get(Orders)
        .stream([10, 11])
        .pipe(
          mergeMap(async (value) => {
            const rows = await testDb.admin('SELECT id FROM orders');
            seen.push({ value, committedRows: rows.length });
            return value;
          }),
          toArray(),
        ),
    );
    assert.deepEqual(values, ['order 10', 'order 11']);
    assert.ok(seen.every((entry) => entry.committedRows === 2), 'each value arrived after the commit was visible');
  });
});

describe('synchronous methods', () => {
  it('are refused by TypeScript where declared, and at class definition in JavaScript, with a clear error', () => {
    assert.throws(() => {
      class Bad {
        // @ts-expect-error @Transactional() accepts only methods that return a Promise or an Observable.
        @Transactional()
        total(): number {
          return 1;
        }
      }
      return Bad;
    }, (error: unknown) => error instanceof TransactionalMethodError && error.method === 'Bad.total' && /synchronous/.test(error.message));
  });
});
