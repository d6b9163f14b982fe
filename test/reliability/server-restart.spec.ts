import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { AmbiguousCommitError, checkDatabaseHealth, CockroachError } from '../../src/index.js';
import { createEmbeddedPostgres, type EmbeddedPostgres } from '../support/embedded-postgres.js';
import { freePort } from '../support/free-port.js';
import { eventually } from '../support/sessions.js';
import {
  acknowledgedButNotCommitted,
  type BankApp,
  describeFailures,
  emptyOutcomes,
  expectedBalances,
  readBankState,
  runWorkers,
  startBankApp,
} from './support/bank-app.js';

/**
 * The database server is stopped and started again while the bank workload
 * runs. The app is not restarted: its pool must drop the dead connections,
 * reconnect, and carry on, with the invariant intact. The server here is a
 * PostgreSQL of this test's own (the suite's server is shared by every test
 * file), started from the same embedded-postgres binaries.
 */
const WORKERS = 8;
const ACCOUNTS = 10;
const INITIAL_BALANCE = 1_000;

let server: EmbeddedPostgres;
let bank: BankApp;
before(async () => {
  server = await createEmbeddedPostgres(await freePort(), () => undefined);
  await server.start();
  bank = await startBankApp(server.url, {
    accounts: ACCOUNTS,
    initialBalance: INITIAL_BALANCE,
    overrides: { applicationName: 'sample-app-restart', pool: { max: WORKERS } },
  });
});
after(async () => {
  await bank.app.close();
  await server.destroy();
});

describe('database server restart mid-run', () => {
  it('recovers without restarting the app, and the invariant holds', async (t) => {
    let stopped = false;
    const outcomes = emptyOutcomes();
    const workload = runWorkers(bank, { workers: WORKERS, stop: () => stopped, outcomes });

    // Behaviour, not the clock: restart once transfers are committing, however slow the machine.
    while (outcomes.acknowledged.length < 20) await sleep(50);
    const beforeRestart = outcomes.acknowledged.length;
    await server.stop(); // fast shutdown: open transactions are rolled back, every session is cut
    // The health check while the server is down: it reports down, with the reason, and does not throw.
    const down = await checkDatabaseHealth(bank.db);
    assert.equal(down.status, 'down', JSON.stringify(down));
    assert.ok(down.error, 'the reason is given');
    assert.equal(down.latencyMs, undefined);
    await server.start();
    // The same pool reports up again once the server is back (a stale idle connection may fail one check first).
    await eventually(() => checkDatabaseHealth(bank.db), (health) => health.status === 'up');
    const afterRestart = outcomes.acknowledged.length;
    // Run until transfers have committed again on fresh connections (bounded by the run's test timeout, not a clock here).
    while (outcomes.acknowledged.length < afterRestart + 100 && outcomes.hung === 0) await sleep(50);
    stopped = true;
    await workload;

    const state = await readBankState(server.url);
    t.diagnostic(
      `acknowledged: ${beforeRestart} before the restart, ${outcomes.acknowledged.length - afterRestart} after; ` +
        `failures: ${JSON.stringify(describeFailures(outcomes.failures))}; library stats: ${JSON.stringify(bank.db.stats())}`,
    );
    assert.ok(beforeRestart > 0, 'transfers committed before the restart');
    assert.ok(outcomes.acknowledged.length >= afterRestart + 100, 'transfers commit again after the restart, on the same app');
    assert.equal(outcomes.hung, 0);
    for (const failure of outcomes.failures) {
      assert.ok(failure instanceof CockroachError, `an untyped failure reached the caller: ${failure instanceof Error ? failure.stack : String(failure)}`);
    }

    assert.equal(state.total, BigInt(ACCOUNTS * INITIAL_BALANCE));
    for (const [id, balance] of state.balances) assert.ok(balance >= 0n, `account ${id} went negative: ${balance}`);
    assert.deepEqual(state.balances, expectedBalances(bank, state.committed));
    assert.deepEqual(acknowledgedButNotCommitted(outcomes.acknowledged, state.committed), []);
    const ambiguous = outcomes.failures.filter((failure) => failure instanceof AmbiguousCommitError).length;
    assert.ok(state.committed.length - outcomes.acknowledged.length <= ambiguous);

    const health = await bank.db.query<{ one: number }>('SELECT 1 AS one');
    assert.deepEqual(health.rows, [{ one: 1 }]);
  });
});
