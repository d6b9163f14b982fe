import type { ServerInfo } from '../database/server-info.js';
import type { ResolvedTransactionOptions } from './transaction-options.js';

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
