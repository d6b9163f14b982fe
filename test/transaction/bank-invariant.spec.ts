import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { CockroachDatabase, CockroachModule, sql, Transactional } from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

class InsufficientFundsError extends Error {}

@Injectable()
class BankService {
  constructor(private readonly db: CockroachDatabase) {}

  @Transactional({ maxAttempts: 100 })
  async transfer(from: number, to: number, amount: number): Promise<void> {
    const { rows } = await this.db.query<{ id: string; balance: string }>(
      sql`SELECT id, balance FROM accounts WHERE id IN (${from}, ${to})`,
    );
    const source = rows.find((row) => Number(row.id) === from)!;
    if (Number(source.balance) < amount) throw new InsufficientFundsError(`account ${from} has ${source.balance}`);
    // One statement for both rows: locks are taken in scan order, so transfers never deadlock.
    await this.db.query(
      sql`UPDATE accounts SET balance = balance + CASE WHEN id = ${from} THEN ${-amount}::INT8 ELSE ${amount}::INT8 END
          WHERE id IN (${from}, ${to})`,
    );
  }
}

let testDb: TestDatabase;
let moduleRef: TestingModule;
before(async () => {
  testDb = await createTestDatabase('bank');
  await testDb.admin('CREATE TABLE accounts (id INT8 PRIMARY KEY, balance INT8 NOT NULL)');
  await testDb.admin('INSERT INTO accounts SELECT g, 1000 FROM generate_series(1, 10) AS g');
  moduleRef = await Test.createTestingModule({
    imports: [CockroachModule.forRoot({ url: testDb.url, pool: { max: 8 }, retry: { initialDelayMs: 2, maxDelayMs: 50 } })],
    providers: [BankService],
  }).compile();
});
after(async () => {
  await moduleRef.close();
  await testDb.drop();
});

describe('bank invariant under real contention', () => {
  it('keeps the total at 10,000 across 8 workers × 250 random SERIALIZABLE transfers, retrying real 40001s', async (t) => {
    const bank = moduleRef.get(BankService);
    const db = moduleRef.get(CockroachDatabase);
    const outcomes = { committed: 0, insufficient: 0, other: [] as unknown[] };
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let i = 0; i < 250; i++) {
          const from = 1 + Math.floor(Math.random() * 10);
          const to = 1 + ((from + Math.floor(Math.random() * 9)) % 10);
          const amount = 1 + Math.floor(Math.random() * 300);
          try {
            await bank.transfer(from, to, amount);
            outcomes.committed++;
          } catch (error) {
            if (error instanceof InsufficientFundsError) outcomes.insufficient++;
            else outcomes.other.push(error);
          }
        }
      }),
    );
    const [{ total, negative }] = (await testDb.admin<{ total: string; negative: string }>(
      'SELECT sum(balance)::INT8 AS total, count(*) FILTER (WHERE balance < 0) AS negative FROM accounts',
    )) as [{ total: string; negative: string }];
    assert.deepEqual(outcomes.other, [], 'every call committed or failed with the app’s own error');
    assert.equal(outcomes.committed + outcomes.insufficient, 2000);
    assert.equal(total, '10000');
    assert.equal(Number(negative), 0);
    const stats = db.stats();
    assert.ok(stats.retries > 0, `real serialization failures happened and were retried (stats: ${JSON.stringify(stats)})`);
    assert.equal(stats.commits, outcomes.committed);
    assert.equal(stats.exceeded, 0);
    t.diagnostic(`transfers ${JSON.stringify(outcomes.committed)} committed, ${outcomes.insufficient} refused; ${JSON.stringify(stats)}`);
  });
});
