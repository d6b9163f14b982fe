import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CockroachDatabase, MigrationError, runMigrations } from '../../src/index.js';
import { migrationStatus, revertLastMigration } from '../../src/migrations/migration.runner.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { migrationDir, sqlMigration, type MigrationDir } from './support/migration-dir.js';

async function tableNames(testDb: TestDatabase): Promise<string[]> {
  const rows = await testDb.admin<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_catalog = current_database() AND table_schema = current_schema() ORDER BY table_name`,
  );
  return rows.map((row) => row.name);
}

describe('runMigrations applies pending migrations in file-name order', () => {
  let testDb: TestDatabase;
  let db: CockroachDatabase;
  let dir: MigrationDir;

  before(async () => {
    testDb = await createTestDatabase('migrate_order');
    db = await CockroachDatabase.connect({ url: testDb.url });
    dir = migrationDir({
      '10_add_email.sql': sqlMigration('ALTER TABLE people ADD COLUMN email TEXT;', 'ALTER TABLE people DROP COLUMN email;'),
      '9_create_people.sql': sqlMigration('CREATE TABLE people (id INT8 PRIMARY KEY, name TEXT NOT NULL);', 'DROP TABLE people;'),
    });
  });
  after(async () => {
    await db.close();
    await testDb.drop();
    dir.remove();
  });

  it('returns the names it applied, numeric versions first (9 before 10)', async () => {
    assert.deepEqual(await runMigrations(db, { directory: dir.path }), ['9_create_people', '10_add_email']);
    const columns = await testDb.admin<{ name: string }>(
      "SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'people' ORDER BY ordinal_position",
    );
    assert.deepEqual(columns.map((c) => c.name), ['id', 'name', 'email']);
  });

  it('returns [] when the database is up to date, and runs nothing', async () => {
    const sent: string[] = [];
    const watched = await CockroachDatabase.connect({ url: testDb.url, onQuery: (event) => sent.push(event.text) });
    try {
      assert.deepEqual(await runMigrations(watched, { directory: dir.path }), []);
    } finally {
      await watched.close();
    }
    assert.ok(!sent.some((text) => /ALTER TABLE people|CREATE TABLE people/.test(text)), sent.join('\n'));
  });

  it('records each migration in node-pg-migrate’s history table, with a checksum beside it', async () => {
    const rows = await testDb.admin<{ name: string; checksum: string }>(
      'SELECT h.name, c.checksum FROM pgmigrations h JOIN pgmigrations_checksums c USING (name) ORDER BY h.run_on, h.id',
    );
    assert.deepEqual(rows.map((row) => row.name), ['9_create_people', '10_add_email']);
    for (const row of rows) assert.match(row.checksum, /^[0-9a-f]{64}$/);
  });

  it('applies a migration added later, and only that one', async () => {
    dir.write('11_add_age.sql', sqlMigration('ALTER TABLE people ADD COLUMN age INT8;', 'ALTER TABLE people DROP COLUMN age;'));
    assert.deepEqual(await runMigrations(db, { directory: dir.path }), ['11_add_age']);
    const states = await migrationStatus(db, { directory: dir.path });
    assert.deepEqual(states.map((s) => `${s.state} ${s.name}`), ['applied 9_create_people', 'applied 10_add_email', 'applied 11_add_age']);
  });

  it('reverts the last applied migration with its down section, then applies it again', async () => {
    assert.equal(await revertLastMigration(db, { directory: dir.path }), '11_add_age');
    const columns = await testDb.admin("SELECT 1 FROM information_schema.columns WHERE table_name = 'people' AND column_name = 'age'");
    assert.equal(columns.length, 0);
    assert.deepEqual((await migrationStatus(db, { directory: dir.path })).at(-1), { name: '11_add_age', state: 'pending', file: `${dir.path}/11_add_age.sql` });
    assert.deepEqual(await runMigrations(db, { directory: dir.path }), ['11_add_age']);
  });

  it('is not bound by the module’s statementTimeoutMs, which is for the app’s queries', async () => {
    const bounded = await CockroachDatabase.connect({ url: testDb.url, statementTimeoutMs: 200 });
    const other = migrationDir({ '1_slow_index.sql': sqlMigration('SELECT pg_sleep(1);\nCREATE TABLE slow_probe (id INT8 PRIMARY KEY);') });
    try {
      await assert.rejects(bounded.query('SELECT pg_sleep(1)'), /timeout|cancel/i);
      assert.deepEqual(await runMigrations(bounded, { directory: other.path, tableName: 'slow_history' }), ['1_slow_index']);
    } finally {
      await bounded.close();
      other.remove();
    }
  });

  it('honours tableName', async () => {
    const other = migrationDir({ '1_t.sql': sqlMigration('CREATE TABLE custom_history_probe (id INT8 PRIMARY KEY);') });
    try {
      assert.deepEqual(await runMigrations(db, { directory: other.path, tableName: 'schema_history' }), ['1_t']);
      const rows = await testDb.admin<{ name: string }>('SELECT name FROM schema_history');
      assert.deepEqual(rows.map((row) => row.name), ['1_t']);
    } finally {
      other.remove();
    }
  });
});

describe('a failing migration', () => {
  let testDb: TestDatabase;
  let db: CockroachDatabase;
  let dir: MigrationDir;

  before(async () => {
    testDb = await createTestDatabase('migrate_fail');
    db = await CockroachDatabase.connect({ url: testDb.url });
    dir = migrationDir({
      '1_create_a.sql': sqlMigration('CREATE TABLE a (id INT8 PRIMARY KEY);'),
      // The table is created, then the insert fails: on PostgreSQL the table must not survive.
      '2_create_b_then_fail.sql': sqlMigration('CREATE TABLE b (id INT8 PRIMARY KEY);\nINSERT INTO b (id) VALUES (1);\nINSERT INTO b (id) VALUES (1);'),
      '3_create_c.sql': sqlMigration('CREATE TABLE c (id INT8 PRIMARY KEY);'),
    });
  });
  after(async () => {
    await db.close();
    await testDb.drop();
    dir.remove();
  });

  it('is reported by name with the server’s error; the one before stays applied, the ones after are not run', async () => {
    const error = await runMigrations(db, { directory: dir.path }).then(
      () => assert.fail('expected the migration to fail'),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof MigrationError, String(error));
    assert.match(error.message, /Migration 2_create_b_then_fail \(up\) failed: duplicate key/);
    assert.equal(error.file, `${dir.path}/2_create_b_then_fail.sql`);
    assert.equal((error.cause as { code?: string }).code, '23505');
    const applied = await testDb.admin<{ name: string }>('SELECT name FROM pgmigrations ORDER BY run_on, id');
    assert.deepEqual(applied.map((row) => row.name), ['1_create_a']);
    const tables = await tableNames(testDb);
    assert.ok(tables.includes('a'));
    assert.ok(!tables.includes('c'), 'later migrations are not run');
  });

  it('leaves nothing of itself behind on PostgreSQL (transactional DDL)', async (t) => {
    if (testDb.dialect !== 'postgres') return t.skip('CockroachDB may keep a schema change of a failed transaction; see the README');
    const tables = await tableNames(testDb);
    assert.ok(!tables.includes('b'), `table b survived: ${tables.join(', ')}`);
    const checksums = await testDb.admin<{ name: string }>('SELECT name FROM pgmigrations_checksums ORDER BY name');
    assert.deepEqual(checksums.map((row) => row.name), ['1_create_a']);
  });

  it('releases the lock: once the file is fixed, the next run applies it and the rest', async () => {
    dir.write('2_create_b_then_fail.sql', sqlMigration('CREATE TABLE b (id INT8 PRIMARY KEY);'));
    assert.deepEqual(await runMigrations(db, { directory: dir.path }), ['2_create_b_then_fail', '3_create_c']);
    assert.deepEqual(await testDb.admin('SELECT * FROM pgmigrations_lock'), []);
  });
});

describe('a schema change CockroachDB rolled back after COMMIT (XXA00)', () => {
  it('is reported as recorded-but-not-in-effect, pointing to the README’s recovery steps', async () => {
    // XXA00 cannot be provoked on PostgreSQL; this pins only the wording given such a server error.
    const { describeFailure } = await import('../../src/migrations/migration.runner.js');
    const serverError = Object.assign(new Error('transaction committed but schema change aborted with error: (23505): duplicate key'), {
      code: 'XXA00',
    });
    assert.match(describeFailure('7_unique_email', 'up', serverError), /^Migration 7_unique_email \(up\) failed: transaction committed but schema change aborted.*recorded as applied without its schema change/);
    assert.equal(describeFailure('7_x', 'up', Object.assign(new Error('boom'), { code: '42P01' })), 'Migration 7_x (up) failed: boom');
  });
});
