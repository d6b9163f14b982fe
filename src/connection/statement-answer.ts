import type { PoolClient } from 'pg';
import type { StatementChannel, StatementResult } from './statement-channel.js';
import type { StatementLimit } from './statement-deadline.js';

/**
 * A statement sent without a promise, its answer recorded when it comes: a
 * pipelined BEGIN, whose answer has nearly always arrived by the time anyone
 * looks (it comes before the answer to the statement written behind it), so
 * a promise would be made, and awaited, for nothing. One is made only for a
 * caller that must really wait.
 */
export class StatementAnswer {
  settled = false;
  failed = false;
  error: unknown;
  result: StatementResult | undefined;
  private waiting: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(channel: StatementChannel, client: PoolClient, text: string, limit: StatementLimit | undefined) {
    channel.sendWithCallback(client, text, [], limit, 'simple', (failed, error, result) => {
      this.settled = true;
      this.failed = failed;
      this.error = error;
      this.result = result;
      this.wake?.();
    });
  }

  /** Resolves (never rejects) once the answer is in; read `failed` then. */
  whenSettled(): Promise<void> {
    if (this.settled) return Promise.resolve();
    this.waiting ??= new Promise<void>((resolve) => {
      this.wake = resolve;
    });
    return this.waiting;
  }
}
