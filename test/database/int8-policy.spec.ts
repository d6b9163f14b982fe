import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CockroachDatabase, UnsafeIntegerError } from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const MAX_INT8 = '9223372036854775807';
const MIN_INT8 = '-9223372036854775808';
const BEYOND_SAFE = '9007199254740993'; // 2^53 + 1: the first integer a double cannot hold

let testDb: TestDatabase;
before(async () => {
  testDb = await createTestDatabase('int8');
});
after(() => testDb.drop());

async function connect(int8?: 'string' | 'bigint' | 'number'): Promise<CockroachDatabase> {
  return CockroachDatabase.connect({ url: testDb.url, ...(int8 ? { int8 } : {}) });
}

describe('INT8 policy', () => {
  it("returns INT8 as an exact string by default", async () => {
    const db = await connect();
    const { rows } = await db.query(`SELECT '${MAX_INT8}'::INT8 AS max, '${MIN_INT8}'::INT8 AS min, 42::INT8 AS small`);
    assert.deepEqual(rows[0], { max: MAX_INT8, min: MIN_INT8, small: '42' });
    await db.close();
  });

  it("returns INT8 as BigInt with int8: 'bigint'", async () => {
    const db = await connect('bigint');
    const { rows } = await db.query('SELECT $1::INT8 AS max', [MAX_INT8]);
    assert.equal(rows[0]!.max, 9223372036854775807n);
    await db.close();
  });

  it("returns safe INT8 values as numbers with int8: 'number'", async () => {
    const db = await connect('number');
    const { rows } = await db.query('SELECT 9007199254740991::INT8 AS v, -5::INT8 AS w');
    assert.deepEqual(rows[0], { v: Number.MAX_SAFE_INTEGER, w: -5 });
    await db.close();
  });

  it("throws UnsafeIntegerError beyond 2^53 with int8: 'number' instead of losing digits", async () => {
    const db = await connect('number');
    const session = async () => (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
    const before = await session();
    await assert.rejects(db.query(`SELECT ${BEYOND_SAFE}::INT8 AS v`), (error: unknown) => {
      assert.ok(error instanceof UnsafeIntegerError);
      assert.equal(error.value, BEYOND_SAFE);
      assert.match(error.message, /MAX_SAFE_INTEGER/);
      return true;
    });
    // The same connection serves on: the parser's refusal is the caller's error, not a broken connection.
    assert.deepEqual((await db.query('SELECT 1::INT8 AS one')).rows, [{ one: 1 }]);
    assert.deepEqual(await session(), before);
    await db.close();
  });

  it('applies the same policy to INT8 arrays, NULL elements kept', async () => {
    const array = `ARRAY[${MAX_INT8}, NULL, -1]::INT8[]`;
    const asString = await connect();
    assert.deepEqual((await asString.query(`SELECT ${array} AS a`)).rows[0]!.a, [MAX_INT8, null, '-1']);
    await asString.close();

    const asBigint = await connect('bigint');
    assert.deepEqual((await asBigint.query(`SELECT ${array} AS a`)).rows[0]!.a, [9223372036854775807n, null, -1n]);
    await asBigint.close();

    const asNumber = await connect('number');
    assert.deepEqual((await asNumber.query('SELECT ARRAY[1, NULL, 3]::INT8[] AS a')).rows[0]!.a, [1, null, 3]);
    await assert.rejects(asNumber.query(`SELECT ${array} AS a`), UnsafeIntegerError);
    await asNumber.close();
  });

  it('keeps policies per pool: two databases in one process disagree without interfering', async () => {
    const [asString, asBigint] = await Promise.all([connect('string'), connect('bigint')]);
    const [a, b] = await Promise.all([asString.query('SELECT 7::INT8 AS v'), asBigint.query('SELECT 7::INT8 AS v')]);
    assert.equal(a.rows[0]!.v, '7');
    assert.equal(b.rows[0]!.v, 7n);
    await Promise.all([asString.close(), asBigint.close()]);
  });

  it('round-trips a stored INT8 beyond 2^53 exactly', async () => {
    const db = await connect();
    await db.query('CREATE TABLE big (v INT8 PRIMARY KEY)');
    await db.query('INSERT INTO big (v) VALUES ($1), ($2)', [MAX_INT8, BEYOND_SAFE]);
    const { rows } = await db.query('SELECT v FROM big ORDER BY v');
    assert.deepEqual(rows.map((row) => row.v), [BEYOND_SAFE, MAX_INT8]);
    await db.close();
  });
});
