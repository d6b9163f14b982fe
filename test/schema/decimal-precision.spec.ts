import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { array, createTables, createTableStatements, decimal, defineTable, describeTable, Repository, uuidKey, ValidationError, type CockroachDatabase } from '../../src/index.js';
import { findSchemaDrift } from '../../src/migrations/schema-drift.check.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { connectRecording } from '../repository/recording-database.js';

const prices = defineTable('prices', {
  id: uuidKey(),
  amount: decimal(12, 2),
  rate: decimal(20).nullable(),
  exact: decimal().nullable(),
  history: array(decimal(8, 3)).default([]),
  fee: decimal(5, 2).default('0.50'),
});

let testDb: TestDatabase;
let db: CockroachDatabase;
let statements: string[];
let repo: Repository<typeof prices>;

before(async () => {
  testDb = await createTestDatabase('decimal_precision');
  ({ db, statements } = await connectRecording(testDb.url));
  await createTables(db, prices);
  repo = new Repository(db, prices);
});
after(async () => {
  await db.close();
  await testDb.drop();
});

function refusal(call: () => unknown): ValidationError {
  try {
    call();
  } catch (error) {
    assert.ok(error instanceof ValidationError, String(error));
    return error;
  }
  return assert.fail('accepted');
}

describe('decimal(precision?, scale?)', () => {
  it('writes DECIMAL(p,s) and DECIMAL(p), plain DECIMAL without arguments', () => {
    assert.deepEqual(createTableStatements(prices, 'postgres'), [
      'CREATE TABLE IF NOT EXISTS "prices" ("id" UUID PRIMARY KEY DEFAULT gen_random_uuid(), "amount" DECIMAL(12,2) NOT NULL, ' +
        '"rate" DECIMAL(20), "exact" DECIMAL, "history" DECIMAL(8,3)[] NOT NULL DEFAULT ARRAY[]::DECIMAL(8,3)[], ' +
        "\"fee\" DECIMAL(5,2) NOT NULL DEFAULT '0.50'::DECIMAL(5,2))",
    ]);
  });

  it('the server has the precision and scale, and the drift check sees no drift', async () => {
    const live = await describeTable(db, 'prices');
    const amount = live!.columns.find((column) => column.name === 'amount')!;
    assert.equal(amount.udtName, 'numeric');
    assert.equal(amount.numericPrecision, 12);
    assert.equal(amount.numericScale, 2);
    assert.equal(live!.columns.find((column) => column.name === 'exact')!.numericPrecision, null);
    assert.deepEqual(await findSchemaDrift(db, [prices]), []);
  });

  it('the drift check reports a live DECIMAL of another precision or scale', async () => {
    await db.query('CREATE TABLE narrow_prices (id UUID PRIMARY KEY, amount DECIMAL(10,2) NOT NULL, rate DECIMAL(20,4))');
    const narrow = defineTable('narrow_prices', { id: uuidKey(), amount: decimal(12, 2), rate: decimal(20) });
    assert.deepEqual(await findSchemaDrift(db, [narrow]), [
      'table "narrow_prices": column "amount" is numeric(10,2) in the database, DECIMAL(12,2) in the definition',
      'table "narrow_prices": column "rate" is numeric(20,4) in the database, DECIMAL(20) in the definition',
    ]);
  });

  it('refuses a precision outside 1..1000, a scale outside 0..precision, and non-integers, naming the column', () => {
    for (const [build, problem] of [
      [() => decimal(0), /decimal\(0\): the precision must be an integer from 1 to 1000/],
      [() => decimal(1001), /decimal\(1001\): the precision must be an integer from 1 to 1000/],
      [() => decimal(10.5), /the precision must be an integer from 1 to 1000/],
      [() => decimal(5, 6), /decimal\(5, 6\): the scale must be an integer from 0 to the precision \(5\)/],
      [() => decimal(5, -1), /the scale must be an integer from 0 to the precision/],
    ] as const) {
      assert.match(refusal(build).message, problem);
    }
    assert.match(refusal(() => defineTable('bad_default', { id: uuidKey(), x: decimal(4, 2).default(0.1 + 0.2) })).message, /Table "bad_default", column "x"/);
  });

  it('refuses, before any SQL, a number that already lost digits; strings stay exact', async () => {
    statements.length = 0;
    const error = await repo.insert({ amount: 123456789012345678901234567890 }).then(
      () => assert.fail('accepted'),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof ValidationError);
    assert.equal(error.table, 'prices');
    assert.equal(error.column, 'amount');
    assert.match(error.problem, /1\.2345678901234568e\+29 cannot be stored exactly.*as a string/);
    for (const lost of [0.1 + 0.2, 2 ** 60, 12345678901234567, 1234567.891234567]) {
      await assert.rejects(repo.insert({ amount: lost }), ValidationError, String(lost));
    }
    await assert.rejects(repo.insert({ amount: '1', history: [1, 0.30000000000000004] }), /element 1: 0\.30000000000000004 cannot be stored exactly/);
    assert.deepEqual(statements, []);
    assert.deepEqual(prices.schemas.insert['~standard'].validate({ amount: 2 ** 60 }), {
      issues: [{ message: `${2 ** 60} cannot be stored exactly: a JavaScript number holds about 15 significant digits; pass the decimal as a string`, path: ['amount'] }],
    });

    const row = await repo.insert({ amount: 0.1, rate: 9007199254740991, exact: '123456789012345678901234567890.000000000001' });
    assert.equal(row.amount, '0.10');
    assert.equal(row.rate, '9007199254740991');
    assert.equal(row.exact, '123456789012345678901234567890.000000000001');
    const small = await repo.insert({ amount: 1234567890.12, exact: 1e-7, rate: 1e19 });
    assert.equal(small.amount, '1234567890.12');
    assert.equal(Number(small.exact), 1e-7);
    assert.equal(small.rate, '10000000000000000000');
  });
});
