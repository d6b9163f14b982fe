import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { CockroachDatabase, CockroachModule, ConfigurationError, DatabaseClosingError, Transactional } from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * Two Nest applications in one process (two test modules, a worker beside an
 * API) each run their `@Transactional` methods on their own database, even
 * though both use the very same class.
 */
@Injectable()
class Ledger {
  constructor(readonly db: CockroachDatabase) {}

  /** Writes one row in a transaction; throws after writing when asked, which must roll the row back. */
  @Transactional()
  async record(note: string, fail = false): Promise<string> {
    await this.db.query('INSERT INTO notes (note) VALUES ($1)', [note]);
    if (fail) throw new Error('rolled back on purpose');
    const { rows } = await this.db.query<{ name: string }>('SELECT current_database() AS name');
    return rows[0]!.name;
  }
}

/** Calls its transactional method while the application is still initialising (before bootstrap). */
@Injectable()
class EarlyCaller implements OnModuleInit {
  wroteTo: string | undefined;
  constructor(private readonly ledger: Ledger) {}

  async onModuleInit(): Promise<void> {
    this.wroteTo = await this.ledger.record('from onModuleInit');
  }
}

function appModule(url: string, withEarlyCaller = false) {
  @Module({
    imports: [CockroachModule.forRoot({ url, connectRetry: { attempts: 1 } })],
    providers: [Ledger, ...(withEarlyCaller ? [EarlyCaller] : [])],
  })
  class AppModule {}
  return AppModule;
}

async function notes(database: TestDatabase): Promise<string[]> {
  return (await database.admin<{ note: string }>('SELECT note FROM notes ORDER BY id')).map((row) => row.note);
}

let first: TestDatabase;
let second: TestDatabase;

before(async () => {
  [first, second] = await Promise.all([createTestDatabase('app_one'), createTestDatabase('app_two')]);
  for (const database of [first, second]) {
    await database.admin('CREATE TABLE notes (id SERIAL PRIMARY KEY, note TEXT NOT NULL)');
  }
});
after(async () => {
  await Promise.all([first.drop(), second.drop()]);
});

describe('@Transactional in two applications of one process', () => {
  let app1: TestingModule;
  let app2: TestingModule;

  before(async () => {
    app1 = await Test.createTestingModule({ imports: [appModule(first.url)] }).compile();
    await app1.init();
    // The second application opens last: a process-wide "newest wins" lookup would send app 1's calls here.
    app2 = await Test.createTestingModule({ imports: [appModule(second.url, true)] }).compile();
    await app2.init();
  });
  after(async () => {
    await app1.close();
  });

  it('runs each application’s method on that application’s database', async () => {
    assert.equal(await app1.get(Ledger).record('one'), first.name);
    assert.equal(await app2.get(Ledger).record('two'), second.name);
    assert.deepEqual(await notes(first), ['one']);
    assert.deepEqual(await notes(second), ['from onModuleInit', 'two']);
  });

  it('binds a call made from onModuleInit, before bootstrap ended, to its own application', () => {
    assert.equal(app2.get(EarlyCaller).wroteTo, second.name);
  });

  it('rolls back a throwing method on its own database, so nothing of it is written anywhere', async () => {
    const before1 = await notes(first);
    const before2 = await notes(second);
    await assert.rejects(app1.get(Ledger).record('never', true), /rolled back on purpose/);
    assert.deepEqual(await notes(first), before1);
    assert.deepEqual(await notes(second), before2);
  });

  it('refuses an instance no application created while two databases are open, saying what to do', async () => {
    const loose = new Ledger(app1.get(CockroachDatabase));
    await assert.rejects(loose.record('loose'), (error: unknown) => {
      assert.ok(error instanceof ConfigurationError);
      assert.match(error.message, /no Nest application created/);
      assert.match(error.message, /app\.get\(Ledger\)/);
      return true;
    });
    assert.ok(!(await notes(first)).includes('loose'));
    assert.ok(!(await notes(second)).includes('loose'));
  });

  it('keeps serving application 1 after application 2 closed; application 2’s instances get DatabaseClosingError', async () => {
    const ledger2 = app2.get(Ledger);
    await app2.close();
    assert.equal(await app1.get(Ledger).record('after close'), first.name);
    await assert.rejects(ledger2.record('late'), DatabaseClosingError);
    assert.ok(!(await notes(second)).includes('late'));
  });

  it('runs an instance no application created on the only open database (scripts)', async () => {
    const script = await CockroachDatabase.connect({ url: first.url, name: 'script-only' });
    try {
      // Only app 1's default database is open now.
      assert.equal(await new Ledger(script).record('script'), first.name);
    } finally {
      await script.close();
    }
  });
});
