import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { afterCommit, CockroachDatabase, getDatabaseToken, Transactional } from '../../src/index.js';
import { createDatabaseStandIn } from '../../src/testing/index.js';
import { createTestDatabase } from '../support/test-database.js';

/** What a real service looks like: a repository-like dependency and a transactional method with an after-commit side effect. */
abstract class OrdersStore {
  abstract save(order: string): Promise<void>;
  /** Everything that happens, in order, for the test to read: the store's writes, the method's return, the hooks. */
  abstract readonly events: string[];
}

@Injectable()
class OrdersService {
  readonly sent: string[] = [];
  constructor(
    private readonly store: OrdersStore,
    private readonly db: CockroachDatabase,
  ) {}

  @Transactional()
  async place(order: string): Promise<string> {
    // Registered before the work it confirms, so a hook run too early would show up first.
    afterCommit(() => {
      this.sent.push(`confirmation for ${order}`);
      this.store.events.push(`confirmation for ${order}`);
    });
    await this.store.save(order);
    if (order === 'bad') throw new Error('rejected');
    this.store.events.push(`place ${order} returns`);
    return `placed ${order}`;
  }

  @Transactional()
  async countRaw(): Promise<unknown> {
    return this.db.query('SELECT count(*) FROM orders');
  }
}

describe('createDatabaseStandIn: unit-testing @Transactional services with no database', () => {
  let moduleRef: TestingModule;
  const saved: string[] = [];
  const events: string[] = [];

  before(async () => {
    moduleRef = await Test.createTestingModule({
      providers: [
        OrdersService,
        { provide: OrdersStore, useValue: { events, save: async (order: string) => void (saved.push(order), events.push(`save ${order}`)) } },
        { provide: getDatabaseToken(), useValue: createDatabaseStandIn() },
      ],
    }).compile();
  });
  after(() => moduleRef.close());

  it('runs the method once and its afterCommit hooks after it', async () => {
    const service = moduleRef.get(OrdersService);
    const result = await service.place('book');
    assert.equal(result, 'placed book');
    assert.deepEqual(saved, ['book']);
    assert.deepEqual(service.sent, ['confirmation for book']);
    assert.deepEqual(events, ['save book', 'place book returns', 'confirmation for book'], 'the body ran once, and its hook only after it returned');
  });

  it('runs no afterCommit hook when the method throws, and rethrows its error', async () => {
    const service = moduleRef.get(OrdersService);
    service.sent.length = 0;
    await assert.rejects(service.place('bad'), /rejected/);
    assert.deepEqual(service.sent, []);
  });

  it('refuses a real statement with an error that names it', async () => {
    const service = moduleRef.get(OrdersService);
    await assert.rejects(service.countRaw(), /no database.*SELECT count\(\*\) FROM orders/);
  });
});

/** The README's helper, verbatim: one testing module per test, never closed. */
async function compileWithoutDatabase(providers: Parameters<typeof Test.createTestingModule>[0]['providers']) {
  return Test.createTestingModule({
    providers: [...(providers ?? []), { provide: getDatabaseToken(), useValue: createDatabaseStandIn() }],
  }).compile();
}

describe('createDatabaseStandIn: one testing module per test, none closed (as the README shows)', () => {
  const store = { provide: OrdersStore, useValue: { save: async () => undefined, events: [] } };

  for (const test of ['first', 'second', 'third']) {
    it(`the ${test} test's @Transactional method runs on its own stand-in`, async () => {
      const moduleRef = await compileWithoutDatabase([OrdersService, store]);
      const service = moduleRef.get(OrdersService);
      assert.equal(await service.place(test), `placed ${test}`);
      assert.deepEqual(service.sent, [`confirmation for ${test}`]);
      await assert.rejects(service.countRaw(), /no database.*SELECT count\(\*\) FROM orders/);
    });
  }

  it('a stand-in of another name does not stand in for the default one', async () => {
    const moduleRef = await Test.createTestingModule({
      providers: [OrdersService, store, { provide: getDatabaseToken(), useValue: createDatabaseStandIn() }],
    }).compile();
    createDatabaseStandIn({ name: 'reports' });
    assert.equal(await moduleRef.get(OrdersService).place('x'), 'placed x');
  });
});

describe('createDatabaseStandIn next to a real database of the same name', () => {
  it('stays ambiguous for an instance no application created: never a silent pick between a server and a stand-in', async () => {
    const testDb = await createTestDatabase('stand_in');
    const real = await CockroachDatabase.connect({ url: testDb.url });
    try {
      createDatabaseStandIn();
      const service = new OrdersService({ save: async () => undefined, events: [] }, real);
      await assert.rejects(service.place('x'), /2 databases named "default" are open/);
    } finally {
      await real.close();
      await testDb.drop();
    }
  });
});
