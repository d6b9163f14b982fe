import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * `close()` must resolve, and the code after it run, in a process where
 * nothing else keeps Node's event loop alive. Each case is a real child
 * process that prints a marker after closing; a process that exits early
 * (the event loop ran dry mid-await) never prints it.
 */
const library = join(import.meta.dirname, "..", "..", "src", "index.js");
let database: TestDatabase;
let scratch: string;

before(async () => {
  database = await createTestDatabase('close_exits');
  // Inside the build tree, so the scripts resolve @nestjs/* from the project's node_modules.
  scratch = mkdtempSync(join(import.meta.dirname, 'scratch-'));
});
after(async () => {
  rmSync(scratch, { recursive: true, force: true });
  await database.drop();
});

function runScript(fileName: string, source: string): { status: number | null; stdout: string; stderr: string } {
  const file = join(scratch, fileName);
  writeFileSync(file, source);
  const result = spawnSync(process.execPath, [file], {
    env: { ...process.env, DATABASE_URL: database.url },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function assertClosedAndExited(result: { status: number | null; stdout: string; stderr: string }): void {
  assert.equal(result.status, 0, `exit status ${result.status}; stderr: ${result.stderr}`);
  assert.match(result.stdout, /^rows: 1$/m, 'the query ran');
  assert.match(result.stdout, /^closed$/m, 'the line after `await close()` ran');
}

describe('close() resolves when nothing else keeps Node alive', () => {
  it('in a CommonJS script that require()s the package', () => {
    const result = runScript(
      'script.cjs',
      `const { CockroachDatabase } = require(${JSON.stringify(library)});
(async () => {
  const db = await CockroachDatabase.connect({ url: process.env.DATABASE_URL });
  const { rows } = await db.query('SELECT 1 AS one');
  console.log('rows: ' + rows.length);
  await db.close();
  console.log('closed');
})();
`,
    );
    assertClosedAndExited(result);
  });

  it('in an ES module with top-level await', () => {
    const result = runScript(
      'script.mjs',
      `import { CockroachDatabase } from ${JSON.stringify(pathToFileURL(library).href)};
const db = await CockroachDatabase.connect({ url: process.env.DATABASE_URL });
const { rows } = await db.transaction(() => db.query('SELECT 1 AS one'));
console.log('rows: ' + rows.length);
await db.close();
console.log('closed');
`,
    );
    assertClosedAndExited(result);
  });

  it('in a Nest application context closed with app.close()', () => {
    const result = runScript(
      'nest-context.mjs',
      `import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CockroachDatabase, CockroachModule } from ${JSON.stringify(pathToFileURL(library).href)};
class AppModule {}
Module({ imports: [CockroachModule.forRoot({ url: process.env.DATABASE_URL })] })(AppModule);
const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
const { rows } = await app.get(CockroachDatabase).query('SELECT 1 AS one');
console.log('rows: ' + rows.length);
await app.close();
console.log('closed');
`,
    );
    assertClosedAndExited(result);
  });
});
