import { setTimeout as sleep } from 'node:timers/promises';
import type { PoolClient, QueryResult } from 'pg';
import { describeCode } from '../common/sql-state.js';
import { isConnectionFailure } from '../connection/connection-failure.js';
import type { ConnectionSource, TransactionProtocol } from '../connection/connection-source.js';
import { StatementAnswer } from '../connection/statement-answer.js';
import type { StatementResult } from '../connection/statement-channel.js';
import { statementLimits, type StatementLimits } from '../connection/statement-deadline.js';
import {
  AmbiguousCommitError,
  ConnectionLostError,
  DatabaseClosingError,
  ExceededMaxAttemptsError,
  TransactionAbortedError,
  TransactionTimeoutError,
} from '../errors.js';
import type { TransactionObserver } from '../telemetry/transaction.tracer.js';
import { explainAsOfSystemTimeRefusal } from './as-of-system-time.js';
import { checkIsolation } from './isolation-check.js';
import { judgeFailure, type FailedAttempt, type Verdict } from './retry-policy.js';
import { runInTransaction, TransactionContext } from './transaction-context.js';
import type { TransactionHost } from './transaction-host.js';
import type { ResolvedTransactionOptions } from './transaction-options.js';
import { cachedTopLevelProtocol } from './transaction-statements.js';

/** Where an attempt was when it failed: what its failure can mean depends on it (see `judgeFailure`). */
export type AttemptPhase = 'acquire' | 'begin' | 'body' | 'commit';

/**
 * The retry loop of the transaction's owner: acquire a connection, BEGIN,
 * run the body, COMMIT; on a failure, judge it (retry now, retry after a
 * pause, or give up with the error the caller must see), as CockroachDB asks
 * clients to.
 *
 * Savepoint protocol (CockroachDB): `BEGIN …; SAVEPOINT cockroach_restart` →
 * body → `RELEASE SAVEPOINT cockroach_restart; COMMIT`. A retry first rolls
 * back to the savepoint and re-runs at once, which keeps the transaction's
 * timestamp and priority, so it wins on the next try. When a pause is due it
 * ROLLBACKs first: sleeping while holding the savepoint would hold its locks
 * and stall every transaction queued behind them.
 *
 * Restart protocol (PostgreSQL): a failed serializable transaction cannot be
 * rescued by a savepoint there, so ROLLBACK, back off, BEGIN afresh.
 *
 * Where the connection source already holds a transaction open (the testing
 * kit), the same loop runs on a savepoint of it (the source's `nestedProtocol`).
 * The statements themselves are in transaction-statements.ts.
 */
export async function runOwnedTransaction<T>(
  host: TransactionHost,
  options: ResolvedTransactionOptions,
  body: (context: TransactionContext) => Promise<T>,
  observer?: TransactionObserver,
): Promise<T> {
  const owner = new OwnedTransaction(host, options, body, observer);
  host.gate.transactionStarted();
  try {
    return await owner.run();
  } finally {
    await owner.giveBackConnection();
    host.gate.transactionEnded();
  }
}

class OwnedTransaction<T> {
  private readonly source: ConnectionSource;
  private readonly strategy: 'savepoint' | 'restart';
  /** The source's connections come inside an open transaction (the testing kit): this one is a savepoint of it. */
  private readonly nested: boolean;
  private readonly protocol: TransactionProtocol;
  private readonly limits: StatementLimits;
  /** When the owner stops retrying (`timeoutMs`, across all attempts). */
  private readonly deadline: number;

  private client: PoolClient | undefined;
  /** A transaction is open on `client`. */
  private open = false;
  /** `client` failed mid-protocol: it goes back to be closed, never reused. */
  private broken = false;
  private phase: AttemptPhase = 'acquire';
  /** The body returned normally over a statement that failed (its error is the attempt's failure). */
  private swallowed = false;
  private attemptStartedAt = 0;
  private immediateRetries = 0;
  private delayedRetries = 0;

