import { transfer } from '../transfer.js';
import { backoffDelay, BEGIN_SERIALIZABLE, HAND_WRITTEN_RETRY, handWritten, isRetryable, pause, runOn } from './shared.js';

/**
 * The restart loop written by hand on plain `pg`: on a retryable error
 * ROLLBACK, pause for `delayBeforeRetry(n)` ms before the n-th retry, and
 * BEGIN afresh, at most `maxAttempts` times in all.
 */
function restartLoop(name: string, delayBeforeRetry: (retry: number) => number) {
  return handWritten(name, async (client, dialect, move) => {
    const run = runOn(client);
    for (let attempt = 1; ; attempt++) {
      await client.query(BEGIN_SERIALIZABLE);
      try {
        const result = await transfer(run, move);
        await client.query('COMMIT');
        return { result, attempts: attempt };
      } catch (error) {
        // After a failed COMMIT there is no transaction left; ROLLBACK then only draws a warning.
        await client.query('ROLLBACK');
        if (!isRetryable(error, dialect)) throw error;
        if (attempt >= HAND_WRITTEN_RETRY.maxAttempts) return { result: 'exceeded', attempts: attempt };
        await pause(delayBeforeRetry(attempt));
      }
    }
  });
}

/**
 * Retry at once, no backoff: the loop of most hand-rolled retry code.
 * (peewee's `run_transaction` also retries at once, but through
 * `ROLLBACK TO SAVEPOINT cockroach_restart`, which on PostgreSQL cannot
 * rescue the transaction; see `savepointSleep`.)
 */
export const immediateRestart = restartLoop('immediate', () => 0);

/** ROLLBACK, sleep a capped exponential backoff with full jitter, BEGIN: what `ours` does on PostgreSQL, minus the library. */
export const restartWithBackoff = restartLoop('restart-backoff', (retry) =>
  backoffDelay(retry, HAND_WRITTEN_RETRY.initialDelayMs, HAND_WRITTEN_RETRY.maxDelayMs),
);
