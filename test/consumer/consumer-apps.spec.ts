import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * The package as a user gets it: `npm pack` of this checkout (in CI, a fresh
 * clone), installed with a plain `npm install` — no --force, no
 * --legacy-peer-deps — into throwaway apps outside the repo: a Nest 12 ES
 * module app, and Nest 11 and Nest 10 CommonJS apps (which load the package
 * through Node's require(esm)). Each type-checks strict code against the public
 * types with skipLibCheck off and no @types/pg, then boots an HTTP app that
 * uses forRoot, forFeature, @InjectRepository and @Transactional, sends real
 * requests, closes, and must exit by itself.
 */
const run = promisify(execFile);
const repositoryRoot = join(import.meta.dirname, '..', '..', '..');
const appsRoot = join(repositoryRoot, 'test', 'consumer', 'apps');
const MINUTES = 60_000;

/** Every Nest major the peer ranges name, each proven here. */
const APPS = ['nest12-esm', 'nest11-cjs', 'nest10-cjs'] as const;
let scratch: string;
let tarball: string;
/** Each app's directory, installed in parallel: the installs are most of this file's time. */
const installed = new Map<string, Promise<string>>();

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'nestjs-cockroachdb-consumer-'));
  // `npm pack` runs the `prepare` script, which builds dist/ from src/.
  const { stdout } = await run('npm', ['pack', '--pack-destination', scratch, '--json'], { cwd: repositoryRoot, maxBuffer: 16 * 1024 * 1024 });
  const [packed] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  assert.ok(packed, 'npm pack reported what it packed');
  tarball = join(scratch, packed.filename);
  const shipped = packed.files.map((file) => file.path).sort();
  assert.ok(shipped.includes('dist/index.js') && shipped.includes('dist/index.d.ts'), 'the compiled library and its types are shipped');
  assert.deepEqual(
    shipped.filter((path) => !path.startsWith('dist/') || !/\.(js|d\.ts)$/.test(path)),
    ['LICENSE', 'README.md', 'package.json'],
    'nothing else is shipped',
  );
  for (const app of APPS) {
    const ready = prepareApp(app);
    ready.catch(() => undefined); // awaited (and reported) by the app's own before()
    installed.set(app, ready);
  }
}, { timeout: 5 * MINUTES });

after(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

async function prepareApp(name: string): Promise<string> {
  const dir = join(scratch, name);
  cpSync(join(appsRoot, name), dir, { recursive: true });
  cpSync(join(appsRoot, 'src'), join(dir, 'src'), { recursive: true });
  const manifest = join(dir, 'package.json');
  writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('__TARBALL__', tarball));
  await run('npm', ['install', '--no-audit', '--no-fund'], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
  return dir;
}

for (const app of APPS) {
  describe(`a ${app} app installing the packed tarball`, () => {
    let dir: string;
    let database: TestDatabase;

    before(async () => {
      [dir, database] = await Promise.all([installed.get(app)!, createTestDatabase(app.replace('-', '_'))]);
    }, { timeout: 8 * MINUTES });
    after(async () => {
      await database?.drop();
    });

    it('installs with a plain npm install, within the peer ranges', () => {
      const installed = JSON.parse(readFileSync(join(dir, 'node_modules', '@nestjs', 'core', 'package.json'), 'utf8')) as { version: string };
      assert.equal(installed.version.split('.')[0], /^nest(\d+)-/.exec(app)![1]);
      assert.ok(readdirSync(join(dir, 'node_modules', 'nestjs-cockroachdb', 'dist')).includes('index.js'));
    });

    it('type-checks strict code against the public types (skipLibCheck off, no @types/pg)', { timeout: 5 * MINUTES }, async () => {
      await assert.doesNotReject(
        run('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: dir }).catch((error: { stdout?: string }) => {
          throw new Error(`tsc failed:\n${error.stdout ?? String(error)}`);
        }),
      );
    });

    it('serves HTTP with forRoot, forFeature, @InjectRepository and @Transactional, closes, and exits by itself', { timeout: 3 * MINUTES }, async () => {
      const { stdout } = await run(process.execPath, ['dist/main.js'], {
        cwd: dir,
        env: { ...process.env, DATABASE_URL: database.url },
        timeout: 2 * MINUTES,
      });
      const lines = stdout.trim().split('\n');
      assert.match(lines[0] ?? '', /^POST 201 \{.*"item":"widget","quantity":"3"/, 'the order was placed; INT8 arrives as an exact string');
      assert.equal(lines[1], 'POST 400', 'the refused order was answered 400');
      const listed = JSON.parse((lines[2] ?? '').replace(/^GET 200 /, '')) as Array<{ item: string }>;
      assert.deepEqual(listed.map((order) => order.item), ['widget'], '@Transactional rolled the refused order back');
      assert.equal(lines.at(-1), 'closed', 'the line after app.close() ran, and the process then exited on its own');
    });
  });
}
