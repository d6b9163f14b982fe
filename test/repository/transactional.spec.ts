import 'reflect-metadata';
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  CockroachDatabase,
  CockroachModule,
  createTables,
  defineTable,
  InjectRepository,
  int,
  Repository,
  text,
  Transactional,
  uuidKey,
} from '../../src/index.js';
import { createFlakyFunction } from '../support/flaky-function.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const wallets = defineTable('wallets', { id: uuidKey(), owner: text().unique(), balance: int() });

class Overdrawn extends Error {}

@Injectable()
class WalletService {
  attempts = 0;

  constructor(
    @InjectRepository(wallets) private readonly repo: Repository<typeof wallets>,
    private readonly db: CockroachDatabase,
  ) {}

  /** Opens two wallets; the flaky() call makes the server raise 40001 as many times as the test says. */
  @Transactional({ initialDelayMs: 1, maxDelayMs: 2 })
  async openPair(first: string, second: string): Promise<void> {
    this.attempts++;
    await this.repo.insert({ owner: first, balance: 100 });
    await this.db.query('SELECT flaky()');
    await this.repo.insert({ owner: second, balance: 100 });
  }

  /** Writes first and checks after, so an overdraft must be undone by the rollback. */
  @Transactional()
  async withdraw(owner: string, amount: number): Promise<void> {
    const wallet = await this.repo.findOne({ owner });
    if (!wallet) throw new Error(`no wallet for ${owner}`);
    const [updated] = await this.repo.update({ owner }, { balance: BigInt(wallet.balance) - BigInt(amount) });
    if (BigInt(updated!.balance) < 0n) throw new Overdrawn();
  }
}

let testDb: TestDatabase;
let flaky: Awaited<ReturnType<typeof createFlakyFunction>>;

before(async () => {
  testDb = await createTestDatabase('repotx');
  flaky = await createFlakyFunction(testDb);
});
after(() => testDb.drop());

describe('a repository inside @Transactional', () => {
  let service: WalletService;
  let repo: Repository<typeof wallets>;
  let close: () => Promise<void>;
  before(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [CockroachModule.forRoot({ url: testDb.url }), CockroachModule.forFeature([wallets])],
      providers: [WalletService],
    }).compile();
    await createTables(moduleRef.get(CockroachDatabase), wallets);
    service = moduleRef.get(WalletService);
    repo = new Repository(moduleRef.get(CockroachDatabase), wallets);
    close = () => moduleRef.close();
  });
  after(() => close());
  beforeEach(async () => {
    await testDb.admin('DELETE FROM wallets');
    service.attempts = 0;
  });

  it('is re-run with the method on injected 40001s, and commits once', async () => {
    await flaky.reset(2);
    await service.openPair('ada', 'grace');
    assert.equal(service.attempts, 3);
    assert.deepEqual((await repo.find({ orderBy: { owner: 'asc' } })).map((wallet) => wallet.owner), ['ada', 'grace']);
  });

  it('is rolled back with the method when it throws', async () => {
    await flaky.reset(0);
    await service.openPair('ada', 'grace');
    await assert.rejects(service.withdraw('ada', 150), Overdrawn);
    assert.equal((await repo.findOne({ owner: 'ada' }))!.balance, '100', 'the intermediate updates were rolled back');
    await service.withdraw('ada', 30);
    assert.equal((await repo.findOne({ owner: 'ada' }))!.balance, '70');
  });
});
