import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSampleApp, type SampleApp } from './sample-app.fixture.js';

// Outside the testing kit: it needs transfers that really contend as concurrent transactions, and their committed state.
// Its own file (and so its own database), so the rows it commits reach no other test.
let sample: SampleApp;
before(async () => {
  sample = await startSampleApp('sample_transfers');
});
after(() => sample.close());

/** Committed state, read on a connection of its own. */
async function balances(): Promise<Map<string, bigint>> {
  const rows = await sample.testDb.admin<{ id: string; balance: string }>('SELECT id::TEXT AS id, balance::TEXT AS balance FROM accounts');
  return new Map(rows.map((row) => [row.id, BigInt(row.balance)]));
}

async function transferCount(): Promise<number> {
  const [row] = await sample.testDb.admin<{ count: string }>('SELECT count(*)::TEXT AS count FROM transfers');
  return Number(row!.count);
}

describe('sample app: concurrent transfers', () => {
  it('keeps the total over 50 concurrent HTTP transfers, and every acknowledged transfer is exactly one committed one', async (t) => {
    const owners = ['p1', 'p2', 'p3', 'p4'];
    const ids: string[] = [];
    for (const owner of owners) ids.push((await sample.http.post('/accounts').send({ owner, balance: 1_000 }).expect(201)).body.id);
    const expected = new Map(ids.map((id) => [id, 1_000n]));
    const transfersBefore = await transferCount();

    const statuses = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const from = ids[i % ids.length]!;
        const to = ids[(i + 1 + (i % 3)) % ids.length]!;
        const amount = 50 + ((i * 37) % 200);
        const response = await sample.http.post('/transfers').send({ from, to, amount });
        if (response.status === 201) {
          expected.set(from, expected.get(from)! - BigInt(amount));
          expected.set(to, expected.get(to)! + BigInt(amount));
        }
        return response.status;
      }),
    );

    // Every transfer is decided: done, or refused for funds. Contention is the library's to absorb with its retries,
    // so no caller is told "try again" (503) at this load.
    assert.deepEqual([...new Set(statuses)].filter((status) => ![201, 409].includes(status)), [], JSON.stringify(countBy(statuses)));
    const committed = statuses.filter((status) => status === 201).length;
    assert.ok(committed > 0, 'some transfers commit');
    const after = await balances();
    for (const id of ids) assert.equal(after.get(id), expected.get(id), `account ${id}: acknowledged transfers explain its balance exactly`);
    const total = ids.reduce((sum, id) => sum + after.get(id)!, 0n);
    assert.equal(total, 4_000n);
    assert.equal(await transferCount(), transfersBefore + committed);
    const { retries } = sample.db.stats();
    t.diagnostic(`statuses: ${JSON.stringify(countBy(statuses))}; retries so far in this app: ${retries}`);
  });
});

function countBy(values: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
