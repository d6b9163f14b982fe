import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { AmbiguousCommitError, ConnectionError, ExceededMaxAttemptsError } from '../../src/index.js';
import { CapturedLogger } from '../support/captured-logger.js';
import { killRandomSession, killSessions } from '../support/sessions.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import {
  acknowledgedButNotCommitted,
  type BankApp,
  describeFailures,
  expectedBalances,
  readBankState,
  runWorkers,
  startBankApp,
  transferOnce,
  emptyOutcomes,
} from './support/bank-app.js';

/**
 * Jepsen's bank workload with a nemesis: 8 workers transfer between 10
 * accounts while another session terminates a random backend of the app's
 * pool every 50–200 ms. Transfers are recorded in the same transaction as the
 * balances they move, so the transfers table is the ground truth of what committed.
 */
const APPLICATION_NAME = 'sample-app-faults';
const WORKERS = 8;
const MIN_KILLS = 25;
const ACCOUNTS = 10;
const INITIAL_BALANCE = 1_000;

let testDb: TestDatabase;
let bank: BankApp;
const logger = new CapturedLogger();
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

before(async () => {
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
  testDb = await createTestDatabase('faults');
  bank = await startBankApp(testDb.url, {
    accounts: ACCOUNTS,
    initialBalance: INITIAL_BALANCE,
    overrides: { applicationName: APPLICATION_NAME, pool: { max: WORKERS } },
    logger,
  });
});
after(async () => {
  await bank.app.close();
  await testDb.drop();
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
});

describe('bank workload while backends are terminated', () => {
  it('loses nothing, invents nothing, types every failure, hangs no call, and serves again afterwards', async (t) => {
    let stopped = false;
    let kills = 0;
    const nemesis = (async () => {
      while (!stopped) {
        await sleep(50 + Math.random() * 150);
        if (!stopped && (await killRandomSession(testDb, APPLICATION_NAME))) kills++;
      }
    })();
    const workload = runWorkers(bank, { workers: WORKERS, stop: () => stopped });
    // Behaviour, not the clock: keep the faults coming until enough sessions have been killed, however slow the machine.
    while (kills < MIN_KILLS) await sleep(50);
    stopped = true;
    const [outcomes] = await Promise.all([workload, nemesis]);

    const state = await readBankState(testDb.url);
    const ambiguous = outcomes.failures.filter((failure) => failure instanceof AmbiguousCommitError).length;
    t.diagnostic(
      `kills: ${kills}; acknowledged: ${outcomes.acknowledged.length}; refused (funds): ${outcomes.refused}; ` +
        `failures: ${JSON.stringify(describeFailures(outcomes.failures))}; committed rows: ${state.committed.length}; ` +
        `library stats: ${JSON.stringify(bank.db.stats())}`,
    );

    assert.ok(outcomes.acknowledged.length > 0, 'transfers committed during the faults');
    assert.equal(outcomes.hung, 0, 'no call hung past its timeout');
    for (const failure of outcomes.failures) {
      assert.ok(
        failure instanceof AmbiguousCommitError || failure instanceof ExceededMaxAttemptsError || failure instanceof ConnectionError,
        `an untyped failure reached the caller: ${failure instanceof Error ? failure.stack : String(failure)}`,
      );
    }
    assert.deepEqual(unhandled, [], 'no unhandled rejection or uncaught exception');

    // The money: conserved, never negative, and exactly what the committed transfers explain.
    assert.equal(state.total, BigInt(ACCOUNTS * INITIAL_BALANCE));
    for (const [id, balance] of state.balances) assert.ok(balance >= 0n, `account ${id} went negative: ${balance}`);
    assert.deepEqual(state.balances, expectedBalances(bank, state.committed));
    // Every caller told "done" has its transfer; only ambiguous outcomes may have committed unacknowledged.
    assert.deepEqual(acknowledgedButNotCommitted(outcomes.acknowledged, state.committed), []);
    // Each commit no caller was told about is one of the transfers whose caller was told "ambiguous" — matched
    // transfer by transfer (from, to, amount), not merely by count.
    const unacknowledgedCommits = acknowledgedButNotCommitted(state.committed, outcomes.acknowledged);
    assert.deepEqual(
      acknowledgedButNotCommitted(unacknowledgedCommits, outcomes.ambiguous),
      [],
      `commits nobody was told about, and not among the ${ambiguous} ambiguous calls`,
    );

    // The same pool serves again at once, with no settling pause: plain queries and transfers, no restart,
    // even right after one last kill of every connection it holds (the race a rolling restart makes).
    await killSessions(testDb, APPLICATION_NAME);
    for (let i = 0; i < 3 * WORKERS; i++) assert.deepEqual((await bank.db.query<{ one: number }>('SELECT 1 AS one')).rows, [{ one: 1 }]);
    const after = emptyOutcomes();
    for (let i = 0; i < 10; i++) await transferOnce(bank, after, 20_000);
    assert.deepEqual(after.failures, []);
    assert.equal(after.acknowledged.length + after.refused, 10);

    const password = decodeURIComponent(new URL(testDb.url).password);
    const leaks = [...logger.lines, ...outcomes.failures.map(String)].filter((line) => password !== '' && line.includes(password));
    assert.deepEqual(leaks, [], 'no password in any log line or error');
  });
});
