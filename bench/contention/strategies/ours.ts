import { CockroachDatabase, ExceededMaxAttemptsError, type RetryOptions } from '../../../src/index.js';
import type { Strategy } from '../strategy.js';
import { transfer, type RunStatement } from '../transfer.js';
import { openConnections } from './shared.js';

/**
 * The library as an application uses it: `db.runTransaction` with the
 * default retry policy, or with `retry` as module-wide options (a candidate
 * default under test).
 */
export function ours(name: string, retry?: RetryOptions): Strategy {
  return {
    name,
    open: async ({ url, poolSize }) => {
      const db = await CockroachDatabase.connect({ url, name: `contention-${name}`, pool: { max: poolSize }, retry });
      const run: RunStatement = (text, values) => db.query(text, values);
      await openConnections(poolSize, run);
      return {
        transfer: async (move) => {
          let attempts = 0;
          try {
            const result = await db.runTransaction(async (transaction) => {
              attempts = transaction.attempt;
              return transfer(run, move);
            });
            return { result, attempts };
          } catch (error) {
            if (error instanceof ExceededMaxAttemptsError) return { result: 'exceeded', attempts: error.attempts };
            throw error;
          }
        },
        close: () => db.close(),
      };
    },
  };
}
