import { setTimeout as sleep } from 'node:timers/promises';
import type { PoolClient, QueryResult } from 'pg';
import type { CockroachDatabase } from '../database/cockroach-database.service.js';
import { isConnectionFailure } from '../connection/connection-failure.js';
import { statementLimits, type StatementLimits } from '../connection/statement-deadline.js';
import { StatementAnswer } from '../connection/statement-answer.js';
import {
  AmbiguousCommitError,
  DatabaseClosingError,
  ExceededMaxAttemptsError,
  TransactionAbortedError,
  TransactionTimeoutError,
} from '../errors.js';
import { isAmbiguousResult, isRetryable, retryDelay } from './retry-policy.js';
import { runInTransaction, TransactionContext } from './transaction-context.js';
import type { ResolvedTransactionOptions } from './transaction-options.js';
import { explainAsOfSystemTimeRefusal } from './as-of-system-time.js';
import { checkIsolation } from './isolation-check.js';
import { cachedTopLevelProtocol, type TransactionProtocol } from './transaction-statements.js';

/** Thrown inside the loop when the body returned normally over a failed statement. */
class SwallowedStatementError extends Error {
  constructor(readonly swallowed: unknown) {
    super('swallowed');
  }
}

/**
 * The retry loop of the transaction's owner: BEGIN, run the body, COMMIT; on
 * a retryable error run the whole body again, as CockroachDB asks clients to.
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
 * kit), the same loop runs on a savepoint of it instead (`nestedProtocol`).
 */
export async function runOwnedTransaction<T>(
  db: CockroachDatabase,
  options: ResolvedTransactionOptions,
  body: (context: TransactionContext) => Promise<T>,
  observer?: TransactionObserver,
): Promise<T> {
  const strategy = options.strategy === 'auto' ? (db.dialect === 'cockroach' ? 'savepoint' : 'restart') : options.strategy;
  const source = db.connections;
  const nested = source.nestedProtocol?.();
  const protocol: TransactionProtocol = nested ?? cachedTopLevelProtocol(strategy, options, db.server);
  const stats = db.transactionStats;
  const limits = transactionLimits(db, options);
  const deadline = transactionDeadline(options);

  let client: PoolClient | undefined;
  let open = false; // a transaction is open on `client`
  let broken = false;
  let immediateRetries = 0;
  let delayedRetries = 0;

  const rollback = async () => {
    if (!client || !open) return;
    open = false;
    try {
      await db.send(client, protocol.rollback, [], limits.control);
    } catch {
      broken = true; // the server will roll back when the connection closes
    }
  };

  db.transactionStarted();
  try {
    for (let attempt = 1; ; attempt++) {
      stats.attempts++;
      if (observer) observer.attempts = attempt;
      let committing = false;
      let acquiring = false;
      let opening = false;
      let attemptStartedAt = performance.now();
      try {
        acquiring = !client;
        client ??= await source.acquire();
        acquiring = false;
        attemptStartedAt = performance.now();
        const context = new TransactionContext(db, client, options, attempt, limits);
        let result!: T;
        if (!open && protocol.pipelinesBegin && pipelines(client)) {
          // Set first: when BEGIN succeeds and a later statement of the batch
          // fails, the transaction is open all the same and must be rolled
          // back before the connection goes back to the pool.
          open = true;
          opening = true;
          // The body starts now; its first statement goes out right behind BEGIN and reports only after it.
          // Corked until the body's synchronous start has written that statement: both leave in one write,
          // and the server reads them in one go.
          const socket = client.connection.stream;
          socket.cork();
          let beginning: StatementAnswer;
          let running: Promise<T>;
          try {
            beginning = context.opening = new StatementAnswer(db, client, protocol.begin, limits.control);
            running = startBody(context, body);
          } finally {
            socket.uncork();
          }
          let bodyFailed = false;
          let bodyError: unknown;
          try {
            result = await running;
          } catch (error) {
            bodyFailed = true;
            bodyError = error;
          }
          // BEGIN's answer first, once the body is done with the connection: if BEGIN failed, the body's own error only follows from it.
          if (!beginning.settled) await beginning.whenSettled();
          if (beginning.failed) throw beginning.error;
          opening = false;
          if (bodyFailed) throw bodyError;
        } else {
          if (!open) {
            open = true; // set first, as above
            opening = true;
            const opened = await db.send(client, protocol.begin, [], limits.control);
            opening = false;
            // Inside a test transaction the isolation is the test transaction's own.
            if (!nested) checkIsolation(opened, options, db.server);
          }
          result = await runInTransaction(context, () => body(context));
        }
        if (context.swallowedError !== undefined) throw new SwallowedStatementError(context.swallowedError);
        // The server already closed this connection (the driver saw its FATAL
        // or the socket's end), so it rolled the transaction back: run it
        // again rather than send a COMMIT whose failure would look ambiguous.
        if (db.isBroken(client)) throw new Error('The connection was closed before COMMIT');

        committing = true;
        const outcome = await db.send(client, protocol.commit, [], limits.control);
        open = false;
        if (lastCommand(outcome) === 'ROLLBACK') {
          // PostgreSQL answers COMMIT on an aborted transaction with ROLLBACK, not an error.
          throw new TransactionAbortedError('COMMIT was answered with ROLLBACK: the transaction had failed and nothing was saved');
        }
        stats.commits++;
        source.release(client);
        client = undefined;
        if (context.afterCommit.length > 0) await runAfterCommitHooks(db, context.afterCommit);
        return result;
      } catch (thrown) {
        const error = thrown instanceof SwallowedStatementError ? thrown.swallowed : thrown;
        if (acquiring && db.isClosing) {
          // The pool is ending for shutdown: no later attempt could get a connection either.
          throw new DatabaseClosingError(`Connection "${db.name}" closed before this transaction got a connection; nothing was done`, {
            cause: error,
          });
        }
        // Only a failure of our own connection counts: an app error without a SQLSTATE is not one.
        const lostConnection = acquiring ? isConnectionFailure(error) : client !== undefined && db.isBroken(client);
        if (committing && (lostConnection || isAmbiguousResult(error))) {
          broken = true;
          open = false;
          stats.ambiguous++;
          throw new AmbiguousCommitError(
            'The connection failed during COMMIT: the transaction may or may not have committed',
            { cause: error },
          );
        }
        if (error instanceof TransactionAbortedError) throw error;
        if (committing && protocol.failedCommitEnds) open = false;
        if (lostConnection && client) {
          // Safe to retry: nothing was committed. The next attempt takes a new connection.
          source.release(client, true);
          client = undefined;
          open = false;
        }
        // A failed opening batch may or may not have opened the transaction: end it either way.
        if (opening && !lostConnection) await rollback();
        if (!lostConnection && !isRetryable(error, db.dialect)) {
          await rollback();
          stats.rollbacks++;
          if (thrown instanceof SwallowedStatementError) {
            throw new TransactionAbortedError(
              'A statement failed inside the transaction and the error was caught without being rethrown; the transaction was rolled back',
              { cause: error },
            );
          }
          throw explainAsOfSystemTimeRefusal(error, options.asOfSystemTime);
        }
        if (attempt >= options.maxAttempts) {
          await rollback();
          stats.rollbacks++;
          stats.exceeded++;
          throw new ExceededMaxAttemptsError(attempt, error);
        }

        const immediate = protocol.restart !== undefined && open && client !== undefined && immediateRetries < options.immediateRetries;
        const delayMs = immediate ? 0 : retryDelay(delayedRetries + 1, performance.now() - attemptStartedAt, options);
        if (performance.now() + delayMs >= deadline) {
          await rollback();
          stats.rollbacks++;
          throw new TransactionTimeoutError(options.timeoutMs ?? 0, attempt, error);
        }

        stats.retries++;
        if (immediate && client) {
          immediateRetries++;
          if (!(await rollbackToRestart(db, client, protocol.restart!, limits))) {
            // The connection gave out: nothing was committed, the next attempt takes a new one.
            source.release(client, true);
            client = undefined;
            open = false;
          }
        } else {
          await rollback();
          delayedRetries++;
        }
        const code = error instanceof Error && 'code' in error ? String(error.code) : 'connection lost';
        db.logger.debug(`Transaction attempt ${attempt} failed (${code}); retrying ${delayMs ? `in ${delayMs} ms` : 'now'} (${strategy})`);
        options.onRetry?.({ attempt, error, delayMs, strategy });
        observer?.retried(code, delayMs);
        if (delayMs > 0) await sleep(delayMs);
      }
    }
  } finally {
    if (client) {
      await rollback();
      source.release(client, broken);
    }
    db.transactionEnded();
  }
}

