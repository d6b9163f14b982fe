import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  array,
  bool,
  createTables,
  decimal,
  defineTable,
  int,
  json,
  Repository,
  text,
  timestamptz,
  uuid,
  uuidKey,
  type CockroachDatabase,
  type Where,
} from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { connectRecording } from './recording-database.js';

const items = defineTable(
  'items',
  {
    id: uuidKey(),
    name: text(),
    rank: int(),
    price: decimal(),
    active: bool(),
    owner: uuid(),
    due: timestamptz().nullable(),
    tags: array(text()),
    meta: json<{ color: string; size?: { w: number; h: number } }>(),
  },
  { indexes: [{ columns: ['rank'] }], invertedIndexes: [{ column: 'tags' }, { column: 'meta' }] },
);

const OWNER_A = '11111111-1111-4111-8111-111111111111';
const OWNER_B = '22222222-2222-4222-8222-222222222222';

let testDb: TestDatabase;
let db: CockroachDatabase;
let statements: string[];
let repo: Repository<typeof items>;

before(async () => {
  testDb = await createTestDatabase('filters');
  ({ db, statements } = await connectRecording(testDb.url));
  await createTables(db, items);
  repo = new Repository(db, items);
  await repo.insertMany([
    { name: 'anvil', rank: 1, price: '10.00', active: true, owner: OWNER_A, due: new Date('2024-01-01T00:00:00Z'), tags: ['heavy', 'iron'], meta: { color: 'black', size: { w: 2, h: 1 } } },
    { name: 'bell', rank: 2, price: '2.50', active: false, owner: OWNER_A, tags: ['loud'], meta: { color: 'gold' } },
    { name: 'candle', rank: 3, price: '0.99', active: true, owner: OWNER_B, due: new Date('2024-06-01T00:00:00Z'), tags: ['wax', 'light'], meta: { color: 'white', size: { w: 1, h: 3 } } },
    { name: 'drum', rank: 4, price: '45.00', active: false, owner: OWNER_B, tags: ['loud', 'wood'], meta: { color: 'brown' } },
    { name: 'easel', rank: 5, price: '45.00', active: true, owner: OWNER_B, due: new Date('2025-01-01T00:00:00Z'), tags: [], meta: { color: 'brown', size: { w: 1, h: 3 } } },
  ]);
});
after(async () => {
  await db.close();
  await testDb.drop();
});

async function names(where: Where<typeof items>): Promise<string[]> {
  return (await repo.find({ where, orderBy: { name: 'asc' } })).map((item) => item.name);
}

