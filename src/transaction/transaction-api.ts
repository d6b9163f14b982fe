import type { CockroachDatabase } from '../database/cockroach-database.service.js';
import { ConfigurationError, DatabaseClosingError, NestedTransactionError, UnsupportedFeatureError } from '../errors.js';
import { activeTransaction, innermostTransaction, runInTransaction, runOutsideTransaction, type TransactionContext } from './transaction-context.js';
import type { ResolvedTransactionOptions, TransactionOptions } from './transaction-options.js';
import { traceTransaction } from '../telemetry/transaction.tracer.js';
import { runOwnedTransaction } from './transaction-runner.js';
import { statements } from './transaction-statements.js';
import { checkIsolationSupported } from './isolation-check.js';
import { isRetryable } from './retry-policy.js';

/** What a transaction callback is given. */
export interface Transaction {
  /** This attempt's number, from 1; a retry runs the callback again with the next. */
  readonly attempt: number;
  readonly database: CockroachDatabase;
}

export type TransactionCallback<T> = (transaction: Transaction) => Promise<T>;

function handle(context: TransactionContext): Transaction {
  return { attempt: context.attempt, database: context.db };
}

/**
 * Join the active transaction or own a new one (peewee's `transaction()`):
 * a joined call neither commits nor retries; the owner does both.
 */
export async function transaction<T>(
  db: CockroachDatabase,
  callback: TransactionCallback<T>,
  options?: TransactionOptions,
): Promise<T> {
  return joinOrOwn(db, callback, db.resolveTransactionOptions(options));
}

/**
 * `transaction()` with options already validated (the decorator validates once per database).
 * Not `async`, to spare a promise per call: it may throw synchronously, so callers call it where a throw becomes a rejection.
 */
export function joinOrOwn<T>(
  db: CockroachDatabase,
  callback: TransactionCallback<T>,
  resolved: ResolvedTransactionOptions,
): Promise<T> {
  const active = activeTransaction(db);
  switch (resolved.propagation) {
    case 'never':
      if (active) throw new NestedTransactionError('propagation "never": a transaction is already active');
      return own(db, resolved, callback);
    case 'mandatory':
      if (!active) throw new ConfigurationError('propagation', '"mandatory" requires an active transaction, and there is none');
      return join(active, resolved, callback);
    case 'requiresNew':
      if (active && db.connections.oneConnection) {
        // The surrounding transaction holds the only connection until it ends, and it waits for this one.
        throw new UnsupportedFeatureError(
          "propagation 'requiresNew' inside a transaction is not supported in a test transaction (nestjs-cockroachdb/testing): " +
            'it has one connection, which the surrounding transaction holds, so the new one would wait for it forever. ' +
            "Test this path on committed rows (without beginTestTransaction), or run it with propagation 'required' under test.",
        );
      }
      return runOutsideTransaction(db, () => own(db, resolved, callback));
    case 'required':
      return active ? join(active, resolved, callback) : own(db, resolved, callback);
  }
}

/** peewee's `run_transaction`: always the owner; inside a transaction it refuses rather than silently joining. */
export async function runTransaction<T>(
  db: CockroachDatabase,
  callback: TransactionCallback<T>,
  options?: TransactionOptions,
): Promise<T> {
  const resolved = db.resolveTransactionOptions(options);
  if (activeTransaction(db)) {
    throw new NestedTransactionError('runTransaction() was called inside an active transaction; use transaction() to join it');
  }
  return own(db, resolved, callback);
}

/**
 * A unit that can fail on its own: outside a transaction it is one; inside,
 * a real SAVEPOINT, so an error rolls back only this part. Retryable errors
 * still propagate to the owner, which restarts the whole transaction.
 */
