import { transfer } from '../transfer.js';
import { backoffDelay, BEGIN_SERIALIZABLE, HAND_WRITTEN_RETRY, handWritten, isRetryable, pause, runOn } from './shared.js';

const RESTART_SAVEPOINT = 'cockroach_restart';

/**
 * The sqlalchemy-cockroachdb `run_transaction` / TypeORM pattern: one
 * transaction; on a retryable error ROLLBACK TO SAVEPOINT, sleep with the
 * transaction still open, re-run the body; RELEASE inside the retry loop,
 * COMMIT after it (so an error at COMMIT is not retried, as in the original).
 *
 * On CockroachDB the sleep holds the transaction's locks and stalls everyone
 * queued behind them. On PostgreSQL the pattern cannot work at all: the
 * savepoint keeps the transaction's snapshot, so a row another transaction
 * updated since stays invisible and every re-run fails the same way. It is
 * measured anyway, capped at the same attempts as the others, to show that.
 */
export const savepointSleep = handWritten('savepoint-sleep', async (client, dialect, move) => {
  const run = runOn(client);
  await client.query(`${BEGIN_SERIALIZABLE}; SAVEPOINT ${RESTART_SAVEPOINT}`);
  for (let attempt = 1; ; attempt++) {
    let committing = false;
    try {
      const result = await transfer(run, move);
      await client.query(`RELEASE SAVEPOINT ${RESTART_SAVEPOINT}`);
      // Outside the retry scope, as in the original: a failure here reaches the caller.
      committing = true;
      await client.query('COMMIT');
      return { result, attempts: attempt };
    } catch (error) {
      if (committing) throw error; // the transaction is over either way
      if (!isRetryable(error, dialect) || attempt >= HAND_WRITTEN_RETRY.maxAttempts) {
        await client.query('ROLLBACK');
        if (!isRetryable(error, dialect)) throw error;
        return { result: 'exceeded', attempts: attempt };
      }
      await client.query(`ROLLBACK TO SAVEPOINT ${RESTART_SAVEPOINT}`);
      await pause(backoffDelay(attempt, HAND_WRITTEN_RETRY.initialDelayMs, HAND_WRITTEN_RETRY.maxDelayMs));
    }
  }
});
