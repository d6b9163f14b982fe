import type { CockroachDatabase } from '../database/cockroach-database.service.js';
import { UnsupportedFeatureError } from '../errors.js';
import { activeTransaction } from '../transaction/transaction-context.js';

/**
 * Refuses schema changes inside one of our transactions on CockroachDB.
 * From 25.1 the server commits the open transaction before a schema change
 * (`autocommit_before_ddl`, on by default): the writes before it would be
 * committed behind the caller's back, and a retry of the transaction would
 * repeat them. Older versions run the change after COMMIT, where a failure
 * can no longer roll back the rest. Either way the transaction is not atomic.
 */
export function refuseDdlInTransaction(db: CockroachDatabase, operation: string): void {
  if (db.dialect === 'cockroach' && activeTransaction(db)) {
    throw new UnsupportedFeatureError(
      `${operation}() was called inside a transaction: CockroachDB cannot change the schema atomically with other work ` +
        '(from 25.1 it commits the open transaction first). Call it outside the transaction, or use migrations.',
    );
  }
}
