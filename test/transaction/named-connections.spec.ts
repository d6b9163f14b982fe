import 'reflect-metadata';
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { CockroachDatabase, CockroachModule, InjectDatabase, Transactional } from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let main: TestDatabase;
let reports: TestDatabase;

@Injectable()
class Reports {
  constructor(
    readonly mainDb: CockroachDatabase,
    @InjectDatabase('reports') readonly reportsDb: CockroachDatabase,
  ) {}

  /** Writes on the `reports` connection; rolls back there if it fails. */
  @Transactional({ connection: 'reports' })
  async record(entry: string, fail = false): Promise<{ sawMainRow: boolean }> {
    await this.reportsDb.query('INSERT INTO entries (body) VALUES ($1)', [entry]);
    if (fail) throw new Error('report failed');
    // The default connection's transaction, if the caller has one, is still the one its statements use.
    const { rows } = await this.mainDb.query<{ seen: boolean }>("SELECT EXISTS (SELECT 1 FROM entries WHERE body = 'main') AS seen");
    return { sawMainRow: rows[0]!.seen };
  }
}

@Injectable()
class Orders {
  constructor(
    private readonly db: CockroachDatabase,
    private readonly reportsService: Reports,
  ) {}

  /** One call chain, two databases: a transaction on each. */
  @Transactional()
  async place(failAfterReport = false): Promise<{ sawMainRow: boolean }> {
    await this.db.query("INSERT INTO entries (body) VALUES ('main')");
    const seen = await this.reportsService.record('report');
    if (failAfterReport) throw new Error('order failed');
    return seen;
  }
}

let moduleRef: TestingModule;
before(async () => {
  [main, reports] = await Promise.all([createTestDatabase('route_main'), createTestDatabase('route_reports')]);
  await Promise.all([main, reports].map((db) => db.admin('CREATE TABLE entries (body TEXT NOT NULL)')));
  moduleRef = await Test.createTestingModule({
    imports: [CockroachModule.forRoot({ url: main.url }), CockroachModule.forRoot({ name: 'reports', url: reports.url })],
    providers: [Reports, Orders],
  }).compile();
});
after(async () => {
  await moduleRef.close();
  await Promise.all([main.drop(), reports.drop()]);
});
beforeEach(() => Promise.all([main, reports].map((db) => db.admin('DELETE FROM entries'))));

const entries = async (db: TestDatabase) => (await db.admin<{ body: string }>('SELECT body FROM entries ORDER BY body')).map((row) => row.body);

describe('@Transactional({ connection })', () => {
  it('runs the method in a transaction on the named connection, not the default one', async () => {
    await assert.rejects(moduleRef.get(Reports).record('rolled back', true), /report failed/);
    assert.deepEqual(await entries(reports), [], 'the failed write was rolled back on the reports database');
    await moduleRef.get(Reports).record('kept');
    assert.deepEqual(await entries(reports), ['kept']);
    assert.deepEqual(await entries(main), [], 'nothing went to the default database');
  });
});

describe('two databases in one call chain', () => {
  it('keeps one transaction per database: each commits its own writes, and the default one stays active inside the other', async () => {
    const { sawMainRow } = await moduleRef.get(Orders).place();
    assert.equal(sawMainRow, true, 'inside the reports transaction, the default connection still used the outer transaction');
    assert.deepEqual(await entries(main), ['main']);
    assert.deepEqual(await entries(reports), ['report']);
  });

  it('is no distributed transaction: the inner one has committed when the outer one rolls back', async () => {
    await assert.rejects(moduleRef.get(Orders).place(true), /order failed/);
    assert.deepEqual(await entries(main), [], 'the outer transaction rolled back');
    assert.deepEqual(await entries(reports), ['report'], 'the reports transaction had already committed');
  });
});
