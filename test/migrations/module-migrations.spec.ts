import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Test } from '@nestjs/testing';
import {
  CockroachDatabase,
  CockroachModule,
  ConfigurationError,
  defineTable,
  int,
  MigrationError,
  SchemaDriftError,
  text,
  uuidKey,
  type CockroachOptions,
} from '../../src/index.js';
import { CapturedLogger } from '../support/captured-logger.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { migrationDir, sqlMigration, type MigrationDir } from './support/migration-dir.js';

const notes = defineTable('notes', { id: uuidKey(), body: text(), likes: int().default(0) });

describe('migrations.runOnStart', () => {
  let testDb: TestDatabase;
  let dir: MigrationDir;

  before(async () => {
    testDb = await createTestDatabase('module_migrate');
    dir = migrationDir({
      '1_notes.sql': sqlMigration('CREATE TABLE notes (id UUID PRIMARY KEY DEFAULT gen_random_uuid(), body TEXT NOT NULL);'),
    });
  });
  after(async () => {
    await testDb.drop();
    dir.remove();
  });

  it('applies pending migrations with forRoot before the database is handed to providers', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [CockroachModule.forRoot({ url: testDb.url, migrations: { directory: dir.path, runOnStart: true } })],
    }).compile();
    const db = moduleRef.get(CockroachDatabase);
    const { rows } = await db.query<{ name: string }>('SELECT name FROM pgmigrations');
    assert.deepEqual(rows.map((row) => row.name), ['1_notes']);
    await moduleRef.close();
  });

  it('applies them with forRootAsync too', async () => {
    dir.write('2_likes.sql', sqlMigration('ALTER TABLE notes ADD COLUMN likes INT8 NOT NULL DEFAULT 0;'));
    const moduleRef = await Test.createTestingModule({
      imports: [
        CockroachModule.forRootAsync({
          useFactory: () => ({ url: testDb.url, migrations: { directory: dir.path, runOnStart: true, tableName: 'pgmigrations' } }),
        }),
      ],
    }).compile();
    const { rows } = await moduleRef.get(CockroachDatabase).query<{ name: string }>('SELECT name FROM pgmigrations ORDER BY run_on, id');
    assert.deepEqual(rows.map((row) => row.name), ['1_notes', '2_likes']);
    await moduleRef.close();
  });

  it('leaves the schema alone without runOnStart', async () => {
    dir.write('3_tags.sql', sqlMigration('ALTER TABLE notes ADD COLUMN tags TEXT;'));
    const moduleRef = await Test.createTestingModule({
      imports: [CockroachModule.forRoot({ url: testDb.url, migrations: { directory: dir.path } })],
    }).compile();
    const { rows } = await moduleRef.get(CockroachDatabase).query('SELECT name FROM pgmigrations');
    assert.equal(rows.length, 2);
    await moduleRef.close();
  });

  it('fails the start-up with the failing migration named', async () => {
    dir.write('4_broken.sql', sqlMigration('ALTER TABLE no_such_table ADD COLUMN x INT8;'));
    await assert.rejects(
      Test.createTestingModule({
        imports: [CockroachModule.forRoot({ url: testDb.url, migrations: { directory: dir.path, runOnStart: true } })],
      }).compile(),
      (error: unknown) => {
        assert.ok(error instanceof MigrationError, String(error));
        assert.match(error.message, /Migration 4_broken \(up\) failed: relation "no_such_table" does not exist/);
        return true;
      },
    );
  });

  it('refuses unknown keys in migrations, naming the key', async () => {
    const options = { url: testDb.url, migrations: { directory: dir.path, runOnstart: true } } as unknown as CockroachOptions;
    await assert.rejects(Test.createTestingModule({ imports: [CockroachModule.forRoot(options)] }).compile(), (error: unknown) => {
      assert.ok(error instanceof ConfigurationError, String(error));
      assert.equal(error.option, 'migrations.runOnstart');
      return true;
    });
  });
});