/** The transaction's own `statementTimeoutMs` replaces the module's; without one it shares the module's limits. */
function transactionLimits(db: CockroachDatabase, options: ResolvedTransactionOptions): StatementLimits {
  if (options.statementTimeoutMs === undefined) return db.limits;
  return statementLimits(options.statementTimeoutMs, db.options.controlStatementTimeoutMs);
}

/** When the owner stops retrying (`timeoutMs`, across all attempts); never without one. */
function transactionDeadline(options: ResolvedTransactionOptions): number {
  return options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : performance.now() + options.timeoutMs;
}

/** Rewinds to the restart savepoint for an immediate retry; false if the connection failed doing so. */
async function rollbackToRestart(db: CockroachDatabase, client: PoolClient, restart: string, limits: StatementLimits): Promise<boolean> {
  try {
    await db.send(client, restart, [], limits.control);
    return true;
  } catch (error) {
    if (db.isBroken(client)) return false;
    throw error;
  }
}

/** Follows one owned transaction from outside the loop (tracing): its attempt count and each retry. */
export interface TransactionObserver {
  attempts: number;
  retried(sqlState: string, delayMs: number): void;
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

function lastCommand(outcome: QueryResult | QueryResult[]): string {
  const last = Array.isArray(outcome) ? outcome[outcome.length - 1] : outcome;
  return last?.command ?? '';
}

/** After-commit hooks run once, in order; a failing hook is logged, since the transaction did commit. */
async function runAfterCommitHooks(db: CockroachDatabase, hooks: ReadonlyArray<() => unknown>): Promise<void> {
  for (const hook of hooks) {
    try {
      await hook();
    } catch (error) {
      db.logger.error(`An afterCommit hook failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
