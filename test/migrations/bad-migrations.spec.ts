import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CockroachDatabase, ConfigurationError, MigrationError, runMigrations } from '../../src/index.js';
import { revertLastMigration } from '../../src/migrations/migration.runner.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { migrationDir, sqlMigration } from './support/migration-dir.js';

/**
 * Each bad input is refused with a `MigrationError` naming the file, and
 * nothing is applied: not even the good migrations sorted before the bad one.
 */
describe('bad migration input', () => {
  let testDb: TestDatabase;
  let db: CockroachDatabase;

  before(async () => {
    testDb = await createTestDatabase('migrate_bad');
    db = await CockroachDatabase.connect({ url: testDb.url });
  });
  after(async () => {
    await db.close();
    await testDb.drop();
  });

  async function refused(files: Record<string, string>, badFile: string, message: RegExp): Promise<void> {
    const dir = migrationDir({ '1_good.sql': sqlMigration('CREATE TABLE good_one (id INT8 PRIMARY KEY);'), ...files });
    try {
      const error = await runMigrations(db, { directory: dir.path }).then(
        () => assert.fail('expected the migrations to be refused'),
        (caught: unknown) => caught,
      );
      assert.ok(error instanceof MigrationError, String(error));
      assert.equal(error.file, join(dir.path, badFile));
      assert.ok(error.message.includes(join(dir.path, badFile)), error.message);
      assert.match(error.message, message);
      const good = await testDb.admin("SELECT 1 FROM information_schema.tables WHERE table_name = 'good_one'");
      assert.equal(good.length, 0, 'the good migration before the bad one was applied');
    } finally {
      dir.remove();
    }
  }

  it('a missing directory', async () => {
    const missing = join(migrationDir().path, 'nope');
    const error = await runMigrations(db, { directory: missing }).catch((caught: unknown) => caught);
    assert.ok(error instanceof MigrationError);
    assert.equal(error.file, missing);
    assert.match(error.message, /does not exist or is not a directory/);
  });

  it('a file without the -- Up Migration line', async () => {
    await refused({ '2_plain.sql': 'CREATE TABLE plain (id INT8);\n' }, '2_plain.sql', /not in the migration format/);
  });

  it('a file with SQL before its -- Up Migration line', async () => {
    await refused({ '2_early.sql': 'DROP TABLE x;\n-- Up Migration\nSELECT 1;\n' }, '2_early.sql', /SQL before/);
  });

  it('a file whose name has no version', async () => {
    await refused({ 'create_things.sql': sqlMigration('SELECT 1;') }, 'create_things.sql', /expected a name like/);
  });

  it('a file that is not SQL', async () => {
    await refused({ '2_notes.md': '# notes' }, '2_notes.md', /expected a name like/);
  });

  it('two files with the same version', async () => {
    await refused(
      { '0002_a.sql': sqlMigration('SELECT 1;'), '2_b.sql': sqlMigration('SELECT 1;') },
      '2_b.sql',
      /have the same version/,
    );
  });

  it('a down with no down section', async () => {
    const dir = migrationDir({ '1_only_up.sql': sqlMigration('CREATE TABLE only_up (id INT8 PRIMARY KEY);') });
    try {
      assert.deepEqual(await runMigrations(db, { directory: dir.path, tableName: 'down_history' }), ['1_only_up']);
      const error = await revertLastMigration(db, { directory: dir.path, tableName: 'down_history' }).catch((caught: unknown) => caught);
      assert.ok(error instanceof MigrationError, String(error));
      assert.equal(error.file, join(dir.path, '1_only_up.sql'));
      assert.match(error.message, /has no "-- Down Migration" section/);
      const still = await testDb.admin<{ name: string }>('SELECT name FROM down_history');
      assert.deepEqual(still.map((row) => row.name), ['1_only_up']);
      assert.equal((await testDb.admin("SELECT 1 FROM information_schema.tables WHERE table_name = 'only_up'")).length, 1);
    } finally {
      dir.remove();
    }
  });

  it('an applied migration whose file changed', async () => {
    const dir = migrationDir({ '1_v1.sql': sqlMigration('CREATE TABLE edited (id INT8 PRIMARY KEY);') });
    try {
      assert.deepEqual(await runMigrations(db, { directory: dir.path, tableName: 'edit_history' }), ['1_v1']);
      dir.write('1_v1.sql', sqlMigration('CREATE TABLE edited (id INT8 PRIMARY KEY, extra TEXT);'));
      dir.write('2_next.sql', sqlMigration('CREATE TABLE after_edit (id INT8 PRIMARY KEY);'));
      const error = await runMigrations(db, { directory: dir.path, tableName: 'edit_history' }).catch((caught: unknown) => caught);
      assert.ok(error instanceof MigrationError, String(error));
      assert.equal(error.file, join(dir.path, '1_v1.sql'));
      assert.match(error.message, /has changed since it was applied/);
      assert.equal((await testDb.admin("SELECT 1 FROM information_schema.tables WHERE table_name = 'after_edit'")).length, 0);
    } finally {
      dir.remove();
    }
  });

  it('a new migration that sorts before one already applied', async () => {
    const dir = migrationDir({ '5_later.sql': sqlMigration('CREATE TABLE later_one (id INT8 PRIMARY KEY);') });
    try {
      await runMigrations(db, { directory: dir.path, tableName: 'order_history' });
      dir.write('3_earlier.sql', sqlMigration('CREATE TABLE earlier_one (id INT8 PRIMARY KEY);'));
      const error = await runMigrations(db, { directory: dir.path, tableName: 'order_history' }).catch((caught: unknown) => caught);
      assert.ok(error instanceof MigrationError, String(error));
      assert.equal(error.file, join(dir.path, '3_earlier.sql'));
      assert.equal((await testDb.admin("SELECT 1 FROM information_schema.tables WHERE table_name = 'earlier_one'")).length, 0);
    } finally {
      dir.remove();
    }
  });

  it('unknown or ill-typed options, before any SQL', async () => {
    const sent: string[] = [];
    const watched = await CockroachDatabase.connect({ url: testDb.url, onQuery: (event) => sent.push(event.text) });
    try {
      const cases: Array<[string, unknown]> = [
        ['directry', { directry: 'migrations' }],
        ['directory', { directory: '' }],
        ['tableName', { directory: 'm', tableName: 'bad name; DROP TABLE x' }],
        ['lockLeaseMs', { directory: 'm', lockLeaseMs: 10 }],
      ];
      for (const [option, options] of cases) {
        await assert.rejects(runMigrations(watched, options as never), (error: unknown) => {
          assert.ok(error instanceof ConfigurationError, String(error));
          assert.equal(error.option, option);
          return true;
        });
      }
    } finally {
      await watched.close();
    }
    assert.deepEqual(sent, []);
  });
});
