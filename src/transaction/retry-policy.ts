import { codesInCauseChain } from '../common/sql-state.js';
import type { Dialect } from '../connection/server-info.js';
import { TransactionAbortedError } from '../errors.js';

/**
 * Errors the server asks the client to retry: 40001 (serialization failure,
 * CockroachDB's "restart transaction") and its legacy CockroachDB code CR000;
 * on PostgreSQL also 40P01, a deadlock victim. Matched on SQLSTATE anywhere in
 * the cause chain, never on message text.
 */
export function isRetryable(error: unknown, dialect: Dialect): boolean {
  return codesInCauseChain(error).some((code) => code === '40001' || code === 'CR000' || (dialect === 'postgres' && code === '40P01'));
}

/** 40003: "statement completion unknown", CockroachDB's word for an ambiguous commit. */
export function isAmbiguousResult(error: unknown): boolean {
  return codesInCauseChain(error).includes('40003');
}

/**
 * Capped exponential backoff with full jitter: a random pause in
 * [0, min(max, initial · 2^(n-1))] before the n-th delayed retry, so
 * contenders that collided do not collide again in lockstep.
 */
export function backoffDelay(delayedRetry: number, initialDelayMs: number, maxDelayMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.max(0, delayedRetry - 1));
  return Math.round(random() * ceiling);
}

/**
 * The library's pause before the n-th delayed retry: `backoffDelay` on a base
 * that is the longer of `initialDelayMs` and how long the failed attempt took.
 * Under light contention an attempt takes a millisecond and the retry comes
 * soon; at a hot spot attempts queue for locks for tens of milliseconds, and
 * a pause shorter than that sends the contenders straight back into the same
 * crowd (bench/README.md has the measurements).
 */
export function retryDelay(
  delayedRetry: number,
  attemptMs: number,
  options: { readonly initialDelayMs: number; readonly maxDelayMs: number },
  random: () => number = Math.random,
): number {
  return backoffDelay(delayedRetry, Math.max(options.initialDelayMs, attemptMs), options.maxDelayMs, random);
}

/** What the owner knows about an attempt that failed. */
export interface FailedAttempt {
  readonly error: unknown;
  /** Where the attempt was: acquiring its connection, in BEGIN's batch, in the body, or in COMMIT. */
  readonly phase: 'acquire' | 'begin' | 'body' | 'commit';
  readonly attempt: number;
  /** The attempt's own connection failed (at the socket, or the server closed it). */
  readonly lostConnection: boolean;
  /** The body returned normally over a failed statement. */
  readonly swallowed: boolean;
  /** The database is shutting down. */
  readonly closing: boolean;
  /** The transaction is still open on a live connection and may be rewound to its restart savepoint for another try. */
  readonly canRestartInPlace: boolean;
  readonly delayedRetries: number;
  /** How long the failed attempt ran (ms), from getting its connection. */
  readonly attemptMs: number;
  /** Until the transaction's `timeoutMs` deadline (ms); infinite without one. */
  readonly msLeft: number;
}

/** What the owner does next. */
export type Verdict =
  /** Shutdown closed the pool under the attempt: `DatabaseClosingError`. */
  | { readonly kind: 'closing' }
  /** COMMIT's outcome is unknown: `AmbiguousCommitError`, never a retry. */
  | { readonly kind: 'ambiguous' }
  /** An error that already says what happened (`TransactionAbortedError`): to the caller as it is. */
  | { readonly kind: 'rethrow' }
  /** Not retryable: roll back, and the caller gets the error. */
  | { readonly kind: 'abort' }
  | { readonly kind: 'exceeded' }
  /** The next attempt would start past `timeoutMs`. */
  | { readonly kind: 'timedOut' }
  /** `ROLLBACK TO SAVEPOINT` and run again at once. */
  | { readonly kind: 'retryNow'; readonly delayMs: 0 }
  /** `ROLLBACK`, pause, then a fresh BEGIN. */
  | { readonly kind: 'retryAfter'; readonly delayMs: number };

/**
 * The one place that decides what a failed attempt means. In order: a pool
 * closed for shutdown ends it; a failure during COMMIT whose outcome is
 * unknown (the connection lost, or 40003) is ambiguous and never retried;
 * what is neither a lost connection (nothing committed: safe to run again)
 * nor a retryable SQLSTATE is the caller's error; then the attempt budget,
 * then the time budget, which a retry's pause must fit in.
 */
export function judgeFailure(
  failure: FailedAttempt,
  options: { readonly maxAttempts: number; readonly initialDelayMs: number; readonly maxDelayMs: number },
  dialect: Dialect,
  random: () => number = Math.random,
): Verdict {
  const { error, phase, lostConnection } = failure;
  if (phase === 'acquire' && failure.closing) return { kind: 'closing' };
  if (phase === 'commit' && (lostConnection || isAmbiguousResult(error))) return { kind: 'ambiguous' };
  if (error instanceof TransactionAbortedError) return { kind: 'rethrow' };
  if (!lostConnection && !isRetryable(error, dialect)) return { kind: 'abort' };
  if (failure.attempt >= options.maxAttempts) return { kind: 'exceeded' };
  const delayMs = failure.canRestartInPlace ? 0 : retryDelay(failure.delayedRetries + 1, failure.attemptMs, options, random);
  if (delayMs >= failure.msLeft) return { kind: 'timedOut' };
  return failure.canRestartInPlace ? { kind: 'retryNow', delayMs: 0 } : { kind: 'retryAfter', delayMs };
}
