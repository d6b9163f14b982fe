import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import type { Observable } from 'rxjs';
import { CockroachDatabase, TransactionalMethodError } from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * esbuild, and SWC without `decoratorMetadata`, emit no `design:returntype`:
 * the decorator cannot know a method returns an Observable. Compiled that way
 * for real (TypeScript with emitDecoratorMetadata off), async methods still
 * work and an Observable method fails clearly, committing nothing.
 */
const SOURCE = `
import { Transactional } from ${JSON.stringify(pathToFileURL(join(import.meta.dirname, '..', '..', 'src', 'index.js')).href)};
import { defer } from 'rxjs';
export class Notes {
  constructor(db) { this.db = db; }
  @Transactional()
  async add(note: string): Promise<number> {
    await this.db.query('INSERT INTO notes (note) VALUES ($1)', [note]);
    return 1;
  }
  @Transactional()
  stream(note: string) {
    return defer(() => this.db.query('INSERT INTO notes (note) VALUES ($1)', [note]));
  }
}
`;

interface NotesModule {
  Notes: new (db: CockroachDatabase) => { add(note: string): Promise<number>; stream(note: string): Observable<unknown> };
}

let database: TestDatabase;
let db: CockroachDatabase;
let scratch: string;
let Notes: NotesModule['Notes'];

before(async () => {
  database = await createTestDatabase('no_metadata');
  await database.admin('CREATE TABLE notes (id SERIAL PRIMARY KEY, note TEXT NOT NULL)');
  db = await CockroachDatabase.connect({ url: database.url });
  const { outputText } = ts.transpileModule(SOURCE.replace('constructor(db)', 'db: any; constructor(db: any)'), {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, experimentalDecorators: true, emitDecoratorMetadata: false },
  });
  assert.ok(!outputText.includes('design:returntype'), 'compiled without decorator metadata');
  scratch = mkdtempSync(join(import.meta.dirname, 'scratch-'));
  const file = join(scratch, 'notes.mjs');
  writeFileSync(file, outputText);
  ({ Notes } = (await import(pathToFileURL(file).href)) as NotesModule);
});
after(async () => {
  rmSync(scratch, { recursive: true, force: true });
  await db.close();
  await database.drop();
});

describe('@Transactional compiled without emitDecoratorMetadata', () => {
  it('runs async methods in a transaction as usual', async () => {
    assert.equal(await new Notes(db).add('kept'), 1);
    assert.deepEqual(await database.admin('SELECT note FROM notes'), [{ note: 'kept' }]);
  });

  it('fails an Observable method with an error that says why and what to do, committing nothing', async () => {
    // Without the return type the decorator can only answer with a Promise; it rejects instead of leaking a half-run transaction.
    const result = new Notes(db).stream('never') as unknown;
    assert.ok(result instanceof Promise);
    await assert.rejects(result, (error: unknown) => {
      assert.ok(error instanceof TransactionalMethodError, `got ${String(error)}`);
      assert.equal(error.method, 'Notes.stream');
      assert.match(error.message, /emitDecoratorMetadata/);
      assert.match(error.message, /Nothing was committed/);
      return true;
    });
    assert.deepEqual(await database.admin('SELECT note FROM notes WHERE note = $1', ['never']), []);
  });
});
