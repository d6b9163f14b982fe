import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CockroachDatabase, createTables, defineTable, int, Repository, text, ValidationError } from '../../src/index.js';
import { buildInsert } from '../../src/repository/insert.builder.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const points = defineTable('points', { id: int().primaryKey(), label: text() });

let testDb: TestDatabase;
let db: CockroachDatabase;
let repo: Repository<typeof points>;
let statements: string[] = [];

before(async () => {
  testDb = await createTestDatabase('insert_many');
  db = await CockroachDatabase.connect({ url: testDb.url, onQuery: (event) => statements.push(event.text) });
  await createTables(db, points);
  repo = new Repository(db, points);
});
after(async () => {
  await db.close();
  await testDb.drop();
});
beforeEach(async () => {
  await testDb.admin('DELETE FROM points');
  statements = [];
});

const rows = (count: number) => Array.from({ length: count }, (_, i) => ({ id: i + 1, label: `p${i + 1}` }));
const stored = async () => Number((await testDb.admin<{ n: string }>('SELECT count(*) AS n FROM points'))[0]!.n);

describe('insertMany([])', () => {
  it('returns [] without sending any SQL', async () => {
    assert.deepEqual(await repo.insertMany([]), []);
    assert.deepEqual(statements, []);
  });
});

describe('insertMany and the 65,535-parameter limit of one statement', () => {
  it('inserts 32,767 two-column rows (65,534 parameters) in one statement', async () => {
    const inserted = await repo.insertMany(rows(32_767));
    assert.equal(inserted.length, 32_767);
    assert.deepEqual(inserted.at(-1), { id: '32767', label: 'p32767' }, 'in the order given (INT8 as a string, the default policy)');
    assert.equal(statements.length, 1);
    assert.equal(await stored(), 32_767);
  });

  it('beyond the limit (32,768 rows × 2 columns): split into two statements in one transaction, every row inserted in order', async () => {
    const inserted = await repo.insertMany(rows(32_768));
    assert.equal(inserted.length, 32_768);
    assert.deepEqual(inserted.at(-1), { id: '32768', label: 'p32768' });
    assert.equal(statements.filter((text) => text.startsWith('INSERT')).length, 2, 'two statements');
    assert.match(statements[0]!, /^BEGIN/, 'in one transaction');
    assert.equal(statements.at(-1), 'COMMIT');
    assert.equal(await stored(), 32_768);
  });

  it('one statement still refuses more than 65,535 parameters (upsert cannot be split): a ValidationError before any SQL', () => {
    assert.throws(() => buildInsert(points, rows(32_768)), (error: unknown) => {
      assert.ok(error instanceof ValidationError, String(error));
      assert.match(error.message, /too many values for one statement/);
      return true;
    });
  });
});
