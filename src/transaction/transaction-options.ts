import { optionKeys, refuseUnknownKeys } from '../common/option-keys.js';
import { ConfigurationError } from '../errors.js';
import { parseAsOfSystemTime, type AsOfSystemTime } from './as-of-system-time.js';

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

export interface ResolvedRetryOptions {
  maxAttempts: number;
  strategy: RetryStrategy;
  initialDelayMs: number;
  maxDelayMs: number;
  immediateRetries: number;
  onRetry: ((info: RetryInfo) => void) | undefined;
  timeoutMs: number | undefined;
}

export interface ResolvedTransactionOptions extends ResolvedRetryOptions {
  priority: TransactionPriority | undefined;
  asOfSystemTime: AsOfSystemTime | undefined;
  readOnly: boolean;
  isolation: IsolationLevel;
  propagation: Propagation;
  connection: string | undefined;
  statementTimeoutMs: number | undefined;
}

export const DEFAULT_RETRY: ResolvedRetryOptions = {
  maxAttempts: 10,
  strategy: 'auto',
  initialDelayMs: 100,
  maxDelayMs: 2000,
  immediateRetries: 1,
  onRetry: undefined,
  timeoutMs: undefined,
};

const PRIORITIES: readonly TransactionPriority[] = ['low', 'normal', 'high'];
const ISOLATIONS: readonly IsolationLevel[] = ['serializable', 'read committed'];
const PROPAGATIONS: readonly Propagation[] = ['required', 'requiresNew', 'mandatory', 'never'];
const STRATEGIES: readonly RetryStrategy[] = ['auto', 'savepoint', 'restart'];
const RETRY_OPTION_NAMES = optionKeys({
  maxAttempts: true,
  strategy: true,
  initialDelayMs: true,
  maxDelayMs: true,
  immediateRetries: true,
  onRetry: true,
  timeoutMs: true,
} satisfies Record<keyof RetryOptions, true>);
/** Every key `TransactionOptions` has (the compiler keeps the list complete): any other is a typo, refused rather than ignored. */
const TRANSACTION_OPTION_NAMES = [
  ...RETRY_OPTION_NAMES,
  ...optionKeys({
    priority: true,
    asOfSystemTime: true,
    readOnly: true,
    isolation: true,
    propagation: true,
    connection: true,
    statementTimeoutMs: true,
  } satisfies Record<Exclude<keyof TransactionOptions, keyof RetryOptions>, true>),
];

/** Validates retry settings, e.g. the module's `retry` option, on top of `base`. */
export function resolveRetryOptions(
  options: RetryOptions | undefined,
  base: ResolvedRetryOptions = DEFAULT_RETRY,
  prefix = '',
): ResolvedRetryOptions {
  if (options === undefined) return base;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ConfigurationError(prefix.replace(/\.$/, '') || 'options', 'expected an object');
  }
  // The module's `retry` option; a transaction's own options are checked whole in resolveTransactionOptions.
  if (prefix) refuseUnknownKeys(options, RETRY_OPTION_NAMES, prefix);
  const name = (key: string) => `${prefix}${key}`;
  return {
    maxAttempts: integer(name('maxAttempts'), options.maxAttempts, 1, 1000) ?? base.maxAttempts,
    strategy: oneOf(name('strategy'), options.strategy, STRATEGIES) ?? base.strategy,
    initialDelayMs: integer(name('initialDelayMs'), options.initialDelayMs, 0, 60_000) ?? base.initialDelayMs,
    maxDelayMs: integer(name('maxDelayMs'), options.maxDelayMs, 0, 600_000) ?? base.maxDelayMs,
    immediateRetries: integer(name('immediateRetries'), options.immediateRetries, 0, 1000) ?? base.immediateRetries,
    onRetry: fn(name('onRetry'), options.onRetry) ?? base.onRetry,
    timeoutMs: integer(name('timeoutMs'), options.timeoutMs, 1, 2 ** 31 - 1) ?? base.timeoutMs,
  };
}

/**
 * Validates a transaction's options before any SQL is sent: a typo in a
 * decorator argument fails the call with the option named, not mid-transaction.
 */
export function resolveTransactionOptions(
  options: TransactionOptions | undefined,
  defaults: ResolvedRetryOptions = DEFAULT_RETRY,
): ResolvedTransactionOptions {
  const retry = resolveRetryOptions(options ?? {}, defaults);
  const given = options ?? {};
  refuseUnknownKeys(given, TRANSACTION_OPTION_NAMES);
  if (given.readOnly !== undefined && typeof given.readOnly !== 'boolean') {
    throw new ConfigurationError('readOnly', 'expected a boolean');
  }
  if (given.connection !== undefined && (typeof given.connection !== 'string' || given.connection === '')) {
    throw new ConfigurationError('connection', 'expected a connection name');
  }
  const asOfSystemTime = given.asOfSystemTime === undefined ? undefined : parseAsOfSystemTime(given.asOfSystemTime);
  if (asOfSystemTime && given.readOnly === false) {
    throw new ConfigurationError('readOnly', 'a transaction AS OF SYSTEM TIME is read-only');
  }
  return {
    ...retry,
    priority: oneOf('priority', given.priority, PRIORITIES),
    asOfSystemTime,
    readOnly: given.readOnly ?? asOfSystemTime !== undefined,
    isolation: oneOf('isolation', given.isolation, ISOLATIONS) ?? 'serializable',
    propagation: oneOf('propagation', given.propagation, PROPAGATIONS) ?? 'required',
    connection: given.connection,
    statementTimeoutMs: integer('statementTimeoutMs', given.statementTimeoutMs, 1, 2 ** 31 - 1 - 1000),
  };
}

function integer(option: string, value: unknown, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigurationError(option, `expected an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

function oneOf<T extends string>(option: string, value: unknown, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) {
    throw new ConfigurationError(option, `expected one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

function fn<T>(option: string, value: T | undefined): T | undefined {
  if (value !== undefined && typeof value !== 'function') throw new ConfigurationError(option, 'expected a function');
  return value;
}
