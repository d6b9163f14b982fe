import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify, stripVTControlCharacters } from 'node:util';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * The package as a user gets it: `npm pack` of this checkout (in CI, a fresh
 * clone), installed with a plain `npm install` — no --force, no
 * --legacy-peer-deps — into throwaway apps outside the repo: a Nest 12 ES
 * module app shaped like today's `nest new` (the Nest 12 starter's tsconfig,
 * with `declaration: true`, and Vitest as its test runner), and Nest 11 and
 * Nest 10 CommonJS apps (which load the package through Node's require(esm)).
 * Each type-checks strict code that exports tables and repositories against
 * the public types with skipLibCheck off and no @types/pg, then boots an HTTP
 * app that uses forRoot, forFeature, @InjectRepository and @Transactional,
 * sends real requests, closes, and must exit by itself.
 */
const run = promisify(execFile);
const repositoryRoot = join(import.meta.dirname, '..', '..', '..');
const appsRoot = join(repositoryRoot, 'test', 'consumer', 'apps');
const MINUTES = 60_000;

/** Every Nest major the peer ranges name, each proven here. */
const APPS = ['nest12-esm', 'nest11-cjs', 'nest10-cjs'] as const;
let scratch: string;
let tarball: string;
/** Each app's directory and what its npm install printed, installed in parallel: the installs are most of this file's time. */
const installed = new Map<string, Promise<{ dir: string; output: string }>>();

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'nestjs-cockroachdb-consumer-'));
  // `npm pack` runs the `prepack` script, which builds dist/ from src/.
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

async function prepareApp(name: string): Promise<{ dir: string; output: string }> {
  const dir = join(scratch, name);
  cpSync(join(appsRoot, name), dir, { recursive: true });
  cpSync(join(appsRoot, 'src'), join(dir, 'src'), { recursive: true });
  const manifest = join(dir, 'package.json');
  writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('__TARBALL__', tarball));
  const { stdout, stderr } = await run('npm', ['install', '--no-audit', '--no-fund'], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
  return { dir, output: `${stdout}\n${stderr}` };
}

/** Runs one of the app's npm scripts; a failure reports what the script printed. */
async function npmRun(dir: string, script: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const { stdout } = await run('npm', ['run', script], { cwd: dir, env, maxBuffer: 16 * 1024 * 1024 }).catch((error: { stdout?: string; stderr?: string }) => {
    throw new Error(`npm run ${script} failed:\n${error.stdout ?? ''}${error.stderr ?? String(error)}`);
  });
  return stdout;
}

/** An app's npm scripts, as checked in. */
function scriptsOf(app: string): Record<string, string> {
  return (JSON.parse(readFileSync(join(appsRoot, app, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
}

for (const app of APPS) {
  describe(`a ${app} app installing the packed tarball`, () => {
    const scripts = scriptsOf(app);
    let dir: string;
    let installOutput: string;
    let database: TestDatabase;

    before(async () => {
      let ready: { dir: string; output: string };
      [ready, database] = await Promise.all([installed.get(app)!, createTestDatabase(app.replace('-', '_'))]);
      ({ dir, output: installOutput } = ready);
    }, { timeout: 8 * MINUTES });
    after(async () => {
      await database?.drop();
    });

    it('installs with a plain npm install, within the peer ranges', () => {
      const installed = JSON.parse(readFileSync(join(dir, 'node_modules', '@nestjs', 'core', 'package.json'), 'utf8')) as { version: string };
      assert.equal(installed.version.split('.')[0], /^nest(\d+)-/.exec(app)![1]);
      assert.ok(readdirSync(join(dir, 'node_modules', 'nestjs-cockroachdb', 'dist')).includes('index.js'));
    });

    it('installs without asking the app to approve any script of the package', () => {
      assert.match(installOutput, /added \d+ packages/, 'the install output was captured');
      // npm 11 warns "install scripts not yet covered by allowScripts", listing `nestjs-cockroachdb@0.1.0 (prepare: …)`.
      assert.doesNotMatch(installOutput, /nestjs-cockroachdb@[^\n]*\((?:preinstall|install|postinstall|prepare):/, 'npm names no script of the package for allowScripts');
      const shipped = JSON.parse(readFileSync(join(dir, 'node_modules', 'nestjs-cockroachdb', 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
      for (const event of ['preinstall', 'install', 'postinstall', 'prepare']) {
        assert.equal(shipped.scripts?.[event], undefined, `the packed package.json has no ${event} script`);
      }
    });

    it('type-checks and builds strict code that exports tables and repositories (skipLibCheck off, no @types/pg)', { timeout: 5 * MINUTES }, async () => {
      // The Nest 12 app also type-checks its tests (`typecheck`); `build` emits declarations there, as `nest build` would.
      await Promise.all([npmRun(dir, 'build'), ...(scripts['typecheck'] ? [npmRun(dir, 'typecheck')] : [])]);
    });

    if (scripts['test']) {
      it('passes its own tests, run by Vitest as in a `nest new` app, against the database', { timeout: 3 * MINUTES }, async () => {
        const output = await npmRun(dir, 'test', { ...process.env, DATABASE_URL: database.url });
        assert.match(stripVTControlCharacters(output), /Tests\s+1 passed/, 'Vitest ran the app\'s one test and it passed');
      });
    }

    it('serves HTTP with forRoot, forFeature, @InjectRepository and @Transactional, closes, and exits by itself', { timeout: 3 * MINUTES }, async () => {
      const { stdout } = await run(process.execPath, ['dist/main.js'], {
        cwd: dir,
        env: { ...process.env, DATABASE_URL: database.url },
        timeout: 2 * MINUTES,
      });
      // Nest's own warnings (Nest 10 times module serialization on a busy machine) are not the app's output.
      const lines = stdout.trim().split('\n').filter((line) => !line.includes('[Nest] '));
      assert.match(lines[0] ?? '', /^POST 201 \{.*"item":"widget","quantity":"3"/, 'the order was placed; INT8 arrives as an exact string');
      assert.equal(lines[1], 'POST 400', 'the refused order was answered 400');
      const listed = JSON.parse((lines[2] ?? '').replace(/^GET 200 /, '')) as Array<{ item: string }>;
      assert.deepEqual(listed.map((order) => order.item), ['widget'], '@Transactional rolled the refused order back');
      assert.equal(lines.at(-1), 'closed', 'the line after app.close() ran, and the process then exited on its own');
    });
  });
}
