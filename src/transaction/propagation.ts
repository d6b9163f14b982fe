import { ConfigurationError, DatabaseClosingError, NestedTransactionError, UnsupportedFeatureError } from '../errors.js';
import { traceTransaction } from '../telemetry/transaction.tracer.js';
import { checkIsolationSupported } from './isolation-check.js';
import { isRetryable } from './retry-policy.js';
import { activeTransaction, runInTransaction, runOutsideTransaction, type TransactionContext } from './transaction-context.js';
import type { TransactionHost } from './transaction-host.js';
import type { ResolvedTransactionOptions } from './transaction-options.js';
import { runOwnedTransaction } from './transaction-runner.js';
import { statements } from './transaction-statements.js';

/** A transaction's body as the engine runs it: given the attempt's context, once per attempt. */
export type TransactionBody<T> = (context: TransactionContext) => Promise<T>;

/**
 * Join the active transaction or own a new one (peewee's `transaction()`),
 * as `propagation` says: a joined call neither commits nor retries; the owner does both.
 * Not `async`, to spare a promise per call: it may throw synchronously, so callers call it where a throw becomes a rejection.
 */
export function joinOrOwn<T>(host: TransactionHost, body: TransactionBody<T>, resolved: ResolvedTransactionOptions): Promise<T> {
  const active = activeTransaction(host);
  switch (resolved.propagation) {
    case 'never':
      if (active) throw new NestedTransactionError('propagation "never": a transaction is already active');
      return own(host, resolved, body);
    case 'mandatory':
      if (!active) throw new ConfigurationError('propagation', '"mandatory" requires an active transaction, and there is none');
      return join(active, resolved, body);
    case 'requiresNew':
      if (active && host.connections.oneConnection) {
        // The surrounding transaction holds the only connection until it ends, and it waits for this one.
        throw new UnsupportedFeatureError(
          "propagation 'requiresNew' inside a transaction is not supported in a test transaction (nestjs-cockroachdb/testing): " +
            'it has one connection, which the surrounding transaction holds, so the new one would wait for it forever. ' +
            "Test this path on committed rows (without beginTestTransaction), or run it with propagation 'required' under test.",
        );
      }
      return runOutsideTransaction(host, () => own(host, resolved, body));
    case 'required':
      return active ? join(active, resolved, body) : own(host, resolved, body);
  }
}

/** peewee's `run_transaction`: always the owner; inside a transaction it refuses rather than silently joining. */
export function ownOnly<T>(host: TransactionHost, body: TransactionBody<T>, resolved: ResolvedTransactionOptions): Promise<T> {
  if (activeTransaction(host)) {
    throw new NestedTransactionError('runTransaction() was called inside an active transaction; use transaction() to join it');
  }
  return own(host, resolved, body);
}

/**
 * A unit that can fail on its own: outside a transaction it is one; inside,
 * a real SAVEPOINT, so an error rolls back only this part. Retryable errors
 * still propagate to the owner, which restarts the whole transaction.
 */
export async function atomic<T>(host: TransactionHost, body: TransactionBody<T>): Promise<T> {
  const active = activeTransaction(host);
  if (!active) return own(host, host.resolveTransactionOptions(undefined), body);
  if (!host.server.capabilities.nestedSavepoints) {
    throw new UnsupportedFeatureError(`Nested savepoints need CockroachDB 20.1 or later (server is ${host.server.versionString})`);
  }
  const { channel, server } = host;
  const name = active.nextSavepointName();
  await channel.send(active.client, statements.savepoint(name), [], active.limits.control);
  const swallowedBefore = active.swallowedError;
  try {
    const result = await body(active);
    if (active.swallowedError !== swallowedBefore) throw active.swallowedError;
    await channel.send(active.client, statements.releaseSavepoint(name), [], active.limits.control);
    return result;
  } catch (error) {
    if (isRetryable(error, server.dialect) || isRetryable(active.swallowedError, server.dialect)) throw error;
    await rollbackToSavepoint(host, active, name, swallowedBefore);
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
async function rollbackToSavepoint(host: TransactionHost, active: TransactionContext, name: string, swallowedBefore: unknown): Promise<void> {
  try {
    await host.channel.send(active.client, statements.rollbackToSavepoint(name), [], active.limits.control);
    active.swallowedError = swallowedBefore; // the savepoint undid the failure
  } catch (refusal) {
    active.swallowedError ??= refusal;
    const reason = refusal instanceof Error ? refusal.message : String(refusal);
    host.log.warn(`ROLLBACK TO SAVEPOINT ${name} was refused (${reason}); the transaction will be rolled back as a whole`);
  }
}

/** Not `async`: it may throw before any SQL, so callers call it where a throw becomes a rejection. */
function own<T>(host: TransactionHost, options: ResolvedTransactionOptions, body: TransactionBody<T>): Promise<T> {
  if (host.gate.isClosing) throw new DatabaseClosingError(`Connection "${host.name}" is shutting down; no new transactions`);
  checkSupported(host, options);
  return traceTransaction(host.server.dialect, (observer) => runOwnedTransaction(host, options, body, observer));
}

function join<T>(active: TransactionContext, options: ResolvedTransactionOptions, body: TransactionBody<T>): Promise<T> {
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
  return runInTransaction(active, () => body(active));
}

/** Refuses, before any SQL, what the server cannot do; degrades what it can do safely. */
function checkSupported(host: TransactionHost, options: ResolvedTransactionOptions): void {
  checkIsolationSupported(options, host.server);
  if (host.server.dialect === 'cockroach') return;
  if (options.asOfSystemTime?.kind === 'timestamp') {
    throw new UnsupportedFeatureError('PostgreSQL cannot read as of an exact past time (AS OF SYSTEM TIME is CockroachDB-only)');
  }
  if (options.asOfSystemTime) {
    host.warnOnce('aost', 'PostgreSQL has no AS OF SYSTEM TIME: a bounded-staleness read runs as a read-only transaction on current data');
  }
  if (options.priority) host.warnOnce('priority', 'PostgreSQL has no transaction priorities: the priority option is ignored');
}
