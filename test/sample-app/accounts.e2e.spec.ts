import 'reflect-metadata';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { beginTestTransaction, rollbackTestTransaction } from '../../src/testing/index.js';
import { startSampleApp, type SampleApp } from './sample-app.fixture.js';

// Each test runs in a test transaction that is rolled back after it, and opens the accounts it uses.
// The 50 concurrent transfers need real concurrency and committed state: transfers-concurrency.e2e.spec.ts.
const ALICE = 'a11ce000-0000-4000-8000-000000000001';
const BOB = 'b0b00000-0000-4000-8000-000000000002';
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

let sample: SampleApp;
before(async () => {
  sample = await startSampleApp('sample_accounts');
});
after(() => sample.close());
beforeEach(() => beginTestTransaction(sample.db));
afterEach(() => rollbackTestTransaction(sample.db));

/** Alice with 10 000 cents and Bob with none, through the API. */
async function openAliceAndBob(): Promise<void> {
  await sample.http.post('/accounts').send({ id: ALICE, owner: 'alice', balance: 10_000 }).expect(201);
  await sample.http.post('/accounts').send({ id: BOB, owner: 'bob' }).expect(201);
}

/** Read through the app's database, so inside the test transaction. */
async function balances(): Promise<Map<string, bigint>> {
  const { rows } = await sample.db.query<{ id: string; balance: string }>('SELECT id::TEXT AS id, balance::TEXT AS balance FROM accounts');
  return new Map(rows.map((row) => [row.id, BigInt(row.balance)]));
}

async function transferCount(): Promise<number> {
  const { rows } = await sample.db.query<{ count: string }>('SELECT count(*)::TEXT AS count FROM transfers');
  return Number(rows[0]!.count);
}

describe('sample app: accounts', () => {
  it('POST /accounts creates accounts with a given or generated id; GET lists and reads them', async () => {
    const alice = await sample.http.post('/accounts').send({ id: ALICE, owner: 'alice', balance: 10_000 }).expect(201);
    assert.deepEqual({ id: alice.body.id, owner: alice.body.owner, balance: alice.body.balance }, { id: ALICE, owner: 'alice', balance: '10000' });
    await sample.http.post('/accounts').send({ id: BOB, owner: 'bob' }).expect(201);
    const carol = await sample.http.post('/accounts').send({ owner: 'carol', balance: '5' }).expect(201);
    assert.match(carol.body.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    const list = await sample.http.get('/accounts').expect(200);
    // The list is ordered by createdAt, then id. In one transaction now() is one instant, so createdAt ties and id decides.
    const expected = [[ALICE, 'alice', '10000'], [BOB, 'bob', '0'], [carol.body.id, 'carol', '5']].sort(([a], [b]) => (a! < b! ? -1 : 1));
    assert.deepEqual(
      list.body.map((account: { id: string; owner: string; balance: string }) => [account.id, account.owner, account.balance]),
      expected,
    );
    const bob = await sample.http.get(`/accounts/${BOB}`).expect(200);
    assert.equal(bob.body.owner, 'bob');
  });

  it('answers 404 for an unknown account and 400 (naming table and column) for ill-typed input', async () => {
    await sample.http.get(`/accounts/${UNKNOWN}`).expect(404);
    const badId = await sample.http.get('/accounts/not-a-uuid').expect(400);
    assert.deepEqual([badId.body.table, badId.body.column], ['accounts', 'id']);
    const badBalance = await sample.http.post('/accounts').send({ owner: 'dave', balance: 1.5 }).expect(400);
    assert.deepEqual([badBalance.body.table, badBalance.body.column], ['accounts', 'balance']);
    const noOwner = await sample.http.post('/accounts').send({ balance: 1 }).expect(400);
    assert.deepEqual([noOwner.body.table, noOwner.body.column], ['accounts', 'owner']);
    assert.match(noOwner.body.message, /owner: a value is required/);
    const twoProblems = await sample.http.post('/accounts').send({ owner: 5, balance: 'lots', colour: 'red' }).expect(400);
    assert.deepEqual(twoProblems.body.problems.map((problem: { column: string }) => problem.column), ['owner', 'balance', 'colour']);
    const { rows } = await sample.db.query<{ count: string }>("SELECT count(*)::TEXT AS count FROM accounts WHERE owner = 'dave'");
    assert.equal(rows[0]!.count, '0');
  });

  it('answers 409 for an id that is taken, and goes on serving the first account', async () => {
    await openAliceAndBob();
    const taken = await sample.http.post('/accounts').send({ id: ALICE, owner: 'mallory' }).expect(409);
    assert.match(taken.body.message, /already exists/);
    assert.equal((await sample.http.get(`/accounts/${ALICE}`).expect(200)).body.owner, 'alice');
  });
});

describe('sample app: transfers', () => {
  it('POST /transfers moves funds and records the transfer; GET /transfers lists it', async () => {
    await openAliceAndBob();
    const response = await sample.http.post('/transfers').send({ from: ALICE, to: BOB, amount: 2_500 }).expect(201);
    assert.deepEqual([response.body.source, response.body.target, response.body.amount], [ALICE, BOB, '2500']);
    assert.match(response.body.id, /^\d+$/);
    const after = await balances();
    assert.equal(after.get(ALICE), 7_500n);
    assert.equal(after.get(BOB), 2_500n);
    const recent = await sample.http.get('/transfers').expect(200);
    assert.equal(recent.body[0].id, response.body.id);
    // Uncommitted: invisible outside the test transaction.
    assert.deepEqual(await sample.testDb.admin('SELECT 1 FROM transfers'), []);
  });

  it('answers 409 for insufficient funds and changes nothing', async () => {
    await openAliceAndBob();
    await sample.http.post('/transfers').send({ from: ALICE, to: BOB, amount: 2_500 }).expect(201);
    const [before, transfersBefore] = [await balances(), await transferCount()];
    const response = await sample.http.post('/transfers').send({ from: BOB, to: ALICE, amount: 1_000_000 }).expect(409);
    assert.match(response.body.message, /Insufficient funds/);
    assert.deepEqual(await balances(), before);
    assert.equal(await transferCount(), transfersBefore);
  });

  it('answers 400 for a bad amount or the same account twice, 404 for an unknown account, and changes nothing', async () => {
    await openAliceAndBob();
    const [before, transfersBefore] = [await balances(), await transferCount()];
    for (const amount of [0, -5, 1.5, '100', 2 ** 53]) {
      await sample.http.post('/transfers').send({ from: ALICE, to: BOB, amount }).expect(400);
    }
    await sample.http.post('/transfers').send({ from: ALICE, to: ALICE, amount: 1 }).expect(400);
    await sample.http.post('/transfers').send({ from: ALICE, amount: 1 }).expect(400);
    const badUuid = await sample.http.post('/transfers').send({ from: 'alice', to: BOB, amount: 1 }).expect(400);
    assert.equal(badUuid.body.column, 'from');
    await sample.http.post('/transfers').send({ from: ALICE, to: UNKNOWN, amount: 1 }).expect(404);
    assert.deepEqual(await balances(), before);
    assert.equal(await transferCount(), transfersBefore);
  });
});
