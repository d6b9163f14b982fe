import type { CockroachDatabase } from '../database/cockroach-database.service.js';
import { CockroachError, ConfigurationError, UnsupportedFeatureError } from '../errors.js';
import { PinnedConnection } from './pinned-connection.js';
import { leadingTransactionControl } from './transaction-control.js';

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
  const client = await db.host.pool.acquire();
  try {
    await db.host.channel.send(client, 'BEGIN');
  } catch (error) {
    db.host.pool.release(client, true);
    throw error;
  }
  const connection = new PinnedConnection(client, injectRetryErrors, (pinnedClient, discard) => db.host.pool.release(pinnedClient, discard));
  pinned.set(db, connection);
  db.host.pinConnections(connection);
  refuseTransactionControl(db);
}

/**
 * While the test transaction is open, `db.query` refuses the statements that
 * would end it (COMMIT, END, ROLLBACK, ABORT, PREPARE TRANSACTION), open
 * another (BEGIN, START) or nest one the library does not frame (SAVEPOINT,
 * RELEASE): any of them would silently commit or break the test transaction.
 * An own property of `db`, removed by `rollbackTestTransaction`, so the
 * production path of `query` is untouched.
 */
function refuseTransactionControl(db: CockroachDatabase): void {
  const query = db.query;
  const guarded = function (this: CockroachDatabase, ...args: Parameters<CockroachDatabase['query']>) {
    const [statement] = args;
    const text: unknown = typeof statement === 'string' ? statement : (statement as { text?: unknown } | undefined)?.text;
    const keyword = typeof text === 'string' ? leadingTransactionControl(text) : undefined;
    if (keyword !== undefined) {
      return Promise.reject(
        new UnsupportedFeatureError(
          `db.query("${keyword} …") is refused inside a test transaction (beginTestTransaction): it would end or break the transaction ` +
            `every statement of "${db.name}" runs in until rollbackTestTransaction(). Use the library's transaction API instead — ` +
            `db.transaction(), db.runTransaction(), db.atomic() or @Transactional — which runs as a savepoint of the test transaction.`,
        ),
      );
    }
    return (query as (...queryArgs: unknown[]) => unknown).apply(this, args);
  };
  Object.defineProperty(db, 'query', { value: guarded, configurable: true, writable: true, enumerable: false });
}

/**
 * Waits for the work running on the test transaction to finish, rolls
 * everything back and unpins: `db` then uses its pool again. Does nothing when
 * no test transaction is open (so an `afterEach` is safe after a failed `beforeEach`).
 * Throws (after unpinning) when the server says the test transaction had
 * already ended: its writes may have been committed, and the test must not pass.
 */
export async function rollbackTestTransaction(db: CockroachDatabase): Promise<void> {
  const connection = pinned.get(db);
  if (!connection) return;
  pinned.delete(db);
  let broken = connection.isLost;
  let ended = false;
  try {
    if (!broken) {
      await connection.acquire();
      // Asked before ROLLBACK, which the server would answer the same (with a mere warning) outside a transaction.
      ended = connection.transactionEnded;
      await db.host.channel.send(connection.client, 'ROLLBACK');
    }
  } catch {
    broken = true; // the server rolls back when the connection closes
  } finally {
    delete (db as { query?: unknown }).query;
    db.host.pinConnections(undefined);
    // A session whose transaction something else ended may carry that something's settings too: not reused.
    connection.returnToPool(broken || ended);
  }
  if (ended) {
    throw new CockroachError(
      `rollbackTestTransaction: the test transaction was no longer open — the server reported its session idle, so a statement on the ` +
        `pinned connection ended it (a COMMIT or ROLLBACK inside a multi-statement db.query, a procedure…). What ran before that may have ` +
        `been COMMITTED and is still in the database; what ran after it ran outside any transaction. db is unpinned.`,
    );
  }
}

