import 'reflect-metadata';
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AmbiguousCommitError,
  TransactionTimeoutError,
  checkDatabaseHealth,
  CockroachDatabase,
  CockroachError,
  type CockroachOptions,
  type RetryInfo,
  StatementTimeoutError,
} from '../../src/index.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import {
  acknowledgedButNotCommitted,
  type BankApp,
  describeFailures,
  emptyOutcomes,
  expectedBalances,
  readBankState,
  startBankApp,
  transferOnce,
  type TransferOutcomes,
} from './support/bank-app.js';

/**
 * Connections that go silent instead of failing loudly, through a TCP proxy
 * that drops every byte while keeping both sockets open (what a load
 * balancer that forgot the flow, or a partition, does). Every bound is short
 * here so the file runs in seconds; each assertion compares elapsed time only
 * with the bounds the test itself configured, with generous slack.
 */
const WORKERS = 8;
const ACCOUNTS = 10;
const INITIAL_BALANCE = 1_000;
/** Slack on top of each configured bound, for a loaded machine. */
const SLACK_MS = 8_000;
/** What "hung" means to the workload: far past every configured bound. */
const HUNG_AFTER_MS = 30_000;
/**
 * Each test's own bound (node:test's `timeout`), and each hook's: far above
 * what a test takes on a loaded machine (seconds), far below the file's
 * 600 s. A statement deadline that stopped destroying its socket hangs a
 * test: this makes the hang fail that test, by name, in seconds.
 */
const TEST_TIMEOUT = { timeout: 30_000 };

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
before(() => {
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
});
after(() => {
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
});

/** A fresh database behind a fresh proxy, and the sample app's bank on it. */
interface Scenario {
  testDb: TestDatabase;
  proxy: TcpProxy;
  bank: BankApp;
}

async function startScenario(prefix: string, overrides: Omit<CockroachOptions, 'url'>): Promise<Scenario> {
  const testDb = await createTestDatabase(prefix);
  const proxy = await startTcpProxy(testDb.url);
  const bank = await startBankApp(proxy.url, {
    accounts: ACCOUNTS,
    initialBalance: INITIAL_BALANCE,
    overrides: { pool: { max: WORKERS, connectionTimeoutMillis: 1_000 }, ...overrides },
  });
  return { testDb, proxy, bank };
}

async function stopScenario({ testDb, proxy, bank }: Scenario): Promise<void> {
  proxy.heal();
  await bank.app.close();
  await proxy.close();
  await testDb.drop();
}

/** `WORKERS` transfers at once, each recorded in `outcomes` when it ends. */
function transfersInFlight(bank: BankApp, outcomes: TransferOutcomes): Promise<void[]> {
  return Promise.all(Array.from({ length: WORKERS }, () => transferOnce(bank, outcomes, HUNG_AFTER_MS)));
}

async function waitFor(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** The bank invariant: money conserved, balances explained by committed transfers, acknowledged ⊆ committed ⊆ acknowledged ∪ ambiguous. */
async function assertBankInvariant(scenario: Scenario, outcomes: TransferOutcomes): Promise<void> {
  const state = await readBankState(scenario.testDb.url);
  assert.equal(state.total, BigInt(ACCOUNTS * INITIAL_BALANCE));
  assert.deepEqual(state.balances, expectedBalances(scenario.bank, state.committed));
  assert.deepEqual(acknowledgedButNotCommitted(outcomes.acknowledged, state.committed), [], 'every acknowledged transfer committed');
  const ambiguous = outcomes.failures.filter((failure) => failure instanceof AmbiguousCommitError).length;
  const unacknowledged = state.committed.length - outcomes.acknowledged.length;
  assert.ok(unacknowledged >= 0 && unacknowledged <= ambiguous, `${unacknowledged} unacknowledged commits, ${ambiguous} ambiguous calls`);
}

/** The SQLSTATE of the innermost error in a cause chain. */
function lastCauseCode(error: unknown): string | undefined {
  let code: string | undefined;
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    if ('code' in current && typeof current.code === 'string') code = current.code;
  }
  return code;
}

/** After the network heals: transfers succeed again on the same app, and the pool holds nothing checked out. */
async function assertServesAgain(scenario: Scenario): Promise<void> {
  const outcomes = emptyOutcomes();
  await transfersInFlight(scenario.bank, outcomes);
  // Eight random transfers over ten accounts contend: one may spend the scenario's short transaction budget
  // (retry.timeoutMs) on real serialization failures. That is the server answering, not the network failing.
  const networkFailures = outcomes.failures.filter((failure) => !(failure instanceof TransactionTimeoutError && lastCauseCode(failure) === '40001'));
  assert.deepEqual(describeFailures(networkFailures), {}, 'transfers after healing');
  assert.equal(outcomes.acknowledged.length + outcomes.refused + outcomes.failures.length, WORKERS);
  const pool = scenario.bank.db.poolStats();
  assert.equal(pool.waiting, 0, 'no caller queued for a connection');
  assert.ok(pool.total <= pool.max, `pool total ${pool.total} within max ${pool.max}`);
  assert.equal(pool.idle, pool.total, 'every connection back in the pool');
  await waitFor(() => scenario.proxy.connections().blackHoled === 0, 'no black-holed connection left', 5_000);
}

