import 'reflect-metadata';
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AmbiguousCommitError, CockroachError, DatabaseClosingError } from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import {
  acknowledgedButNotCommitted,
  type AcknowledgedTransfer,
  type BankApp,
  describeFailures,
  expectedBalances,
  readBankState,
  startBankApp,
} from './support/bank-app.js';

/**
 * `app.close()` while 50 transfers are in flight. Whatever the shutdown does
 * to each transfer, its caller must learn the truth: success means the
 * transfer committed, an error means it rolled back. So the acknowledged
 * transfers are exactly the committed ones.
 */
const IN_FLIGHT = 50;
const ACCOUNTS = 10;
const INITIAL_BALANCE = 1_000_000; // no transfer is refused for funds: every outcome is commit or shutdown

let testDb: TestDatabase | undefined;
afterEach(async () => {
  await testDb?.drop();
  testDb = undefined;
});

interface Run {
  bank: BankApp;
  acknowledged: AcknowledgedTransfer[];
  failures: unknown[];
  /** Connections busy with a transaction when close() started. */
  midFlight: number;
}

/** Starts 50 transfers, closes the app once the first ones have begun, and records every outcome. */
async function closeUnderLoad(prefix: string, overrides: { shutdownTimeoutMs?: number; pool: { max: number } }): Promise<Run> {
  testDb = await createTestDatabase(prefix);
  let begun = 0;
  const bank = await startBankApp(testDb.url, {
    accounts: ACCOUNTS,
    initialBalance: INITIAL_BALANCE,
    overrides: {
      applicationName: `sample-app-${prefix}`,
      onQuery: (event) => {
        if (event.text.startsWith('BEGIN')) begun++;
      },
      ...overrides,
    },
  });
  const acknowledged: AcknowledgedTransfer[] = [];
  const failures: unknown[] = [];
  const calls = Array.from({ length: IN_FLIGHT }, async (_, i) => {
    const transfer = { from: bank.accountIds[i % ACCOUNTS]!, to: bank.accountIds[(i + 1 + (i % 7)) % ACCOUNTS]!, amount: 1 + i };
    try {
      await bank.transfers.transfer(transfer);
      acknowledged.push(transfer);
    } catch (error) {
      failures.push(error);
    }
  });
  // Close once every pooled connection has a transaction open on it (BEGIN sent): those are mid-flight when
  // close() starts, and the rest of the 50 are queued for a connection.
  while (begun < overrides.pool.max) await new Promise((resolve) => setImmediate(resolve));
  const midFlight = bank.db.poolStats().total - bank.db.poolStats().idle;
  await bank.app.close();
  await Promise.all(calls);
  return { bank, acknowledged, failures, midFlight };
}

async function assertAcknowledgedEqualsCommitted(run: Run): Promise<void> {
  const state = await readBankState(testDb!.url);
  assert.equal(run.acknowledged.length + run.failures.length, IN_FLIGHT, 'every call settled');
  for (const failure of run.failures) {
    assert.ok(failure instanceof CockroachError, `untyped failure: ${failure instanceof Error ? failure.stack : String(failure)}`);
    assert.ok(!(failure instanceof AmbiguousCommitError), 'a shutdown must not leave a commit in doubt');
  }
  assert.equal(state.committed.length, run.acknowledged.length, 'acknowledged transfers = committed transfers');
  assert.deepEqual(acknowledgedButNotCommitted(run.acknowledged, state.committed), []);
  assert.deepEqual(state.balances, expectedBalances(run.bank, run.acknowledged));
  assert.equal(state.total, BigInt(ACCOUNTS * INITIAL_BALANCE));
}

describe('app.close() with 50 transfers in flight', () => {
  it('drains: transfers already started finish and commit, and each caller is told so', async (t) => {
    const run = await closeUnderLoad('shutdown_drain', { pool: { max: 10 } });
    t.diagnostic(`mid-flight: ${run.midFlight}; acknowledged: ${run.acknowledged.length}; failures: ${JSON.stringify(describeFailures(run.failures))}`);
    assert.ok(run.midFlight > 0, 'transactions were mid-flight when close() started');
    await assertAcknowledgedEqualsCommitted(run);
    assert.ok(run.acknowledged.length > 0);
    // A transfer asked for after shutdown began is refused outright.
    await assert.rejects(run.bank.transfers.transfer({ from: run.bank.accountIds[0]!, to: run.bank.accountIds[1]!, amount: 1 }), DatabaseClosingError);
  });

  it('cuts short: with a 1 ms drain budget some transfers fail, and each failed one rolled back', async (t) => {
    const run = await closeUnderLoad('shutdown_cut', { pool: { max: 2 }, shutdownTimeoutMs: 1 });
    t.diagnostic(`mid-flight: ${run.midFlight}; acknowledged: ${run.acknowledged.length}; failures: ${JSON.stringify(describeFailures(run.failures))}`);
    await assertAcknowledgedEqualsCommitted(run);
    assert.ok(run.midFlight > 0, 'transactions were mid-flight, not only queued, when close() started');
    assert.ok(run.failures.length > 0, 'the short drain budget did cut transfers off');
    // Those mid-flight carry on to COMMIT on the connection they hold (acknowledged = committed above); those
    // still waiting for a connection when the pool ended are told at once, not after futile retries.
    assert.ok(run.failures.every((failure) => failure instanceof DatabaseClosingError), JSON.stringify(describeFailures(run.failures)));
  });
});