export async function atomic<T>(db: CockroachDatabase, callback: TransactionCallback<T>): Promise<T> {
  const active = activeTransaction(db);
  if (!active) return own(db, db.resolveTransactionOptions(undefined), callback);
  if (!db.server.capabilities.nestedSavepoints) {
    throw new UnsupportedFeatureError(`Nested savepoints need CockroachDB 20.1 or later (server is ${db.server.versionString})`);
  }
  const name = active.nextSavepointName();
  await db.send(active.client, statements.savepoint(name), [], active.limits.control);
  const swallowedBefore = active.swallowedError;
  try {
    const result = await callback(handle(active));
    if (active.swallowedError !== swallowedBefore) throw active.swallowedError;
    await db.send(active.client, statements.releaseSavepoint(name), [], active.limits.control);
    return result;
  } catch (error) {
    if (isRetryable(error, db.dialect) || isRetryable(active.swallowedError, db.dialect)) throw error;
    await rollbackToSavepoint(db, active, name, swallowedBefore);
    throw error;
  }
}

/**
 * Undoes an `atomic()` block. CockroachDB refuses `ROLLBACK TO SAVEPOINT`
 * after DDL in the block and after some errors ("cannot rollback to
 * savepoint after error"); the caller must still get the error that failed
 * the block, not the rollback's. The transaction cannot go on then, so the
 * refusal is kept as the transaction's failure: a body that catches the
 * block's error and returns normally gets `TransactionAbortedError`, never
 * a COMMIT.
 */
async function rollbackToSavepoint(db: CockroachDatabase, active: TransactionContext, name: string, swallowedBefore: unknown): Promise<void> {
  try {
    await db.send(active.client, statements.rollbackToSavepoint(name), [], active.limits.control);
    active.swallowedError = swallowedBefore; // the savepoint undid the failure
  } catch (refusal) {
    active.swallowedError ??= refusal;
    const reason = refusal instanceof Error ? refusal.message : String(refusal);
    db.logger.warn(`ROLLBACK TO SAVEPOINT ${name} was refused (${reason}); the transaction will be rolled back as a whole`);
  }
}

/**
 * Runs `fn` once the transaction that is active now commits — never per
 * attempt, never after a rollback. Outside a transaction it runs at once.
 */
export function afterCommit(fn: () => unknown): void {
  if (typeof fn !== 'function') throw new ConfigurationError('afterCommit', 'expected a function');
  const context = innermostTransaction();
  if (context) context.afterCommit.push(fn);
  else void Promise.resolve().then(fn);
}

/** Not `async`: it may throw before any SQL, so callers call it where a throw becomes a rejection. */
function own<T>(db: CockroachDatabase, options: ResolvedTransactionOptions, callback: TransactionCallback<T>): Promise<T> {
  if (db.isClosing) throw new DatabaseClosingError(`Connection "${db.name}" is shutting down; no new transactions`);
  checkSupported(db, options);
  const body = (context: TransactionContext) => callback(handle(context));
  return traceTransaction(db, (observer) => runOwnedTransaction(db, options, body, observer));
}

function join<T>(active: TransactionContext, options: ResolvedTransactionOptions, callback: TransactionCallback<T>): Promise<T> {
  const outer = active.options;
  if (!options.readOnly && outer.readOnly) {
    throw new ConfigurationError('readOnly', 'a read-write call cannot join a read-only transaction');
  }
  if (options.asOfSystemTime?.sql !== outer.asOfSystemTime?.sql) {
    throw new ConfigurationError('asOfSystemTime', 'a nested call cannot change the outer transaction’s AS OF SYSTEM TIME');
  }
  if (options.isolation !== outer.isolation) {
    throw new ConfigurationError('isolation', `the outer transaction is ${outer.isolation}, the nested call asks for ${options.isolation}`);
  }
  return runInTransaction(active, () => callback(handle(active)));
}

/** Refuses, before any SQL, what the server cannot do; degrades what it can do safely. */
function checkSupported(db: CockroachDatabase, options: ResolvedTransactionOptions): void {
  checkIsolationSupported(options, db.server);
  if (db.dialect === 'cockroach') return;
  if (options.asOfSystemTime?.kind === 'timestamp') {
    throw new UnsupportedFeatureError('PostgreSQL cannot read as of an exact past time (AS OF SYSTEM TIME is CockroachDB-only)');
  }
  if (options.asOfSystemTime) {
    db.warnOnce('aost', 'PostgreSQL has no AS OF SYSTEM TIME: a bounded-staleness read runs as a read-only transaction on current data');
  }
  if (options.priority) db.warnOnce('priority', 'PostgreSQL has no transaction priorities: the priority option is ignored');
}
