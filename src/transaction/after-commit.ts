import { ConfigurationError } from '../errors.js';
import { innermostTransaction } from './transaction-context.js';

/**
 * Runs `fn` once the transaction that is active now commits — never per
 * attempt, never after a rollback. Outside a transaction it runs at once.
 */
export function afterCommit(fn: () => unknown): void {
  if (typeof fn !== 'function') throw new ConfigurationError('afterCommit', 'expected a function');
  const context = innermostTransaction();
  if (context) context.afterCommit.push(fn);
  else void Promise.resolve().then(fn);
}