describe('every connection black-holed while 8 transactions are in flight', () => {
  const statementTimeoutMs = 500;
  const transactionTimeoutMs = 2_000;
  let scenario: Scenario;
  before(async () => {
    scenario = await startScenario('net_blackhole', { statementTimeoutMs, retry: { timeoutMs: transactionTimeoutMs } });
  }, TEST_TIMEOUT);
  after(() => stopScenario(scenario), TEST_TIMEOUT);

  it('ends every call within its bounds with a typed error, reports none as success, and serves again after healing', TEST_TIMEOUT, async (t) => {
    const outcomes = emptyOutcomes();
    const warmup = emptyOutcomes();
    await transfersInFlight(scenario.bank, warmup);
    // The fault strikes once every worker has sent a statement of its transaction.
    const inFlight = transfersInFlight(scenario.bank, outcomes);
    await sleep(5);
    scenario.proxy.blackHoleAll();
    const struck = performance.now();
    await inFlight;
    const tookMs = performance.now() - struck;
    t.diagnostic(`settled ${Math.round(tookMs)} ms after the fault: ${JSON.stringify(describeFailures(outcomes.failures))}, acknowledged ${outcomes.acknowledged.length}`);

    assert.equal(outcomes.hung, 0, 'no call hung');
    // One attempt may start just before the transaction deadline: its statement deadline, a connect timeout, then the check.
    const bound = transactionTimeoutMs + statementTimeoutMs + 500 + 1_000 + SLACK_MS;
    assert.ok(tookMs < bound, `all calls ended ${Math.round(tookMs)} ms after the fault (bound ${bound} ms)`);
    assert.ok(outcomes.failures.length > 0, 'the fault reached calls in flight');
    for (const failure of outcomes.failures) {
      assert.ok(failure instanceof CockroachError, `untyped failure: ${failure instanceof Error ? failure.stack : String(failure)}`);
    }

    scenario.proxy.heal();
    await assertBankInvariant(scenario, { ...outcomes, acknowledged: [...warmup.acknowledged, ...outcomes.acknowledged] });
    await assertServesAgain(scenario);
    assert.deepEqual(unhandled, []);
  });
});

describe('the connection sending COMMIT cut off', () => {
  let scenario: Scenario;
  before(async () => {
    // No statementTimeoutMs: only the default-bounded COMMIT may end the cut-off call (shortened here).
    scenario = await startScenario('net_commit', { controlStatementTimeoutMs: 1_000 });
  }, TEST_TIMEOUT);
  after(() => stopScenario(scenario), TEST_TIMEOUT);

  it('gives exactly that call AmbiguousCommitError; the others commit and the bank invariant holds', TEST_TIMEOUT, async () => {
    const outcomes = emptyOutcomes();
    const trap = scenario.proxy.blackHoleOnStatement(/\bCOMMIT\b/);
    const calls = transfersInFlight(scenario.bank, outcomes);
    await trap;
    await waitFor(() => outcomes.failures.length > 0, 'the cut-off call to fail', 1_000 + SLACK_MS);
    // Until the server learns the connection is gone, its transaction holds row locks the others wait for.
    scenario.proxy.heal();
    await calls;

    assert.equal(outcomes.hung, 0);
    assert.equal(outcomes.failures.length, 1, `failures: ${JSON.stringify(describeFailures(outcomes.failures))}`);
    const [failure] = outcomes.failures;
    assert.ok(failure instanceof AmbiguousCommitError);
    assert.ok(failure.cause instanceof StatementTimeoutError && failure.cause.side === 'client', 'the COMMIT deadline passed');
    assert.equal(outcomes.acknowledged.length + outcomes.refused, WORKERS - 1, 'every other call committed (or was refused for funds)');
    assert.equal(scenario.bank.db.stats().ambiguous, 1);
    await assertBankInvariant(scenario, outcomes);
    await assertServesAgain(scenario);
  });
});