describe('schema drift at start-up', () => {
  let testDb: TestDatabase;
  let logger: CapturedLogger;

  before(async () => {
    testDb = await createTestDatabase('module_drift');
    // `likes` is missing and `body` has another type than the definition says.
    await testDb.admin('CREATE TABLE notes (id UUID PRIMARY KEY, body INT8)');
  });
  after(async () => {
    await testDb.drop();
  });

  async function boot(options: Partial<CockroachOptions>, captured?: CapturedLogger) {
    const builder = Test.createTestingModule({
      imports: [CockroachModule.forRoot({ url: testDb.url, ...options }), CockroachModule.forFeature([notes])],
    });
    return (captured ? builder.setLogger(captured) : builder).compile();
  }

  it('warns about each missing or differently typed column, naming table and column', async () => {
    logger = new CapturedLogger().install();
    try {
      const moduleRef = await boot({ schemaCheck: 'warn' }, logger);
      await moduleRef.init();
      const warnings = logger.lines.filter((line) => line.startsWith('warn:') && line.includes('Schema drift'));
      assert.deepEqual(warnings.map((line) => line.replace(/^.*Schema drift: /, '').replace(/ CockroachModule$/, '')), [
        'table "notes": column "body" is int8 in the database, TEXT in the definition',
        'table "notes": column "likes" (INT8) does not exist',
      ]);
      await moduleRef.close();
    } finally {
      logger.restore();
    }
  });

  it('fails the start-up with schemaCheck: "error"', async () => {
    const moduleRef = await boot({ schemaCheck: 'error' });
    await assert.rejects(moduleRef.init(), (error: unknown) => {
      assert.ok(error instanceof SchemaDriftError, String(error));
      assert.equal(error.problems.length, 2);
      assert.match(error.message, /column "likes" \(INT8\) does not exist/);
      return true;
    });
    await moduleRef.close();
  });

  it('reports a missing table', async () => {
    const other = await createTestDatabase('module_drift_empty');
    try {
      const moduleRef = await Test.createTestingModule({
        imports: [CockroachModule.forRoot({ url: other.url, schemaCheck: 'error' }), CockroachModule.forFeature([notes])],
      }).compile();
      await assert.rejects(moduleRef.init(), /table "notes" does not exist/);
      await moduleRef.close();
    } finally {
      await other.drop();
    }
  });

  it('is silent when the schema matches, and skipped with schemaCheck: "off"', async () => {
    logger = new CapturedLogger().install();
    const matching = await createTestDatabase('module_drift_ok');
    try {
      await matching.admin('CREATE TABLE notes (id UUID PRIMARY KEY, body TEXT NOT NULL, likes INT8 NOT NULL DEFAULT 0, extra TEXT)');
      const ok = await Test.createTestingModule({
        imports: [CockroachModule.forRoot({ url: matching.url, schemaCheck: 'warn' }), CockroachModule.forFeature([notes])],
      })
        .setLogger(logger)
        .compile();
      await ok.init();
      await ok.close();
      const off = await boot({ schemaCheck: 'off' }, logger);
      await off.init();
      await off.close();
      assert.ok(logger.lines.some((line) => line.includes('Connection "default" closed')), 'the logger captured nothing');
      assert.deepEqual(logger.lines.filter((line) => line.includes('Schema drift')), []);
    } finally {
      logger.restore();
      await matching.drop();
    }
  });

  it('compares SQL names, not property names (snake_case tables and .named() columns)', async () => {
    const snakeNotes = defineTable(
      'snake_notes',
      { id: uuidKey(), createdBy: text(), likeCount: int().named('likes') },
      { naming: 'snake_case' },
    );
    logger = new CapturedLogger().install();
    const live = await createTestDatabase('module_drift_names');
    try {
      await live.admin('CREATE TABLE snake_notes (id UUID PRIMARY KEY, created_by TEXT NOT NULL, likes INT8 NOT NULL)');
      const app = await Test.createTestingModule({
        imports: [CockroachModule.forRoot({ url: live.url, schemaCheck: 'warn' }), CockroachModule.forFeature([snakeNotes])],
      })
        .setLogger(logger)
        .compile();
      await app.init();
      await app.close();
      assert.ok(logger.lines.some((line) => line.includes('Connection "default" closed')), 'the logger captured the app');
      assert.deepEqual(logger.lines.filter((line) => line.includes('Schema drift')), []);
    } finally {
      logger.restore();
      await live.drop();
    }
  });

  it('is on by default with migrations, off without', async () => {
    const withMigrations = migrationDir();
    logger = new CapturedLogger().install();
    try {
      const without = await boot({}, logger);
      await without.init();
      await without.close();
      assert.deepEqual(logger.lines.filter((line) => line.includes('Schema drift')), []);
      const withDefault = await boot({ migrations: { directory: withMigrations.path, runOnStart: true } }, logger);
      await withDefault.init();
      await withDefault.close();
      assert.equal(logger.lines.filter((line) => line.includes('Schema drift')).length, 2);
    } finally {
      logger.restore();
      withMigrations.remove();
    }
  });

  it('refuses an unknown schemaCheck mode', async () => {
    await assert.rejects(CockroachDatabase.connect({ url: testDb.url, schemaCheck: 'loud' as never }), (error: unknown) => {
      assert.ok(error instanceof ConfigurationError);
      assert.equal(error.option, 'schemaCheck');
      return true;
    });
  });
});
