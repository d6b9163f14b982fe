import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTables, defineTable, int4, Repository, text, uuidKey, type CockroachDatabase, type InsertRow } from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { connectRecording } from './recording-database.js';

/**
 * `insert` remembers its statement per table and set of given columns. The
 * cache must never stand in for a check: a set of columns that fails the
 * required-column check is refused every time, and rows that give the same
 * columns in another way (undefined, key order) share one statement.
 */

const items = defineTable('insert_plan_items', { id: uuidKey(), name: text(), size: int4(), note: text().nullable() });
const gadgets = defineTable('insert_plan_gadgets', { id: uuidKey(), name: text(), note: text().nullable() });

/** 40 columns: positions beyond 31 need the wide key. */
const wideColumns = Object.fromEntries([['id', uuidKey()], ...Array.from({ length: 39 }, (_, index) => [`c${index}`, int4().nullable()])]);
const wide = defineTable('insert_plan_wide', wideColumns as { id: ReturnType<typeof uuidKey> } & Record<`c${number}`, ReturnType<typeof int4>>);

let testDb: TestDatabase;
let db: CockroachDatabase;
let statements: string[];

before(async () => {
  testDb = await createTestDatabase('insert_plans');
  ({ db, statements } = await connectRecording(testDb.url));
  await createTables(db, items, wide, gadgets);
});
after(async () => {
  await db.close();
  await testDb.drop();
});

describe('insert remembers statements by the set of given columns, never the validity of another set', () => {
  it('shares one statement between rows giving the same columns, however they give them', async () => {
    const repo = new Repository(db, items);
    statements.length = 0;
    await repo.insert({ name: 'a', size: 1 });
    await repo.insert({ size: 2, name: 'b' });
    await repo.insert({ name: 'c', size: 3, note: undefined });
    assert.equal(new Set(statements).size, 1);
    assert.match(statements[0]!, /^INSERT INTO "insert_plan_items" \("name", "size"\) VALUES \(\$1::TEXT, \$2::INT4\)/);
    await repo.insert({ name: 'd', size: 4, note: 'n' });
    assert.equal(new Set(statements).size, 2, 'another set of columns is another statement');
  });

  it('refuses a missing required column and an unknown key every time, after a valid set was remembered', async () => {
    const repo = new Repository(db, items);
    await repo.insert({ name: 'e', size: 5 });
    statements.length = 0;
    for (let attempt = 0; attempt < 2; attempt++) {
      await assert.rejects(repo.insert({ name: 'f' } as InsertRow<typeof items>), /size.*a value is required/);
      await assert.rejects(repo.insert({ name: 'f', size: undefined } as unknown as InsertRow<typeof items>), /size.*a value is required/);
      await assert.rejects(repo.insert({ name: 'f', size: 6, colour: 'red' } as InsertRow<typeof items>), /colour.*unknown column/);
      await assert.rejects(repo.insert({ name: 'f', size: 'six' } as unknown as InsertRow<typeof items>), /size.*expected an integer/);
    }
    assert.deepEqual(statements, []);
  });

  it('sends only enumerable keys, as insertMany does, whichever came first', async () => {
    const repo = new Repository(db, items);
    const hidden = Object.defineProperty({ name: 'g', size: 7 }, 'note', { value: 'hidden', enumerable: false });
    const [single] = [await repo.insert(hidden)];
    const [many] = await repo.insertMany([hidden]);
    assert.equal(single.note, null);
    assert.equal(many!.note, null);
    // And a later row that does give the column is not sent through the hidden row's statement.
    assert.equal((await repo.insert({ name: 'h', size: 8, note: 'shown' })).note, 'shown');
  });

  it('remembers a statement for the columns as first read, even when a getter answers differently the next time', async () => {
    const repo = new Repository(db, gadgets);
    let reads = 0;
    const shifting = Object.defineProperty({ name: 'first' }, 'note', { enumerable: true, get: () => (reads++ === 0 ? undefined : 'later') });
    assert.equal((await repo.insert(shifting)).note, null, 'note was not given when the columns were read');
    // A row giving only name must get a statement for name alone.
    assert.equal((await repo.insert({ name: 'plain' })).name, 'plain');
  });

  it('tells apart sets of columns beyond the 31st', async () => {
    const repo = new Repository(db, wide);
    const rowWith = (columns: number[]) => Object.fromEntries(columns.map((index) => [`c${index}`, index])) as InsertRow<typeof wide>;
    const sets = [[35], [36], [35, 36], [3, 35], [3], [38, 0]];
    for (const columns of sets) {
      const inserted = (await repo.insert(rowWith(columns))) as Record<string, unknown>;
      for (let index = 0; index < 39; index++) assert.equal(inserted[`c${index}`], columns.includes(index) ? index : null, `set ${columns.join(',')}, c${index}`);
    }
  });
});
