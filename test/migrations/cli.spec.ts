import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { migrationDir, sqlMigration, type MigrationDir } from './support/migration-dir.js';

const repoRoot = join(import.meta.dirname, '..', '..', '..');
const CLI = join(repoRoot, 'build', 'src', 'cli', 'nestjs-cockroachdb.js');
const TABLES_MODULE = join(repoRoot, 'build', 'sample-app', 'accounts', 'accounts.tables.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the compiled bin as a user would, with DATABASE_URL in the environment (unless `env` says otherwise). */
function cli(args: string[], env: Record<string, string | undefined>): Promise<Run> {
  const merged: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete merged[key];
    else merged[key] = value;
  }
  const child = spawn(process.execPath, [CLI, ...args], { env: merged });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('the nestjs-cockroachdb bin', () => {
  let testDb: TestDatabase;
  let dir: MigrationDir;
  let env: Record<string, string | undefined>;

  before(async () => {
    testDb = await createTestDatabase('migrate_cli');
    dir = migrationDir();
    env = { DATABASE_URL: testDb.url };
  });
  after(async () => {
    await testDb.drop();
    dir.remove();
  });

  it('is the package’s bin, built from src/cli with a node shebang', () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    assert.equal(manifest.bin['nestjs-cockroachdb'], './dist/cli/nestjs-cockroachdb.js');
    assert.match(readFileSync(join(repoRoot, 'src', 'cli', 'nestjs-cockroachdb.ts'), 'utf8'), /^#!\/usr\/bin\/env node\n/);
  });

  it('migrate create <name> writes an empty migration in the SQL format', async () => {
    const run = await cli(['migrate', 'create', 'create_notes', '--dir', dir.path], env);
    assert.equal(run.code, 0, run.stderr);
    const [file] = readdirSync(dir.path);
    assert.match(file!, /^\d{17}_create_notes\.sql$/);
    assert.match(run.stdout, new RegExp(`Created .*${file}`));
    assert.equal(readFileSync(join(dir.path, file!), 'utf8').replace(/\s+/g, ' ').trim(), '-- Up Migration -- Down Migration');
    dir.write(file!, sqlMigration('CREATE TABLE notes (id INT8 PRIMARY KEY);', 'DROP TABLE notes;'));
  });

  it('migrate status lists each migration and whether it is applied', async () => {
    const run = await cli(['migrate', 'status', '--dir', dir.path], env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^pending +\d{17}_create_notes$/m);
  });

  it('migrate up applies them; a second up is up to date', async () => {
    const first = await cli(['migrate', 'up', '--dir', dir.path], env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /Applied \d{17}_create_notes/);
    assert.equal((await testDb.admin("SELECT 1 FROM information_schema.tables WHERE table_name = 'notes'")).length, 1);
    const second = await cli(['migrate', 'up', '--dir', dir.path, '--url', testDb.url], { DATABASE_URL: undefined });
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /Up to date/);
    assert.match((await cli(['migrate', 'status', '--dir', dir.path], env)).stdout, /^applied +\d{17}_create_notes$/m);
  });

  it('migrate down reverts the last one', async () => {
    const run = await cli(['migrate', 'down', '--dir', dir.path], env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Reverted \d{17}_create_notes/);
    assert.equal((await testDb.admin("SELECT 1 FROM information_schema.tables WHERE table_name = 'notes'")).length, 0);
  });

  it('a failing migration exits 1 with the migration’s name and the server’s error', async () => {
    dir.write('99999999999999999_broken.sql', sqlMigration('SELECT 1/0;'));
    const run = await cli(['migrate', 'up', '--dir', dir.path], env);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /MigrationError: Migration 99999999999999999_broken \(up\) failed: division by zero/);
  });

  it('without DATABASE_URL or --url, exits 2 and says what to set; the password never shows', async () => {
    const missing = await cli(['migrate', 'status', '--dir', dir.path], { DATABASE_URL: undefined });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Set DATABASE_URL or pass --url/);
    const wrong = await cli(['migrate', 'status', '--dir', dir.path, '--url', 'postgresql://root:s3cret-pw@127.0.0.1:1/x'], { DATABASE_URL: undefined });
    assert.equal(wrong.code, 1);
    assert.ok(!`${wrong.stdout}${wrong.stderr}`.includes('s3cret-pw'));
  });

  it('migrate create --from-tables writes the CREATE TABLE statements of the exported table definitions', async () => {
    const fromTables = migrationDir();
    try {
      const run = await cli(['migrate', 'create', 'initial', '--dir', fromTables.path, '--from-tables', TABLES_MODULE, '--dialect', 'postgres'], env);
      assert.equal(run.code, 0, run.stderr);
      const [file] = readdirSync(fromTables.path);
      const content = readFileSync(join(fromTables.path, file!), 'utf8');
      assert.match(content, /^-- Up Migration\nCREATE TABLE IF NOT EXISTS "accounts" \(/);
      assert.match(content, /CREATE TABLE IF NOT EXISTS "transfers" \("id" INT8 PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY/);
      assert.match(content, /-- Down Migration\nDROP TABLE IF EXISTS "transfers", "accounts";\n$/);
      const up = await cli(['migrate', 'up', '--dir', fromTables.path, '--table', 'initial_history'], env);
      assert.equal(up.code, 0, up.stderr);
      assert.equal((await testDb.admin("SELECT 1 FROM information_schema.tables WHERE table_name IN ('accounts', 'transfers')")).length, 2);
    } finally {
      fromTables.remove();
    }
  });
});