describe('filter operators', () => {
  it('matches equality on each scalar type', async () => {
    assert.deepEqual(await names({ name: 'bell' }), ['bell']);
    assert.deepEqual(await names({ rank: 3 }), ['candle']);
    assert.deepEqual(await names({ rank: '3' }), ['candle']);
    assert.deepEqual(await names({ price: '45.00' }), ['drum', 'easel']);
    assert.deepEqual(await names({ price: 45 }), ['drum', 'easel']);
    assert.deepEqual(await names({ active: false }), ['bell', 'drum']);
    assert.deepEqual(await names({ owner: OWNER_A }), ['anvil', 'bell']);
    assert.deepEqual(await names({ due: new Date('2024-06-01T00:00:00Z') }), ['candle']);
    assert.deepEqual(await names({ name: { eq: 'drum' } }), ['drum']);
  });

  it('ANDs conditions on several columns and several operators on one column', async () => {
    assert.deepEqual(await names({ owner: OWNER_B, active: true }), ['candle', 'easel']);
    assert.deepEqual(await names({ rank: { gt: 1, lt: 4 } }), ['bell', 'candle']);
  });

  it('compares with ne, gt, gte, lt, lte', async () => {
    assert.deepEqual(await names({ name: { ne: 'bell' } }), ['anvil', 'candle', 'drum', 'easel']);
    assert.deepEqual(await names({ rank: { gt: 3 } }), ['drum', 'easel']);
    assert.deepEqual(await names({ rank: { gte: 3n } }), ['candle', 'drum', 'easel']);
    assert.deepEqual(await names({ price: { lt: '2.50' } }), ['candle']);
    assert.deepEqual(await names({ price: { lte: 2.5 } }), ['bell', 'candle']);
    assert.deepEqual(await names({ due: { gte: new Date('2024-06-01T00:00:00Z') } }), ['candle', 'easel']);
    assert.deepEqual(await names({ name: { gt: 'c', lt: 'e' } }), ['candle', 'drum']);
  });

  it('matches in and notIn lists, with one bound array whatever the length', async () => {
    statements.length = 0;
    assert.deepEqual(await names({ name: { in: ['anvil', 'drum', 'zither'] } }), ['anvil', 'drum']);
    assert.match(statements[0]!, /"name" = ANY\(\$1::TEXT\[\]\)/);
    assert.deepEqual(await names({ rank: { in: [] } }), []);
    assert.deepEqual(await names({ rank: { notIn: [1, 2, 3] } }), ['drum', 'easel']);
    assert.deepEqual(await names({ owner: { in: [OWNER_A] } }), ['anvil', 'bell']);
  });

  it('checks NULL with isNull and with a null value', async () => {
    assert.deepEqual(await names({ due: { isNull: true } }), ['bell', 'drum']);
    assert.deepEqual(await names({ due: null }), ['bell', 'drum']);
    assert.deepEqual(await names({ due: { isNull: false } }), ['anvil', 'candle', 'easel']);
  });

  it('matches JSON containment (@>) and JSON equality', async () => {
    assert.deepEqual(await names({ meta: { contains: { color: 'brown' } } }), ['drum', 'easel']);
    assert.deepEqual(await names({ meta: { contains: { size: { h: 3 } } } }), ['candle', 'easel']);
    assert.deepEqual(await names({ meta: { eq: { color: 'gold' } } }), ['bell']);
    statements.length = 0;
    await names({ meta: { contains: { color: 'gold' } } });
    assert.match(statements[0]!, /"meta" @> \$1::JSONB/);
  });

  it('matches array contains (@>), overlaps (&&) and equality', async () => {
    assert.deepEqual(await names({ tags: { contains: ['loud'] } }), ['bell', 'drum']);
    assert.deepEqual(await names({ tags: { contains: ['loud', 'wood'] } }), ['drum']);
    assert.deepEqual(await names({ tags: { overlaps: ['iron', 'wax'] } }), ['anvil', 'candle']);
    assert.deepEqual(await names({ tags: ['wax', 'light'] }), ['candle']);
    assert.deepEqual(await names({ tags: { eq: [] } }), ['easel']);
  });
});

describe('orderBy, limit and offset', () => {
  it('orders by several columns in the order given', async () => {
    const rows = await repo.find({ orderBy: { price: 'desc', name: 'asc' } });
    assert.deepEqual(rows.map((row) => row.name), ['drum', 'easel', 'anvil', 'bell', 'candle']);
    const byRank = await repo.find({ orderBy: { rank: 'desc' } });
    assert.deepEqual(byRank.map((row) => row.rank), ['5', '4', '3', '2', '1']);
  });

  it('pages with limit and offset, bound as parameters', async () => {
    statements.length = 0;
    const page = await repo.find({ orderBy: { rank: 'asc' }, limit: 2, offset: 1 });
    assert.deepEqual(page.map((row) => row.name), ['bell', 'candle']);
    assert.match(statements[0]!, /ORDER BY "rank" ASC LIMIT \$1::INT8 OFFSET \$2::INT8$/);
    assert.deepEqual((await repo.find({ orderBy: { rank: 'asc' }, offset: 4 })).map((row) => row.name), ['easel']);
    assert.deepEqual(await repo.find({ limit: 0 }), []);
  });

  it('finds one row, or null', async () => {
    assert.equal((await repo.findOne({ rank: 2 }))?.name, 'bell');
    assert.equal(await repo.findOne({ name: 'zither' }), null);
  });
});

describe('count, update and delete', () => {
  it('counts all rows or the rows matching', async () => {
    assert.equal(await repo.count(), 5);
    assert.equal(await repo.count({ active: true }), 3);
    assert.equal(await repo.count({ tags: { contains: ['loud'] } }), 2);
  });

  it('updates the matching rows and returns them', async () => {
    const updated = await repo.update({ owner: OWNER_A }, { active: true, tags: ['restored'] });
    assert.deepEqual(updated.map((row) => [row.name, row.active, row.tags]).sort(), [
      ['anvil', true, ['restored']],
      ['bell', true, ['restored']],
    ]);
    assert.deepEqual(await repo.update({ name: 'zither' }, { active: false }), []);
  });

  it('sets a nullable column to NULL', async () => {
    const [candle] = await repo.update({ name: 'candle' }, { due: null });
    assert.equal(candle!.due, null);
  });

  it('deletes the matching rows and returns how many', async () => {
    assert.equal(await repo.delete({ price: { gte: 45 } }), 2);
    assert.equal(await repo.delete({ name: 'drum' }), 0);
    assert.equal(await repo.count(), 3);
  });
});
