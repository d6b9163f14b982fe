import type { TransactionProtocol } from '../connection/connection-source.js';
import type { ServerInfo } from '../connection/server-info.js';

export type { TransactionProtocol };
import type { ResolvedTransactionOptions, RetryStrategy } from './transaction-options.js';

/**
 * The SQL each protocol sends, in one place. Statements that belong together
 * share one round trip (the simple-query protocol runs a `;`-separated batch
 * and stops at the first error).
 */
export const RESTART_SAVEPOINT = 'cockroach_restart';

export function beginStatement(options: ResolvedTransactionOptions, server: ServerInfo): string {
  const modes = [`ISOLATION LEVEL ${options.isolation.toUpperCase()}`];
  if (options.priority && server.capabilities.transactionPriority) modes.push(`PRIORITY ${options.priority.toUpperCase()}`);
  if (options.readOnly) modes.push('READ ONLY');
  if (options.asOfSystemTime && server.capabilities.asOfSystemTime) modes.push(`AS OF SYSTEM TIME ${options.asOfSystemTime.sql}`);
  return `BEGIN TRANSACTION ${modes.join(', ')}`;
}

/**
 * Asks the server what isolation the transaction really got. CockroachDB
 * runs a READ COMMITTED request as SERIALIZABLE, without an error, before
 * 24.1 unless `sql.txn.read_committed_isolation.enabled` is on (and without
 * the licence it needs): only the transaction itself can tell.
 */
export const SHOW_ISOLATION = 'SHOW transaction_isolation';

/** BEGIN and what must follow it in the same round trip. */
export function openingBatch(begin: string, strategy: 'savepoint' | 'restart', options: ResolvedTransactionOptions): string {
  const batch = [begin];
  // Before the savepoint: a ROLLBACK TO SAVEPOINT would undo a SET LOCAL made after it.
  if (options.statementTimeoutMs !== undefined) batch.push(`SET LOCAL statement_timeout = ${options.statementTimeoutMs}`);
  if (strategy === 'savepoint') batch.push(`SAVEPOINT ${RESTART_SAVEPOINT}`);
  if (options.isolation !== 'serializable') batch.push(SHOW_ISOLATION);
  return batch.join('; ');
}

export const statements = {
  releaseAndCommit: `RELEASE SAVEPOINT ${RESTART_SAVEPOINT}; COMMIT`,
  rollbackToRestart: `ROLLBACK TO SAVEPOINT ${RESTART_SAVEPOINT}`,
  commit: 'COMMIT',
  rollback: 'ROLLBACK',
  savepoint: (name: string) => `SAVEPOINT ${name}`,
  releaseSavepoint: (name: string) => `RELEASE SAVEPOINT ${name}`,
  rollbackToSavepoint: (name: string) => `ROLLBACK TO SAVEPOINT ${name}`,
};

/**
 * Whether the body may start before BEGIN is answered, its first statement
 * written right behind BEGIN (pg's pipeline mode): one round trip fewer per
 * transaction, as Npgsql does by prepending BEGIN to the first command.
 *
 * The server runs the two messages independently, so this is only sound when
 * BEGIN cannot fail on its own while the connection lives — otherwise the
 * first statement would run outside any transaction. A plain
 * `BEGIN TRANSACTION ISOLATION LEVEL SERIALIZABLE[, PRIORITY …][, READ ONLY]`
 * cannot; what follows it in the same batch (SET LOCAL, SAVEPOINT) can, but
 * then the transaction is open and aborted, and the statement is refused.
 * Not pipelined: `AS OF SYSTEM TIME` (CockroachDB checks the timestamp at
 * BEGIN and fails it on its own), and any isolation but SERIALIZABLE (the
 * server may grant another one, which `checkIsolation` refuses before the
 * body runs).
 */
function pipelinesBegin(options: ResolvedTransactionOptions): boolean {
  return options.asOfSystemTime === undefined && options.isolation === 'serializable';
}

const builtProtocols = new WeakMap<ResolvedTransactionOptions, { strategy: string; server: ServerInfo; protocol: TransactionProtocol }>();

/**
 * `topLevelProtocol`, built once per options object: the decorator and the
 * option-less `db.transaction(cb)` resolve their options once per database,
 * so their transactions reuse the same strings rather than building them each time.
 */
export function cachedTopLevelProtocol(strategy: Exclude<RetryStrategy, 'auto'>, options: ResolvedTransactionOptions, server: ServerInfo): TransactionProtocol {
  const built = builtProtocols.get(options);
  if (built?.strategy === strategy && built.server === server) return built.protocol;
  const protocol = topLevelProtocol(strategy, options, server);
  builtProtocols.set(options, { strategy, server, protocol });
  return protocol;
}

export function topLevelProtocol(strategy: Exclude<RetryStrategy, 'auto'>, options: ResolvedTransactionOptions, server: ServerInfo): TransactionProtocol {
  const begin = openingBatch(beginStatement(options, server), strategy, options);
  // A failed COMMIT ends the transaction. Under the savepoint protocol CockroachDB fails at RELEASE (its commit
  // point) and keeps the transaction open for ROLLBACK TO SAVEPOINT; PostgreSQL fails at COMMIT (deferred checks).
  const failedCommitEnds = strategy === 'restart' || server.dialect === 'postgres';
  const pipelined = pipelinesBegin(options);
  return strategy === 'savepoint'
    ? {
        begin,
        commit: statements.releaseAndCommit,
        rollback: statements.rollback,
        restart: statements.rollbackToRestart,
        failedCommitEnds,
        pipelinesBegin: pipelined,
      }
    : { begin, commit: statements.commit, rollback: statements.rollback, restart: undefined, failedCommitEnds, pipelinesBegin: pipelined };
}

/**
 * An owned transaction inside a transaction that is already open (the testing
 * kit): a savepoint that is released on success and rolled back, then
 * released, on failure, so only its own writes are undone.
 */
export function nestedProtocol(savepoint: string, extra: { begin?: string; end?: string } = {}): TransactionProtocol {
  const after = (sql: string, more: string | undefined) => (more ? `${sql}; ${more}` : sql);
  return {
    begin: after(statements.savepoint(savepoint), extra.begin),
    commit: after(statements.releaseSavepoint(savepoint), extra.end),
    rollback: after(`${statements.rollbackToSavepoint(savepoint)}; ${statements.releaseSavepoint(savepoint)}`, extra.end),
    restart: statements.rollbackToSavepoint(savepoint),
    failedCommitEnds: false,
    // Inside the open test transaction: a failed SAVEPOINT leaves that transaction aborted, so the statement behind it is refused.
    pipelinesBegin: true,
  };
}
