import type { Dialect } from '../connection/server-info.js';

/** SQLSTATE of an error or of any error in its `cause` chain. */
function sqlStates(error: unknown): string[] {
  const states: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current instanceof Error && !seen.has(current)) {
    seen.add(current);
    if ('code' in current && typeof current.code === 'string') states.push(current.code);
    current = current.cause;
  }
  return states;
}

/**
 * Errors the server asks the client to retry: 40001 (serialization failure,
 * CockroachDB's "restart transaction") and its legacy CockroachDB code CR000;
 * on PostgreSQL also 40P01, a deadlock victim. Matched on SQLSTATE anywhere in
 * the cause chain, never on message text.
 */
export function isRetryable(error: unknown, dialect: Dialect): boolean {
  return sqlStates(error).some((code) => code === '40001' || code === 'CR000' || (dialect === 'postgres' && code === '40P01'));
}

/** 40003: "statement completion unknown", CockroachDB's word for an ambiguous commit. */
export function isAmbiguousResult(error: unknown): boolean {
  return sqlStates(error).includes('40003');
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
