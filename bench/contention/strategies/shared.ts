import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Pool, PoolClient } from 'pg';
import type { Dialect } from '../../../src/index.js';
import { DEFAULT_RETRY } from '../../../src/transaction/transaction-options.js';
import { WARM_UP_STATEMENT, WARM_UP_VALUES } from '../accounts.js';
import type { Outcome, Strategy } from '../strategy.js';
import type { Move, RunStatement } from '../transfer.js';

/**
 * The hand-written strategies use the library's default attempt cap and
 * backoff constants, and its own backoff formula, so that a difference in
 * the table comes from the protocol alone.
 */
export const HAND_WRITTEN_RETRY = {
  maxAttempts: DEFAULT_RETRY.maxAttempts,
  initialDelayMs: DEFAULT_RETRY.initialDelayMs,
  maxDelayMs: DEFAULT_RETRY.maxDelayMs,
} as const;

export { backoffDelay, isRetryable } from '../../../src/transaction/retry-policy.js';

export const BEGIN_SERIALIZABLE = 'BEGIN TRANSACTION ISOLATION LEVEL SERIALIZABLE';

/** One transfer of a hand-written strategy, on a connection checked out for it. */
export type HandWrittenTransfer = (client: PoolClient, dialect: Dialect, move: Move) => Promise<Outcome>;

/** A hand-written strategy on a plain `pg` pool: what is left to write is the transaction loop itself. */
export function handWritten(name: string, transferOn: HandWrittenTransfer): Strategy {
  return {
    name,
    open: async ({ url, dialect, poolSize }) => {
      const pool = rawPool(url, poolSize);
      await openConnections(poolSize, runOn(pool));
      return {
        transfer: async (move) => {
          const client = await pool.connect();
          let failed = false;
          try {
            return await transferOn(client, dialect, move);
          } catch (error) {
            failed = true; // the connection may be left inside a transaction: close it, do not reuse it
            throw error;
          } finally {
            client.release(failed);
          }
        },
        close: () => pool.end(),
      };
    },
  };
}

function rawPool(url: string, max: number): Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  // The raw pool has no handlers of its own; a dropped connection must not crash the bench.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** Runs statements on one checked-out connection, or on any connection of a pool. */
export function runOn(client: Pick<Pool, 'query'>): RunStatement {
  return (text, values) => client.query(text, values);
}

/** A zero delay must not become a timer: `setTimeout(0)` still yields for about a millisecond. */
export async function pause(ms: number): Promise<void> {
  if (ms > 0) await sleep(ms);
}

/**
 * Opens `count` connections before the clock starts, so no strategy's
 * timed run pays for connection setup: all requests are made at once, and
 * the pool opens a new connection for each while none is idle.
 */
export async function openConnections(count: number, run: RunStatement): Promise<void> {
  await Promise.all(Array.from({ length: count }, () => run(WARM_UP_STATEMENT, WARM_UP_VALUES)));
}