  constructor(
    private readonly host: TransactionHost,
    private readonly options: ResolvedTransactionOptions,
    private readonly body: (context: TransactionContext) => Promise<T>,
    private readonly observer: TransactionObserver | undefined,
  ) {
    this.source = host.connections;
    this.strategy = options.strategy === 'auto' ? (host.server.dialect === 'cockroach' ? 'savepoint' : 'restart') : options.strategy;
    const nested = this.source.nestedProtocol?.();
    this.nested = nested !== undefined;
    this.protocol = nested ?? cachedTopLevelProtocol(this.strategy, options, host.server);
    // The transaction's own `statementTimeoutMs` replaces the module's; without one it shares the module's limits.
    this.limits =
      options.statementTimeoutMs === undefined ? host.limits : statementLimits(options.statementTimeoutMs, host.controlStatementTimeoutMs);
    this.deadline = options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : performance.now() + options.timeoutMs;
  }

  async run(): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      this.host.stats.attempts++;
      if (this.observer) this.observer.attempts = attempt;
      this.phase = 'acquire';
      this.swallowed = false;
      this.attemptStartedAt = performance.now();
      try {
        const client = await this.acquire();
        const context = new TransactionContext(this.host, client, this.options, attempt, this.limits);
        const result = await this.beginAndRunBody(context);
        await this.commit(context);
        if (context.afterCommit.length > 0) await runAfterCommitHooks(this.host, context.afterCommit);
        return result;
      } catch (thrown) {
        const failure = this.failedAttempt(thrown, attempt);
        await this.follow(judgeFailure(failure, this.options, this.host.server.dialect), failure);
      }
    }
  }

  /** Step 1: a connection, unless the previous attempt's is still held (a retry keeps it). */
  private async acquire(): Promise<PoolClient> {
    if (this.client) return this.client;
    this.client = await this.source.acquire();
    this.attemptStartedAt = performance.now();
    return this.client;
  }

  /** Steps 2 and 3: BEGIN (unless a restart kept the transaction open), then the body. */
  private async beginAndRunBody(context: TransactionContext): Promise<T> {
    const { client } = context;
    if (!this.open && this.protocol.pipelinesBegin && pipelines(client)) return this.beginPipelinedAndRunBody(context);
    if (!this.open) {
      // Set first: when BEGIN succeeds and a later statement of its batch fails, the transaction is open all the
      // same and must be rolled back before the connection goes back to the pool.
      this.open = true;
      this.phase = 'begin';
      const opened = await this.host.channel.send(client, this.protocol.begin, [], this.limits.control);
      this.phase = 'body';
      // Inside a test transaction the isolation is the test transaction's own.
      if (!this.nested) checkIsolation(opened as QueryResult | QueryResult[], this.options, this.host.server);
    }
    this.phase = 'body';
    return runInTransaction(context, () => this.body(context));
  }

  /**
   * BEGIN without waiting for its answer: the body starts now, and its first
   * statement goes out right behind BEGIN and reports only after it. Corked
   * until the body's synchronous start has written that statement: both leave
   * in one write, and the server reads them in one go.
   */
  private async beginPipelinedAndRunBody(context: TransactionContext): Promise<T> {
    const { client } = context;
    this.open = true; // set first, as in beginAndRunBody
    this.phase = 'begin';
    const socket = client.connection.stream;
    socket.cork();
    let beginning: StatementAnswer;
    let running: Promise<T>;
    try {
      beginning = context.pendingBegin = new StatementAnswer(this.host.channel, client, this.protocol.begin, this.limits.control);
      running = startBody(context, this.body);
    } finally {
      socket.uncork();
    }
    let bodyFailed = false;
    let bodyError: unknown;
    let result!: T;
    try {
      result = await running;
    } catch (error) {
      bodyFailed = true;
      bodyError = error;
    }
    // BEGIN's answer first, once the body is done with the connection: if BEGIN failed, the body's own error only follows from it.
    if (!beginning.settled) await beginning.whenSettled();
    if (beginning.failed) throw beginning.error;
    this.phase = 'body';
    if (bodyFailed) throw bodyError;
    return result;
  }

  /** Step 4: COMMIT, unless the attempt already failed in a way the body hid. */
  private async commit(context: TransactionContext): Promise<void> {
    const client = context.client;
    if (context.swallowedError !== undefined) {
      this.swallowed = true;
      throw context.swallowedError;
    }
    // The server already closed this connection (the driver saw its FATAL or the socket's end), so it rolled the
    // transaction back: run it again rather than send a COMMIT whose failure would look ambiguous.
    if (this.host.channel.isBroken(client)) {
      throw new ConnectionLostError('The connection was closed before COMMIT; nothing was committed', false, { cause: undefined });
    }
    this.phase = 'commit';
    const outcome = await this.host.channel.send(client, this.protocol.commit, [], this.limits.control);
    this.open = false;
    if (lastCommand(outcome) === 'ROLLBACK') {
      // PostgreSQL answers COMMIT on an aborted transaction with ROLLBACK, not an error.
      throw new TransactionAbortedError('COMMIT was answered with ROLLBACK: the transaction had failed and nothing was saved');
    }
    this.host.stats.commits++;
    this.source.release(client);
    this.client = undefined;
  }

  /** The facts `judgeFailure` decides on. */
  private failedAttempt(error: unknown, attempt: number): FailedAttempt {
    const phase = this.phase;
    // Only a failure of our own connection counts: an app error without a SQLSTATE is not one.
    const lostConnection = phase === 'acquire' ? isConnectionFailure(error) : this.client !== undefined && this.host.channel.isBroken(this.client);
    const endsTransaction = lostConnection || phase === 'begin' || (phase === 'commit' && this.protocol.failedCommitEnds);
    return {
      error,
      phase,
      attempt,
      lostConnection,
      swallowed: this.swallowed,
      closing: this.host.gate.isClosing,
      canRestartInPlace:
        this.protocol.restart !== undefined && this.open && this.client !== undefined && !endsTransaction &&
        this.immediateRetries < this.options.immediateRetries,
      delayedRetries: this.delayedRetries,
      attemptMs: performance.now() - this.attemptStartedAt,
      msLeft: this.deadline - performance.now(),
    };
  }

  /** Step 5: carries out the verdict — throws what the caller must see, or prepares the next attempt. */
  private async follow(verdict: Verdict, failure: FailedAttempt): Promise<void> {
    const { error, attempt } = failure;
    const stats = this.host.stats;
    switch (verdict.kind) {
      case 'closing':
        // The pool is ending for shutdown: no later attempt could get a connection either.
        throw new DatabaseClosingError(`Connection "${this.host.name}" closed before this transaction got a connection; nothing was done`, { cause: error });
      case 'ambiguous':
        this.broken = true;
        this.open = false;
        stats.ambiguous++;
        throw new AmbiguousCommitError('The connection failed during COMMIT: the transaction may or may not have committed', { cause: error });
      case 'rethrow':
        throw error;
    }
    await this.endFailedAttempt(failure);
    switch (verdict.kind) {
      case 'abort':
        await this.rollback();
        stats.rollbacks++;
        if (failure.swallowed) {
          throw new TransactionAbortedError(
            'A statement failed inside the transaction and the error was caught without being rethrown; the transaction was rolled back',
            { cause: error },
          );
        }
        throw explainAsOfSystemTimeRefusal(error, this.options.asOfSystemTime);
      case 'exceeded':
        await this.rollback();
        stats.rollbacks++;
        stats.exceeded++;
        throw new ExceededMaxAttemptsError(attempt, error);
      case 'timedOut':
        await this.rollback();
        stats.rollbacks++;
        throw new TransactionTimeoutError(this.options.timeoutMs ?? 0, attempt, error);
      case 'retryNow':
      case 'retryAfter':
        await this.prepareRetry(verdict.kind === 'retryNow');
        this.reportRetry(attempt, error, verdict.delayMs);
        if (verdict.delayMs > 0) await sleep(verdict.delayMs);
    }
  }

  /** What is left of the failed attempt's transaction and connection, put in order before anything else is sent. */
  private async endFailedAttempt(failure: FailedAttempt): Promise<void> {
    if (failure.phase === 'commit' && this.protocol.failedCommitEnds) this.open = false;
    if (failure.lostConnection && this.client) {
      // Safe to retry: nothing was committed. The next attempt takes a new connection.
      this.source.release(this.client, true);
      this.client = undefined;
      this.open = false;
    }
    // A failed opening batch may or may not have opened the transaction: end it either way.
    if (failure.phase === 'begin' && !failure.lostConnection) await this.rollback();
  }

  /** Rewinds to the restart savepoint (keeping the transaction's place), or rolls back so the next attempt begins afresh. */
  private async prepareRetry(inPlace: boolean): Promise<void> {
    this.host.stats.retries++;
    if (inPlace && this.client) {
      this.immediateRetries++;
      if (!(await this.rollbackToRestart(this.client))) {
        // The connection gave out: nothing was committed, the next attempt takes a new one.
        this.source.release(this.client, true);
        this.client = undefined;
        this.open = false;
      }
      return;
    }
    // ROLLBACK before any pause: sleeping with the attempt's locks (and CockroachDB's write intents) held stalls everyone behind them.
    await this.rollback();
    this.delayedRetries++;
  }

  private reportRetry(attempt: number, error: unknown, delayMs: number): void {
    const code = describeCode(error);
    this.host.log.debug(`Transaction attempt ${attempt} failed (${code}); retrying ${delayMs ? `in ${delayMs} ms` : 'now'} (${this.strategy})`);
    this.options.onRetry?.({ attempt, error, delayMs, strategy: this.strategy });
    this.observer?.retried(code, delayMs);
  }

  private async rollback(): Promise<void> {
    if (!this.client || !this.open) return;
    this.open = false;
    try {
      await this.host.channel.send(this.client, this.protocol.rollback, [], this.limits.control);
    } catch {
      this.broken = true; // the server will roll back when the connection closes
    }
  }

  /** `ROLLBACK TO SAVEPOINT cockroach_restart` for an immediate retry; false if the connection failed doing so. */
  private async rollbackToRestart(client: PoolClient): Promise<boolean> {
    try {
      await this.host.channel.send(client, this.protocol.restart!, [], this.limits.control);
      return true;
    } catch (error) {
      if (this.host.channel.isBroken(client)) return false;
      throw error;
    }
  }

  /** Whatever happened, the connection goes back: rolled back if a transaction is still open on it. */
  async giveBackConnection(): Promise<void> {
    if (!this.client) return;
    await this.rollback();
    this.source.release(this.client, this.broken);
    this.client = undefined;
  }
}

/** Runs the body in its transaction's context; a synchronous throw becomes a rejection like any other failure of the body. */
function startBody<T>(context: TransactionContext, body: (context: TransactionContext) => Promise<T>): Promise<T> {
  try {
    return runInTransaction(context, () => body(context));
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Whether pg writes this connection's statements without waiting for earlier answers (its `pipeline` mode, pg ≥ 8.23). */
function pipelines(client: PoolClient): boolean {
  return (client as PoolClient & { pipeline?: boolean }).pipeline === true;
}

function lastCommand(outcome: StatementResult): string {
  const last = Array.isArray(outcome) ? outcome[outcome.length - 1] : outcome;
  return last?.command ?? '';
}

/** After-commit hooks run once, in order; a failing hook is logged, since the transaction did commit. */
async function runAfterCommitHooks(host: TransactionHost, hooks: ReadonlyArray<() => unknown>): Promise<void> {
  for (const hook of hooks) {
    try {
      await hook();
    } catch (error) {
      host.log.error(`An afterCommit hook failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
