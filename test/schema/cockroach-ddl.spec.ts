import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  createTableStatements,
  createTables,
  defineTable,
  describeTable,
  int,
  rowId,
  text,
  timestamptz,
  UnsupportedFeatureError,
  uuidKey,
  type CockroachDatabase,
} from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { connectRecording } from '../repository/recording-database.js';

/** Sequential timestamps: the textbook case for a hash-sharded index. */
const readings = defineTable(
  'readings',
  { id: uuidKey(), sensor: text(), takenAt: timestamptz() },
  {
    naming: 'snake_case',
    indexes: [
      { columns: ['takenAt'], hash: true },
      { columns: ['sensor', 'takenAt'], hash: true, bucketCount: 8, name: 'readings_by_sensor' },
    ],
  },
);

/** Read everywhere, written rarely. */
const currencies = defineTable('currencies', { code: text().primaryKey(), name: text() }, { locality: 'global' });

/** Each row homed in its region. */
const profiles = defineTable('profiles', { id: rowId(), handle: text().unique(), visits: int().default(0) }, { locality: 'regional by row' });

let testDb: TestDatabase;
let db: CockroachDatabase;
let statements: string[];

before(async () => {
  testDb = await createTestDatabase('cockroach_ddl');
  ({ db, statements } = await connectRecording(testDb.url));
});
after(async () => {
  await db.close();
  await testDb.drop();
});

// Pinned from CockroachDB's documentation: "CREATE INDEX … ON t (cols) USING HASH [WITH (bucket_count = n)]"
// (hash-sharded indexes) and "CREATE TABLE … (…) LOCALITY GLOBAL | LOCALITY REGIONAL BY ROW" (table localities).
describe('CockroachDB-only DDL (pinned)', () => {
  it('writes hash-sharded indexes with USING HASH, and the bucket count when given', () => {
    assert.deepEqual(createTableStatements(readings, 'cockroach'), [
      'CREATE TABLE IF NOT EXISTS "readings" ("id" UUID PRIMARY KEY DEFAULT gen_random_uuid(), "sensor" TEXT NOT NULL, "taken_at" TIMESTAMPTZ NOT NULL)',
      'CREATE INDEX IF NOT EXISTS "readings_taken_at_idx" ON "readings" ("taken_at") USING HASH',
      'CREATE INDEX IF NOT EXISTS "readings_by_sensor" ON "readings" ("sensor", "taken_at") USING HASH WITH (bucket_count = 8)',
    ]);
  });

  it('writes LOCALITY GLOBAL and LOCALITY REGIONAL BY ROW after the column list', () => {
    assert.deepEqual(createTableStatements(currencies, 'cockroach'), [
      'CREATE TABLE IF NOT EXISTS "currencies" ("code" TEXT PRIMARY KEY, "name" TEXT NOT NULL) LOCALITY GLOBAL',
    ]);
    assert.deepEqual(createTableStatements(profiles, 'cockroach'), [
      'CREATE TABLE IF NOT EXISTS "profiles" ("id" INT8 PRIMARY KEY DEFAULT unique_rowid(), "handle" TEXT NOT NULL UNIQUE, ' +
        `"visits" INT8 NOT NULL DEFAULT '0'::INT8) LOCALITY REGIONAL BY ROW`,
    ]);
  });

  it('refuses bucketCount without hash, and unknown localities, when the table is defined', () => {
    assert.throws(() => defineTable('t', { id: uuidKey() }, { indexes: [{ columns: ['id'], bucketCount: 4 }] }), /bucketCount needs hash: true/);
    assert.throws(() => defineTable('t', { id: uuidKey() }, { locality: 'everywhere' as 'global' }), /locality must be 'global' or 'regional by row'/);
  });
});

describe('on PostgreSQL, CockroachDB-only DDL is refused at createTables', () => {
  it('throws UnsupportedFeatureError naming the table and feature, before any statement, for every table given', async (t) => {
    if (testDb.dialect !== 'postgres') return t.skip('the refusal is PostgreSQL’s');
    const plain = defineTable('plain', { id: uuidKey() });
    statements.length = 0;
    await assert.rejects(createTables(db, plain, readings), (error: unknown) => error instanceof UnsupportedFeatureError && /Table "readings": index "readings_taken_at_idx" is hash-sharded \(USING HASH\)/.test(error.message));
    await assert.rejects(db.createTables(currencies), (error: unknown) => error instanceof UnsupportedFeatureError && /locality 'global' needs a multi-region CockroachDB database/.test(error.message));
    assert.throws(() => createTableStatements(profiles, 'postgres'), UnsupportedFeatureError);
    assert.deepEqual(statements, [], 'not even the plain table was created');
    assert.equal(await describeTable(db, 'plain'), null);
  });
});

describe('on CockroachDB, a hash-sharded index is created and used', () => {
  it('creates the table and its hash-sharded indexes', async (t) => {
    if (testDb.dialect !== 'cockroach') return t.skip('needs CockroachDB');
    await createTables(db, readings);
    const indexes = await testDb.admin<{ index_name: string }>(`SELECT DISTINCT index_name FROM [SHOW INDEXES FROM readings] ORDER BY index_name`);
    assert.deepEqual(indexes.map((row) => row.index_name).filter((name) => name !== 'readings_pkey'), ['readings_by_sensor', 'readings_taken_at_idx']);
  });
});
