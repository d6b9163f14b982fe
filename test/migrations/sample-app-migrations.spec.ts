import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { Test } from '@nestjs/testing';
import { AppModule, SAMPLE_MIGRATIONS } from '../../sample-app/app.module.js';
import { CockroachDatabase } from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

describe('the sample app’s schema comes from its migrations', () => {
  let testDb: TestDatabase;

  before(async () => {
    testDb = await createTestDatabase('sample_migrations');
  });
  after(async () => {
    await testDb.drop();
  });

  it('finds sample-app/migrations from the compiled app in build/', () => {
    assert.match(SAMPLE_MIGRATIONS, /sample-app\/migrations\/$/);
    assert.ok(!SAMPLE_MIGRATIONS.includes('/build/'), SAMPLE_MIGRATIONS);
    assert.ok(existsSync(`${SAMPLE_MIGRATIONS}20260101000000000_initial_schema.sql`));
  });

  it('applies them at start-up, and the result matches every forFeature table definition', async () => {
    // schemaCheck: 'error' fails the start-up on any missing column or column of another type.
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.register(testDb.url, { schemaCheck: 'error' })] }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    const { rows } = await app.get(CockroachDatabase).query<{ name: string }>('SELECT name FROM pgmigrations');
    assert.deepEqual(rows.map((row) => row.name), ['20260101000000000_initial_schema']);
    await app.close();
  });

  it('a restart finds nothing to apply', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.register(testDb.url, { schemaCheck: 'error' })] }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    const { rows } = await app.get(CockroachDatabase).query('SELECT name FROM pgmigrations');
    assert.equal(rows.length, 1);
    await app.close();
  });
});
