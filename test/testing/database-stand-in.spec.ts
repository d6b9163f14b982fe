import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { afterCommit, CockroachDatabase, getDatabaseToken, Transactional } from '../../src/index.js';
import { createDatabaseStandIn } from '../../src/testing/index.js';

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
