import type { CockroachDatabase } from '../database/cockroach-database.service.js';
import { ConfigurationError, UnsupportedFeatureError } from '../errors.js';
import { PinnedConnection } from './pinned-connection.js';

export interface TestTransactionOptions {
  /**
   * CockroachDB only: make the server fail each statement of every owned
   * transaction with a retry error (`inject_retry_errors_enabled`) until it
   * has been retried three times, to prove the code under test is retry-safe.
   * On PostgreSQL it throws `UnsupportedFeatureError` (see the README for the
   * PL/pgSQL way to do the same there). Default `false`.
   */
  injectRetryErrors?: boolean;
}

const pinned = new WeakMap<CockroachDatabase, PinnedConnection>();

/**
 * Pins one connection of `db` and opens a transaction on it. Until
 * `rollbackTestTransaction(db)`, every statement of `db` — from any async
 * context, HTTP requests included — runs on that connection, uncommitted and
 * invisible to other connections. Each owned transaction becomes a savepoint
 * of it; owners that run at the same time take turns.
 */
export async function beginTestTransaction(db: CockroachDatabase, options: TestTransactionOptions = {}): Promise<void> {
  if (pinned.has(db)) {
    throw new ConfigurationError('beginTestTransaction', `connection "${db.name}" is already in a test transaction; call rollbackTestTransaction() first`);
  }
  const injectRetryErrors = options.injectRetryErrors ?? false;
  if (typeof injectRetryErrors !== 'boolean') throw new ConfigurationError('injectRetryErrors', 'expected a boolean');
  if (injectRetryErrors && db.dialect !== 'cockroach') {
    throw new UnsupportedFeatureError('injectRetryErrors needs CockroachDB (inject_retry_errors_enabled); on PostgreSQL raise 40001 from a PL/pgSQL function instead, as the README shows');
  }
  const { host } = db;
  const client = await host.pool.acquire();
  try {
    await host.channel.send(client, 'BEGIN');
  } catch (error) {
    host.pool.release(client, true);
    throw error;
  }
  const connection = new PinnedConnection(client, injectRetryErrors, (pinnedClient, discard) => host.pool.release(pinnedClient, discard));
  pinned.set(db, connection);
  host.pinConnections(connection);
}

/**
 * Waits for the work running on the test transaction to finish, rolls
 * everything back and unpins: `db` then uses its pool again. Does nothing when
 * no test transaction is open (so an `afterEach` is safe after a failed `beforeEach`).
 */
export async function rollbackTestTransaction(db: CockroachDatabase): Promise<void> {
  const connection = pinned.get(db);
  if (!connection) return;
  pinned.delete(db);
  let broken = connection.isLost;
  try {
    if (!broken) {
      await connection.acquire();
      await db.host.channel.send(connection.client, 'ROLLBACK');
    }
  } catch {
    broken = true; // the server rolls back when the connection closes
  } finally {
    db.host.pinConnections(undefined);
    connection.returnToPool(broken);
  }
}