describe('the connection sending BEGIN cut off', () => {
  let testDb: TestDatabase;
  let proxy: TcpProxy;
  let db: CockroachDatabase;
  before(async () => {
    testDb = await createTestDatabase('net_begin');
    proxy = await startTcpProxy(testDb.url);
    db = await CockroachDatabase.connect({ url: proxy.url, controlStatementTimeoutMs: 500, retry: { initialDelayMs: 1 } });
  }, TEST_TIMEOUT);
  after(async () => {
    proxy.heal();
    await db.close();
    await proxy.close();
    await testDb.drop();
  }, TEST_TIMEOUT);

  it('retries the transaction on a new connection and succeeds', TEST_TIMEOUT, async () => {
    const retries: RetryInfo[] = [];
    const trap = proxy.blackHoleOnStatement(/^BEGIN/);
    const result = await db.runTransaction(async () => (await db.query<{ n: number }>('SELECT 41 + 1 AS n')).rows[0]!.n, {
      onRetry: (info) => retries.push(info),
    });
    await trap;
    assert.equal(result, 42);
    assert.equal(retries.length, 1);
    assert.ok(retries[0]!.error instanceof StatementTimeoutError && retries[0]!.error.side === 'client');
    // The cut-off connection is still silent at the proxy, yet the transaction committed: on another connection.
    assert.equal(proxy.connections().blackHoled, 1);
    assert.equal(db.poolStats().total, 1, 'the cut-off connection left the pool');
  });
});

describe('an idle pooled connection black-holed', () => {
  let testDb: TestDatabase;
  let proxy: TcpProxy;
  let db: CockroachDatabase;
  before(async () => {
    testDb = await createTestDatabase('net_idle');
    proxy = await startTcpProxy(testDb.url);
  }, TEST_TIMEOUT);
  afterEach(async () => {
    proxy.heal();
    await db.close();
  }, TEST_TIMEOUT);
  after(async () => {
    await proxy.close();
    await testDb.drop();
  }, TEST_TIMEOUT);

  it('does not hang the next transaction: BEGIN has a deadline by default, the retry takes a new connection', TEST_TIMEOUT, async () => {
    db = await CockroachDatabase.connect({ url: proxy.url, pool: { max: 1 }, controlStatementTimeoutMs: 500, retry: { initialDelayMs: 1 } });
    await db.query('SELECT 1');
    proxy.blackHoleExisting();
    assert.equal(await db.transaction(async () => (await db.query<{ ok: boolean }>('SELECT true AS ok')).rows[0]!.ok), true);
    assert.equal(db.stats().retries, 1);
  });

  it('reports the health ping down within its deadline, then up on a new connection', TEST_TIMEOUT, async () => {
    db = await CockroachDatabase.connect({ url: proxy.url, pool: { max: 1 }, controlStatementTimeoutMs: 500 });
    await db.query('SELECT 1');
    proxy.blackHoleExisting();
    const started = performance.now();
    const down = await checkDatabaseHealth(db);
    assert.equal(down.status, 'down');
    assert.ok(performance.now() - started < 500 + SLACK_MS);
    assert.equal((await checkDatabaseHealth(db)).status, 'up');
  });

  it('fails a plain query with a client-side StatementTimeoutError when statementTimeoutMs is set; the next one runs', TEST_TIMEOUT, async () => {
    db = await CockroachDatabase.connect({ url: proxy.url, pool: { max: 1 }, statementTimeoutMs: 300 });
    await db.query('SELECT 1');
    proxy.blackHoleExisting();
    await assert.rejects(db.query('SELECT 1'), (error) => error instanceof StatementTimeoutError && error.side === 'client');
    assert.deepEqual((await db.query('SELECT 2 AS two')).rows, [{ two: 2 }]);
  });
});

describe('app.close() with black-holed connections open', () => {
  let scenario: Scenario;
  before(async () => {
    // No statement deadline at all: the in-flight statements would wait forever.
    scenario = await startScenario('net_close', { shutdownTimeoutMs: 500 });
  }, TEST_TIMEOUT);
  after(async () => {
    await scenario.proxy.close();
    await scenario.testDb.drop();
  }, TEST_TIMEOUT);

  it('finishes within the drain bound plus the socket grace, and every in-flight call ends with a typed error', TEST_TIMEOUT, async () => {
    const outcomes = emptyOutcomes();
    const calls = transfersInFlight(scenario.bank, outcomes);
    await sleep(5);
    scenario.proxy.blackHoleAll();
    await sleep(100);
    const started = performance.now();
    await scenario.bank.app.close();
    const tookMs = performance.now() - started;
    assert.ok(tookMs < 500 + 1_000 + SLACK_MS, `app.close() took ${Math.round(tookMs)} ms`);
    await calls;
    assert.equal(outcomes.hung, 0);
    for (const failure of outcomes.failures) {
      assert.ok(failure instanceof CockroachError, `untyped failure: ${failure instanceof Error ? failure.stack : String(failure)}`);
    }
  });
});
