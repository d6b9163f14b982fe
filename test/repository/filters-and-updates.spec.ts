import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  createTables,
  decimal,
  defineTable,
  float8,
  int,
  int4,
  Repository,
  text,
  uuidKey,
  type CockroachDatabase,
  type Where,
} from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { connectRecording } from './recording-database.js';

const products = defineTable('products', {
  id: uuidKey(),
  name: text(),
  stock: int4(),
  sold: int().default(0),
  price: decimal(),
  rating: float8().default(0),
});

const events = defineTable('events', { seq: int4().primaryKey(), kind: text(), note: text().nullable() });

let testDb: TestDatabase;
let db: CockroachDatabase;
let statements: string[];
let repo: Repository<typeof products>;
let eventRepo: Repository<typeof events>;

before(async () => {
  testDb = await createTestDatabase('filters_updates');
  ({ db, statements } = await connectRecording(testDb.url, { pool: { max: 8 } }));
  await createTables(db, products, events);
  repo = new Repository(db, products);
  eventRepo = new Repository(db, events);
  await repo.insertMany([
    { name: 'Anvil', stock: 5, price: '10.00' },
    { name: 'anchor', stock: 0, price: '25.50' },
    { name: 'Bell', stock: 12, price: '2.50' },
    { name: 'candle', stock: 40, price: '0.99' },
  ]);
});
after(async () => {
  await db.close();
  await testDb.drop();
});

async function names(where: Where<typeof products>): Promise<string[]> {
  return (await repo.find({ where, orderBy: { name: 'asc' } })).map((product) => product.name);
}

describe('OR groups, like / ilike and between', () => {
  it('matches any of the $or filters, ANDed with the other conditions, nested too', async () => {
    assert.deepEqual(await names({ $or: [{ name: 'Bell' }, { stock: { gt: 30 } }] }), ['Bell', 'candle']);
    assert.deepEqual(await names({ price: { lt: 20 }, $or: [{ stock: 0 }, { stock: 5 }] }), ['Anvil']);
    assert.deepEqual(await names({ $or: [{ name: 'candle' }, { $or: [{ stock: 0 }, { stock: 12 }], price: { gt: 20 } }] }), ['anchor', 'candle']);
  });

  it('sends the groups parenthesised so AND binds as written', async () => {
    statements.length = 0;
    await repo.count({ price: { lt: 20 }, $or: [{ stock: 0 }, { stock: 5, name: 'Anvil' }] });
    assert.equal(statements[0], 'SELECT count(*) AS "count" FROM "products" WHERE "price" < $1::DECIMAL AND ("stock" = $2::INT4 OR ("stock" = $3::INT4 AND "name" = $4::TEXT))');
  });

  it('like is case-sensitive, ilike is not, and the pattern is a bound value', async () => {
    assert.deepEqual(await names({ name: { like: 'An%' } }), ['Anvil']);
    assert.deepEqual(await names({ name: { ilike: 'an%' } }), ['anchor', 'Anvil'].sort());
    assert.deepEqual(await names({ name: { like: "%'; DROP TABLE products; --" } }), []);
  });

  it('between includes both ends', async () => {
    assert.deepEqual(await names({ stock: { between: [5, 12] } }), ['Anvil', 'Bell']);
    assert.deepEqual(await names({ price: { between: ['2.50', '10.00'] } }), ['Anvil', 'Bell']);
  });
});

describe('select projects the columns asked for', () => {
  it('returns only those columns, typed as a Pick of the row', async () => {
    const rows = await repo.find({ select: ['name', 'stock'], where: { name: 'Bell' } });
    assert.deepEqual(rows, [{ name: 'Bell', stock: 12 }]);
    const one = await repo.findOne({ name: 'Anvil' }, { select: ['price'] });
    assert.deepEqual(one, { price: '10.00' });
    // @ts-expect-error -- `stock` was not selected, so the row type has no such property.
    const unselected: unknown = one!.stock;
    assert.equal(unselected, undefined);
  });
});

describe('increment and decrement change a column in place', () => {
  it('adds up concurrent increments on many connections: no lost update', async () => {
    const product = await repo.insert({ name: 'counter', stock: 1000, price: '1' });
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        repo.update({ id: product.id }, index % 2 === 0 ? { sold: { increment: 3 }, stock: { decrement: 3 } } : { sold: { increment: 1 }, stock: { decrement: 1 } }),
      ),
    );
    const after = await repo.findById(product.id);
    assert.equal(after?.sold, String(10 * 3 + 10 * 1));
    assert.equal(after?.stock, 1000 - 40);
  });

  it('sends "column = column + $n" and checks the amount like a value', async () => {
    const product = await repo.insert({ name: 'rated', stock: 1, price: '1.50' });
    statements.length = 0;
    const [updated] = await repo.update({ id: product.id }, { price: { increment: '0.25' }, rating: { decrement: 0.5 } });
    assert.equal(updated?.price, '1.75');
    assert.equal(updated?.rating, -0.5);
    assert.match(statements[0]!, /^UPDATE "products" SET "price" = "price" \+ \$1::DECIMAL, "rating" = "rating" - \$2::FLOAT8 WHERE/);
    await assert.rejects(repo.update({ id: product.id }, { stock: { increment: 1.5 } }), /expected an integer number/);
    await assert.rejects(repo.update({ id: product.id }, { stock: { multiply: 2 } as never }), /\{ increment: n \} or \{ decrement: n \}/);
  });
});

describe('insertMany of any size', () => {
  const ROWS = 40_000; // × 2 columns = 80,000 parameters: more than one statement may carry.

  it('splits rows over statements under the 65,535-parameter limit, in one transaction, returning them in order', async () => {
    statements.length = 0;
    const inserted = await eventRepo.insertMany(Array.from({ length: ROWS }, (_, seq) => ({ seq, kind: 'bulk' })));
    assert.equal(inserted.length, ROWS);
    assert.deepEqual(inserted.slice(0, 2).map((row) => row.seq), [0, 1]);
    assert.equal(inserted[ROWS - 1]!.seq, ROWS - 1);
    const inserts = statements.filter((text) => text.startsWith('INSERT'));
    assert.equal(inserts.length, 2);
    assert.ok(statements.some((text) => /^BEGIN/.test(text)) && statements.includes('COMMIT'), 'in a transaction');
    assert.equal(await eventRepo.count({ kind: 'bulk' }), ROWS);
  });

  it('inserts nothing when a later statement fails', async () => {
    const rows = Array.from({ length: ROWS }, (_, index) => ({ seq: ROWS + index, kind: 'doomed' }));
    rows.push({ seq: ROWS, kind: 'doomed' }); // a duplicate key, in the second statement
    await assert.rejects(eventRepo.insertMany(rows), (error: unknown) => (error as { code?: string }).code === '23505');
    assert.equal(await eventRepo.count({ kind: 'doomed' }), 0);
  });

  it('checks every row before sending the first statement', async () => {
    const rows: Array<{ seq: number; kind: string }> = Array.from({ length: ROWS }, (_, index) => ({ seq: 3 * ROWS + index, kind: 'checked' }));
    rows[ROWS - 1] = { seq: 1.5, kind: 'bad' };
    statements.length = 0;
    await assert.rejects(eventRepo.insertMany(rows), /expected an integer number/);
    assert.deepEqual(statements, []);
  });
});
