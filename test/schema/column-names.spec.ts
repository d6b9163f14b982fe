import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  createTableStatements,
  createTables,
  defineTable,
  describeTable,
  int,
  Repository,
  text,
  timestamptz,
  uuidKey,
  ValidationError,
  type CockroachDatabase,
} from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { connectRecording } from '../repository/recording-database.js';

/** snake_case for the whole table, one column named by hand. */
const accounts = defineTable(
  'accounts',
  {
    accountId: uuidKey(),
    ownerName: text().unique(),
    loginCount: int().default(0),
    createdAt: timestamptz().defaultSql('now()'),
    legacyCode: text().nullable().named('LEGACY'),
  },
  { naming: 'snake_case', indexes: [{ columns: ['createdAt', 'ownerName'] }] },
);

let testDb: TestDatabase;
let db: CockroachDatabase;
let statements: string[];
let repo: Repository<typeof accounts>;

before(async () => {
  testDb = await createTestDatabase('column_names');
  ({ db, statements } = await connectRecording(testDb.url));
  await createTables(db, accounts);
  repo = new Repository(db, accounts);
});
after(async () => {
  await db.close();
  await testDb.drop();
});

describe('SQL column names apart from property names', () => {
  it('writes the SQL names into the DDL and the default index name', () => {
    assert.deepEqual(createTableStatements(accounts, 'cockroach'), [
      'CREATE TABLE IF NOT EXISTS "accounts" (' +
        '"account_id" UUID PRIMARY KEY DEFAULT gen_random_uuid(), ' +
        '"owner_name" TEXT NOT NULL UNIQUE, ' +
        `"login_count" INT8 NOT NULL DEFAULT '0'::INT8, ` +
        '"created_at" TIMESTAMPTZ NOT NULL DEFAULT now(), ' +
        '"LEGACY" TEXT)',
      'CREATE INDEX IF NOT EXISTS "accounts_created_at_owner_name_idx" ON "accounts" ("created_at", "owner_name")',
    ]);
    assert.equal(accounts.sqlName('createdAt'), 'created_at');
    assert.equal(accounts.sqlName('legacyCode'), 'LEGACY');
  });

  it('shows the SQL names to introspection', async () => {
    const description = await describeTable(db, 'accounts');
    assert.deepEqual(description?.columns.map((column) => column.name), ['account_id', 'owner_name', 'login_count', 'created_at', 'LEGACY']);
  });

  it('reads rows keyed by property name, and filters, orders, updates and upserts by property name', async () => {
    const ada = await repo.insert({ ownerName: 'ada', legacyCode: 'A1' });
    assert.deepEqual(Object.keys(ada), ['accountId', 'ownerName', 'loginCount', 'createdAt', 'legacyCode']);
    await repo.insert({ ownerName: 'bob' });
    const found = await repo.find({ where: { ownerName: { like: 'a%' }, $or: [{ legacyCode: 'A1' }, { loginCount: { gt: 5 } }] }, orderBy: { createdAt: 'desc' } });
    assert.deepEqual(found.map((row) => row.ownerName), ['ada']);
    const [updated] = await repo.update({ accountId: ada.accountId }, { loginCount: { increment: 2 } });
    assert.equal(updated?.loginCount, '2');
    const upserted = await repo.upsert({ ownerName: 'ada', legacyCode: 'A2' }, { conflict: 'ownerName' });
    assert.equal(upserted.accountId, ada.accountId);
    assert.equal(upserted.legacyCode, 'A2');
    const page = await repo.findPage({ orderBy: { ownerName: 'asc' }, limit: 1 });
    assert.deepEqual(page.rows.map((row) => row.ownerName), ['ada']);
    const next = await repo.findPage({ orderBy: { ownerName: 'asc' }, limit: 1, after: page.next });
    assert.deepEqual(next.rows.map((row) => row.ownerName), ['bob']);
    assert.deepEqual((await repo.find({ select: ['ownerName', 'createdAt'], orderBy: { ownerName: 'asc' } })).map((row) => Object.keys(row)), [
      ['ownerName', 'createdAt'],
      ['ownerName', 'createdAt'],
    ]);
  });

  it('sends only SQL names to the server, so hand-written SQL uses them too', async () => {
    statements.length = 0;
    await repo.find({ where: { ownerName: 'ada', loginCount: { gte: 0 } }, orderBy: { createdAt: 'asc' } });
    assert.equal(
      statements[0],
      'SELECT "account_id" AS "accountId", "owner_name" AS "ownerName", "login_count" AS "loginCount", "created_at" AS "createdAt", "LEGACY" AS "legacyCode" ' +
        'FROM "accounts" WHERE "owner_name" = $1::TEXT AND "login_count" >= $2::INT8 ORDER BY "created_at" ASC',
    );
    const rows = await testDb.admin<{ owner_name: string }>('SELECT owner_name FROM accounts WHERE login_count = 2');
    assert.deepEqual(rows, [{ owner_name: 'ada' }]);
  });

  it('refuses two columns with one SQL name, and invalid SQL names', () => {
    assert.throws(
      () => defineTable('t', { userId: uuidKey(), user_id: text() }, { naming: 'snake_case' }),
      (error: unknown) => error instanceof ValidationError && /the SQL column name "user_id" is also the name of "userId"/.test(error.message),
    );
    assert.throws(() => defineTable('t', { id: uuidKey(), name: text().named('bad name') }), /invalid SQL column name "bad name"/);
    assert.throws(() => defineTable('t', { id: uuidKey() }, { naming: 'camel' as 'snake_case' }), /naming must be 'as-is' or 'snake_case'/);
  });
});
