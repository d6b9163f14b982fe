import 'reflect-metadata';
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CockroachDatabase } from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let testDb: TestDatabase;
let db: CockroachDatabase;

before(async () => {
  testDb = await createTestDatabase('propagation');
  await testDb.admin('CREATE TABLE notes (body TEXT NOT NULL)');
  db = await CockroachDatabase.connect({ url: testDb.url, retry: { initialDelayMs: 1 } });
});
after(async () => {
  await db.close();
  await testDb.drop();
});
beforeEach(() => testDb.admin('DELETE FROM notes'));

const notes = async () => (await testDb.admin<{ body: string }>('SELECT body FROM notes ORDER BY body')).map((row) => row.body);
const insert = (body: string) => db.query('INSERT INTO notes (body) VALUES ($1)', [body]);
/** Whether the current statement's transaction sees `body`: only its own transaction sees an uncommitted row. */
const sees = async (body: string) =>
  (await db.query<{ seen: boolean }>('SELECT EXISTS (SELECT 1 FROM notes WHERE body = $1) AS seen', [body])).rows[0]!.seen;

describe("propagation: 'requiresNew'", () => {
  it('inside a transaction, runs and commits its own independent transaction', async () => {
    let innerSawOuter: boolean | undefined;
    await db.transaction(async () => {
      await insert('outer');
      await db.transaction(
        async () => {
          innerSawOuter = await sees('outer');
          await insert('inner');
        },
        { propagation: 'requiresNew' },
      );
      assert.deepEqual(await notes(), ['inner'], 'the inner transaction committed before the outer one ended');
    });
    assert.equal(innerSawOuter, false, 'the inner transaction cannot see the outer one’s uncommitted row');
    assert.deepEqual(await notes(), ['inner', 'outer']);
  });

  it('keeps its commit when the outer transaction rolls back', async () => {
    await assert.rejects(
      db.transaction(async () => {
        await insert('outer');
        await db.transaction(() => insert('inner'), { propagation: 'requiresNew' });
        throw new Error('outer failed');
      }),
      /outer failed/,
    );
    assert.deepEqual(await notes(), ['inner']);
  });

  it('outside any transaction, owns one', async () => {
    await assert.rejects(
      db.transaction(
        async () => {
          await insert('rolled back');
          throw new Error('failed');
        },
        { propagation: 'requiresNew' },
      ),
      /failed/,
    );
    await db.transaction(() => insert('kept'), { propagation: 'requiresNew' });
    assert.deepEqual(await notes(), ['kept']);
  });
});

describe("propagation: 'mandatory'", () => {
  it('joins the active transaction: sees its writes, and rolls back with it', async () => {
    let sawOuter: boolean | undefined;
    await assert.rejects(
      db.transaction(async () => {
        await insert('outer');
        await db.transaction(
          async () => {
            sawOuter = await sees('outer');
            await insert('joined');
          },
          { propagation: 'mandatory' },
        );
        assert.deepEqual(await notes(), [], 'nothing committed while the owner runs');
        throw new Error('owner failed');
      }),
      /owner failed/,
    );
    assert.equal(sawOuter, true);
    assert.deepEqual(await notes(), []);
  });

  it('commits with the owner', async () => {
    await db.transaction(async () => {
      await insert('outer');
      await db.transaction(() => insert('joined'), { propagation: 'mandatory' });
    });
    assert.deepEqual(await notes(), ['joined', 'outer']);
  });
});

describe("propagation: 'never'", () => {
  it('outside a transaction, owns one: commits on success, rolls back on failure', async () => {
    await db.transaction(() => insert('committed'), { propagation: 'never' });
    await assert.rejects(
      db.transaction(
        async () => {
          await insert('rolled back');
          throw new Error('failed');
        },
        { propagation: 'never' },
      ),
      /failed/,
    );
    assert.deepEqual(await notes(), ['committed']);
  });
});
