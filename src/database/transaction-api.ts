import type { TransactionOptions } from '../interfaces/transaction-options.interface.js';
import type { CockroachDatabase, TransactionCallback } from './cockroach-database.service.js';

export { afterCommit } from '../transaction/after-commit.js';
export type { Transaction, TransactionCallback } from './cockroach-database.service.js';

/**
 * peewee's `run_transaction(db, callback)`: always owns a new transaction
 * and retries `callback` on restart errors; inside an active transaction it
 * throws `NestedTransactionError` rather than silently joining.
 */
export function runTransaction<T>(db: CockroachDatabase, callback: TransactionCallback<T>, options?: TransactionOptions): Promise<T> {
  return db.runTransaction(callback, options);
}
