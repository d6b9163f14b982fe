import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTables, defineTable, int, json, Repository, text, uuidKey, ValidationError, type CockroachDatabase } from '../../src/index.js';
import { buildUpsert } from '../../src/repository/insert.builder.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { connectRecording } from './recording-database.js';

const accounts = defineTable('accounts', {
  id: uuidKey(),
  email: text().unique(),
  name: text(),
  balance: int().default(0),
  settings: json<{ theme: string }>().nullable(),
});

const ID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const RETURNING = 'RETURNING "id", "email", "name", "balance", "settings"';

describe('upsert SQL (pinned, built for each dialect)', () => {
  it('is UPSERT INTO on CockroachDB when the conflict target is the primary key, given or not', () => {
    const expected = {
      text: `UPSERT INTO "accounts" ("id", "email", "name") VALUES ($1::UUID, $2::TEXT, $3::TEXT) ${RETURNING}`,
      values: [ID, 'ada@example.com', 'Ada'],
    };
    assert.deepEqual(buildUpsert(accounts, { id: ID, email: 'ada@example.com', name: 'Ada' }, {}, 'cockroach'), expected);
    assert.deepEqual(buildUpsert(accounts, { id: ID, email: 'ada@example.com', name: 'Ada' }, { conflict: 'id' }, 'cockroach'), expected);
    assert.deepEqual(buildUpsert(accounts, { id: ID, email: 'ada@example.com', name: 'Ada' }, { conflict: ['id'] }, 'cockroach'), expected);
  });

  it('is INSERT … ON CONFLICT on CockroachDB for another unique column', () => {
    assert.deepEqual(buildUpsert(accounts, { email: 'ada@example.com', name: 'Ada', balance: 5 }, { conflict: 'email' }, 'cockroach'), {
      text:
        'INSERT INTO "accounts" ("email", "name", "balance") VALUES ($1::TEXT, $2::TEXT, $3::INT8) ' +
        `ON CONFLICT ("email") DO UPDATE SET "name" = excluded."name", "balance" = excluded."balance" ${RETURNING}`,
      values: ['ada@example.com', 'Ada', '5'],
    });
  });

  it('is always INSERT … ON CONFLICT on PostgreSQL', () => {
    assert.equal(
      buildUpsert(accounts, { id: ID, email: 'ada@example.com', name: 'Ada' }, {}, 'postgres').text,
      'INSERT INTO "accounts" ("id", "email", "name") VALUES ($1::UUID, $2::TEXT, $3::TEXT) ' +
        `ON CONFLICT ("id") DO UPDATE SET "email" = excluded."email", "name" = excluded."name" ${RETURNING}`,
    );
  });

  it('re-sets the key when there is nothing else to update, so the existing row is returned', () => {
    const keyOnly = defineTable('tags', { label: text().primaryKey() });
    assert.equal(
      buildUpsert(keyOnly, { label: 'x' }, {}, 'postgres').text,
      'INSERT INTO "tags" ("label") VALUES ($1::TEXT) ON CONFLICT ("label") DO UPDATE SET "label" = excluded."label" RETURNING "label"',
    );
  });

  it('refuses a conflict target that is not the primary key or unique', () => {
    assert.throws(() => buildUpsert(accounts, { email: 'a@b.c', name: 'A' }, { conflict: 'name' }, 'postgres'), ValidationError);
    assert.throws(() => buildUpsert(accounts, { email: 'a@b.c', name: 'A' }, { conflict: 'nope' }, 'postgres'), ValidationError);
  });
});

describe('upsert against the server', () => {
  let testDb: TestDatabase;
  let db: CockroachDatabase;
  let statements: string[];
  let repo: Repository<typeof accounts>;
  before(async () => {
    testDb = await createTestDatabase('upsert');
    ({ db, statements } = await connectRecording(testDb.url));
    await createTables(db, accounts);
    repo = new Repository(db, accounts);
  });
  after(async () => {
    await db.close();
    await testDb.drop();
  });
  beforeEach(() => {
    statements.length = 0;
  });

  it('inserts, then updates, by primary key', async () => {
    const inserted = await repo.upsert({ id: ID, email: 'ada@example.com', name: 'Ada', balance: 10 });
    assert.deepEqual(inserted, { id: ID, email: 'ada@example.com', name: 'Ada', balance: '10', settings: null });
    const updated = await repo.upsert({ id: ID, email: 'ada@example.com', name: 'Ada Lovelace', balance: 20 });
    assert.deepEqual(updated, { id: ID, email: 'ada@example.com', name: 'Ada Lovelace', balance: '20', settings: null });
    const values = 'VALUES ($1::UUID, $2::TEXT, $3::TEXT, $4::INT8)';
    const expected =
      db.dialect === 'cockroach'
        ? `UPSERT INTO "accounts" ("id", "email", "name", "balance") ${values} ${RETURNING}`
        : `INSERT INTO "accounts" ("id", "email", "name", "balance") ${values} ` +
          `ON CONFLICT ("id") DO UPDATE SET "email" = excluded."email", "name" = excluded."name", "balance" = excluded."balance" ${RETURNING}`;
    assert.deepEqual([...statements], [expected, expected], 'the statements sent are the dialect’s upsert');
    assert.equal(await repo.count(), 1);
  });

  it('inserts, then updates, by another unique column', async () => {
    const first = await repo.upsert({ email: 'grace@example.com', name: 'Grace', settings: { theme: 'dark' } }, { conflict: 'email' });
    const second = await repo.upsert({ email: 'grace@example.com', name: 'Grace Hopper', settings: { theme: 'light' } }, { conflict: 'email' });
    assert.equal(statements.length, 2);
    assert.ok(statements.every((statement) => statement.includes('ON CONFLICT ("email") DO UPDATE SET')));
    assert.equal(second.id, first.id, 'the same row was updated');
    assert.equal(second.name, 'Grace Hopper');
    assert.deepEqual(second.settings, { theme: 'light' });
    assert.equal(second.balance, '0', 'a column not given keeps its value');
    assert.equal(await repo.count({ email: 'grace@example.com' }), 1);
  });

  it('keeps columns the upsert does not name', async () => {
    await repo.update({ id: ID }, { settings: { theme: 'solarized' } });
    const updated = await repo.upsert({ id: ID, email: 'ada@example.com', name: 'Countess' });
    assert.deepEqual(updated.settings, { theme: 'solarized' });
    assert.equal(updated.balance, '20');
  });

  it('sends UPSERT INTO to CockroachDB', async (t) => {
    if (db.dialect !== 'cockroach') return t.skip('needs CockroachDB');
    await repo.upsert({ id: ID, email: 'ada@example.com', name: 'Ada' });
    assert.match(statements[0]!, /^UPSERT INTO "accounts" /);
  });
});
