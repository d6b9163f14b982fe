/** The public shape of transaction options: what `@Transactional`, `runTransaction` and the module's `retry` accept. */

export type TransactionPriority = 'low' | 'normal' | 'high';
export type IsolationLevel = 'serializable' | 'read committed';
/**
 * - `required` (default): join the active transaction, or start one.
 * - `requiresNew`: always start an independent transaction on another connection.
 * - `mandatory`: join the active transaction; throw if there is none.
 * - `never`: throw if a transaction is active.
 */
export type Propagation = 'required' | 'requiresNew' | 'mandatory' | 'never';
/**
 * - `savepoint`: CockroachDB's client-side retry protocol (`SAVEPOINT cockroach_restart`).
 * - `restart`: `ROLLBACK`, back off, `BEGIN` afresh (what PostgreSQL needs).
 * - `auto` (default): `savepoint` on CockroachDB, `restart` on PostgreSQL.
 */
export type RetryStrategy = 'auto' | 'savepoint' | 'restart';

export interface RetryInfo {
  /** The attempt that failed, from 1. */
  attempt: number;
  error: unknown;
  /** The pause before the next attempt (0: re-run at once through the savepoint). */
  delayMs: number;
  strategy: 'savepoint' | 'restart';
}

/** Module-wide defaults for transactions (`forRoot({ retry })`), each overridable per call. */
export interface RetryOptions {
  /** Total attempts, the first included. Default `10`. */
  maxAttempts?: number;
  strategy?: RetryStrategy;
  /**
   * The least backoff before the first delayed retry (ms); a failed attempt
   * that took longer sets the base instead. Doubles each time, with full
   * jitter. Default `100`, the base of CockroachDB's documented retry loop;
   * `bench/README.md` has the measurements behind it.
   */
  initialDelayMs?: number;
  /** Backoff cap (ms). Default `2000`. */
  maxDelayMs?: number;
  /**
   * Savepoint protocol only: retries re-run at once through
   * `ROLLBACK TO SAVEPOINT`, keeping the transaction's place (and locks),
   * this many times before backing off with a full `ROLLBACK`. Default `1`.
   */
  immediateRetries?: number;
  /** Called before every retry. */
  onRetry?: (info: RetryInfo) => void;
  /**
   * A deadline for the whole transaction, all attempts together (ms): once it
   * has passed the owner stops retrying, rolls back and throws
   * `TransactionTimeoutError` (nothing committed). Checked between attempts;
   * a single attempt is bounded by `statementTimeoutMs`. Default: none.
   */
  timeoutMs?: number;
}

export interface TransactionOptions extends RetryOptions {
  /** `BEGIN … PRIORITY`; CockroachDB only (ignored, logged once, on PostgreSQL). */
  priority?: TransactionPriority;
  /**
   * A historical, read-only transaction: a `Date`, a negative interval
   * (`'-10s'`, `'-1m30s'`) or `'follower_read_timestamp()'`.
   */
  asOfSystemTime?: Date | string;
  readOnly?: boolean;
  /** Default `'serializable'`. */
  isolation?: IsolationLevel;
  propagation?: Propagation;
  /** The named connection to use; default the default connection. */
  connection?: string;
  /** This transaction's statement timeout (ms), in place of the module's `statementTimeoutMs` (`SET LOCAL statement_timeout`). */
  statementTimeoutMs?: number;
}
