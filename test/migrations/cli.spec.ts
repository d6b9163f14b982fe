import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { migrationDir, sqlMigration, type MigrationDir } from './support/migration-dir.js';

const repoRoot = join(import.meta.dirname, '..', '..', '..');
const CLI = join(repoRoot, 'build', 'src', 'cli', 'nestjs-cockroachdb.js');
const TABLES_MODULE = join(repoRoot, 'build', 'sample-app', 'accounts', 'accounts.tables.js');
/** The compiled library, as a tables module outside the repository imports it (the bin's own copy: `instanceof Table` holds). */
const LIBRARY = pathToFileURL(join(repoRoot, 'build', 'src', 'index.js')).href;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the compiled bin as a user would, with DATABASE_URL in the environment (unless `env` says otherwise). */
function cli(args: string[], env: Record<string, string | undefined>, cwd?: string): Promise<Run> {
  const merged: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete merged[key];
    else merged[key] = value;
  }
  const child = spawn(process.execPath, [CLI, ...args], { env: merged, ...(cwd === undefined ? {} : { cwd }) });
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

  it('migrate create --from-tables writes the tables in foreign-key order, whatever the export order; up then succeeds', async () => {
    const fromTables = migrationDir();
    const modules = migrationDir();
    try {
      // `orders` references `products` but is exported first; `audit` references nothing and sorts by name.
      const tablesModule = modules.write(
        'shop.tables.mjs',
        [
          `import { defineTable, int, text, uuid, uuidKey } from ${JSON.stringify(LIBRARY)};`,
          `export const products = defineTable('products', { id: uuidKey(), name: text() });`,
          `export const customers = defineTable('customers', { id: uuidKey(), name: text() });`,
          `const orders = defineTable('orders', { id: uuidKey(), product: uuid().references(products), customer: uuid().references(customers, { onDelete: 'cascade' }), quantity: int() });`,
          `const lines = defineTable('lines', { id: uuidKey(), order: uuid().references(orders) });`,
          `export const audit = defineTable('audit', { id: uuidKey(), note: text() });`,
          `export const all = [lines, orders];`,
        ].join('\n'),
      );
      const run = await cli(['migrate', 'create', 'shop', '--dir', fromTables.path, '--from-tables', tablesModule, '--dialect', 'postgres'], env);
      assert.equal(run.code, 0, run.stderr);
      const [file] = readdirSync(fromTables.path);
      const content = readFileSync(join(fromTables.path, file!), 'utf8');
      const created = [...content.matchAll(/^CREATE TABLE IF NOT EXISTS "(\w+)"/gm)].map((match) => match[1]);
      assert.deepEqual(created, ['audit', 'customers', 'products', 'orders', 'lines']);
      assert.match(content, /-- Down Migration\nDROP TABLE IF EXISTS "lines", "orders", "products", "customers", "audit";\n$/);
      const up = await cli(['migrate', 'up', '--dir', fromTables.path, '--table', 'shop_history'], env);
      assert.equal(up.code, 0, up.stderr);
      assert.equal((await testDb.admin("SELECT 1 FROM information_schema.tables WHERE table_name IN ('products', 'customers', 'orders', 'lines', 'audit')")).length, 5);
      const down = await cli(['migrate', 'down', '--dir', fromTables.path, '--table', 'shop_history'], env);
      assert.equal(down.code, 0, down.stderr);
      assert.equal((await testDb.admin("SELECT 1 FROM information_schema.tables WHERE table_name IN ('products', 'customers', 'orders', 'lines', 'audit')")).length, 0);
    } finally {
      fromTables.remove();
      modules.remove();
    }
  });

  it('migrate create --from-tables refuses foreign keys that form a cycle, naming the tables, and writes no file', async () => {
    const fromTables = migrationDir();
    const modules = migrationDir();
    try {
      // References name tables, so two definitions of "a" can close a cycle a → b → a.
      const tablesModule = modules.write(
        'cycle.tables.mjs',
        [
          `import { defineTable, uuid, uuidKey } from ${JSON.stringify(LIBRARY)};`,
          `const earlyA = defineTable('a', { id: uuidKey() });`,
          `export const b = defineTable('b', { id: uuidKey(), a: uuid().references(earlyA) });`,
          `export const a = defineTable('a', { id: uuidKey(), b: uuid().references(b) });`,
        ].join('\n'),
      );
      const run = await cli(['migrate', 'create', 'cycle', '--dir', fromTables.path, '--from-tables', tablesModule], env);
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, /foreign keys form a cycle: "a" → "b" → "a"/);
      assert.deepEqual(readdirSync(fromTables.path), []);
    } finally {
      fromTables.remove();
      modules.remove();
    }
  });

  it('a failed migrate create leaves no file behind', async () => {
    const fromTables = migrationDir();
    const modules = migrationDir();
    try {
      const empty = await cli(['migrate', 'create', 'nothing', '--dir', fromTables.path, '--from-tables', modules.write('none.mjs', 'export const answer = 42;')], env);
      assert.equal(empty.code, 2);
      assert.match(empty.stderr, /exports no table definitions/);
      const throwing = await cli(['migrate', 'create', 'broken', '--dir', fromTables.path, '--from-tables', modules.write('throws.mjs', "throw new Error('boom');")], env);
      assert.equal(throwing.code, 1);
      assert.match(throwing.stderr, /boom/);
      const missing = await cli(['migrate', 'create', 'missing', '--dir', fromTables.path, '--from-tables', join(modules.path, 'nowhere.js')], env);
      assert.equal(missing.code, 1);
      assert.deepEqual(readdirSync(fromTables.path), []);
    } finally {
      fromTables.remove();
      modules.remove();
    }
  });

  it('migrate create --from-tables with a .ts module says to build first or use a TypeScript loader, and writes no file', async () => {
    const fromTables = migrationDir();
    const project = migrationDir();
    try {
      mkdirSync(join(project.path, 'src', 'db'), { recursive: true });
      project.write(join('src', 'db', 'tables.ts'), 'export const x: number = 1;\n');
      // Run from the project's root, as `npx nestjs-cockroachdb` is.
      const run = await cli(['migrate', 'create', 'initial', '--dir', fromTables.path, '--from-tables', 'src/db/tables.ts'], env, project.path);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /tables\.ts is TypeScript/);
      assert.match(run.stderr, /nest build/);
      assert.match(run.stderr, /--from-tables dist\/db\/tables\.js/);
      assert.match(run.stderr, /--import tsx/);
      assert.doesNotMatch(run.stderr, /Unknown file extension/);
      assert.deepEqual(readdirSync(fromTables.path), []);
    } finally {
      fromTables.remove();
      project.remove();
    }
  });

  it('prints its own lines only: no Nest logger lines on stdout or stderr', async () => {
    const own = migrationDir({ '00000000000000001_quiet.sql': sqlMigration('CREATE TABLE quiet (id INT8 PRIMARY KEY);', 'DROP TABLE quiet;') });
    try {
      for (const command of ['up', 'status', 'down']) {
        const run = await cli(['migrate', command, '--dir', own.path, '--table', 'quiet_history'], env);
        assert.equal(run.code, 0, run.stderr);
        const output = `${run.stdout}${run.stderr}`;
        assert.doesNotMatch(output, /\[Nest\]|\bLOG\b|CockroachMigrations|CockroachModule/, `migrate ${command}:\n${output}`);
        assert.equal(run.stderr, '', `migrate ${command}`);
      }
    } finally {
      own.remove();
    }
  });

  it('migrate status exits 1 when an applied migration’s file changed or is gone, saying which and what to do', async () => {
    const history = migrationDir({
      '00000000000000001_first.sql': sqlMigration('CREATE TABLE status_first (id INT8 PRIMARY KEY);', 'DROP TABLE status_first;'),
      '00000000000000002_second.sql': sqlMigration('CREATE TABLE status_second (id INT8 PRIMARY KEY);', 'DROP TABLE status_second;'),
    });
    const args = ['--dir', history.path, '--table', 'status_history'];
    try {
      assert.equal((await cli(['migrate', 'up', ...args], env)).code, 0);
      const clean = await cli(['migrate', 'status', ...args], env);
      assert.equal(clean.code, 0, clean.stderr);

      history.write('00000000000000001_first.sql', sqlMigration('CREATE TABLE status_first (id INT8 PRIMARY KEY, extra TEXT);'));
      const changed = await cli(['migrate', 'status', ...args], env);
      assert.equal(changed.code, 1, changed.stdout);
      assert.match(changed.stdout, /^changed +00000000000000001_first$/m);
      assert.match(changed.stdout, /^applied +00000000000000002_second$/m);
      assert.match(changed.stderr, /00000000000000001_first: .*00000000000000001_first\.sql was edited after it was applied\. Restore the applied version .* new migration/);

      history.write('00000000000000001_first.sql', sqlMigration('CREATE TABLE status_first (id INT8 PRIMARY KEY);', 'DROP TABLE status_first;'));
      rmSync(join(history.path, '00000000000000002_second.sql'));
      const missing = await cli(['migrate', 'status', ...args], env);
      assert.equal(missing.code, 1, missing.stdout);
      assert.match(missing.stdout, /^applied +00000000000000001_first$/m);
      assert.match(missing.stdout, /^missing +00000000000000002_second$/m);
      assert.match(missing.stderr, /00000000000000002_second: applied, but its file 00000000000000002_second\.sql is not in the directory\. Restore the file; .* delete its row from status_history/);
      assert.doesNotMatch(missing.stderr, /_first/);
    } finally {
      history.remove();
    }
  });
});
