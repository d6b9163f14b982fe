import type { PoolClient, QueryConfig, QueryResult as PgQueryResult } from 'pg';
import { StatementTimeoutError } from '../errors.js';
import { isConnectionFailure } from './connection-failure.js';
import type { ConnectionPool } from './connection.pool.js';
import { destroyConnection, type StatementLimit, type StatementLimits } from './statement-deadline.js';
import type { StatementObserver } from './statement-observer.js';

/** What a statement answered: one result, or one per statement of a `;`-separated batch. */
export type StatementResult = PgQueryResult | PgQueryResult[];

/** Called once per statement: with its failure (typed, observed), or with its result. */
export type StatementDone = (failed: boolean, error: unknown, result: StatementResult | undefined) => void;

/**
 * Where every statement leaves the process: the caller's statements, the
 * transaction framing, the health ping. In one place so that `onQuery` sees
 * all of them, every deadline is kept (a passed deadline destroys the
 * socket: see statement-deadline.ts), and every failure is typed the same
 * way — a socket failure marks its connection broken, a server-side
 * statement timeout becomes `StatementTimeoutError`.
 */
export class StatementChannel {
  private readonly brokenClients = new WeakSet<PoolClient>();

  constructor(
    readonly pool: ConnectionPool,
    /** The module's deadlines: `statement` for the caller's statements, `control` for the framing. */
    readonly limits: StatementLimits,
    private readonly observe: StatementObserver | undefined,
  ) {}

  /** Sends one statement (or a `;`-separated batch on the simple protocol) and resolves with its answer. */
  send(
    client: PoolClient,
    text: string,
    values: readonly unknown[] = [],
    limit: StatementLimit | undefined = this.limits.statement,
    protocol: 'simple' | 'extended' = 'simple',
  ): Promise<StatementResult> {
    // One promise per statement, settled from pg's callback: this runs for every statement, and each promise
    // costs more than its allocation once AsyncLocalStorage has turned Node's promise hooks on.
    return new Promise((resolve, reject) => {
      this.sendWithCallback(client, text, values, limit, protocol, (failed, error, result) => (failed ? reject(error) : resolve(result!)));
    });
  }

  /**
   * `send` without a promise: `done` is called once. For the hot path outside
   * a transaction, and for a statement whose answer may never need waiting for
   * (a pipelined BEGIN: see `StatementAnswer`).
   */
  sendWithCallback(
    client: PoolClient,
    text: string,
    values: readonly unknown[],
    limit: StatementLimit | undefined,
    protocol: 'simple' | 'extended',
    done: StatementDone,
  ): void {
    // pg picks the simple protocol for a statement without values unless told otherwise (its `queryMode`, absent from
    // @types/pg). With values it picks the extended one anyway: plain text then spares pg cloning a config per statement.
    const query =
      protocol === 'extended' && values.length === 0 ? ({ text, values: [], queryMode: 'extended' } as QueryConfig) : text;
    const observe = this.observe;
    const startedAt = observe === undefined ? 0 : performance.now();
    const finish = (error: unknown, result: StatementResult | undefined) => {
      const failure = error ? this.typeFailure(client, error, limit) : undefined;
      if (observe !== undefined) {
        try {
          observe(text, values, startedAt, result, failure);
        } catch (observerError) {
          done(true, observerError, undefined);
          return;
        }
      }
      if (failure === undefined) done(false, undefined, result);
      else done(true, failure, undefined);
    };
    const watched = limit?.deadlines.watch(() => {
      destroyConnection(client);
      finish(new StatementTimeoutError(limit.deadlineMs, 'client'), undefined);
    });
    try {
      client.query(query as string, values as unknown[], (error: Error | undefined, result: StatementResult) => {
        // A statement whose deadline passed was already answered with the timeout.
        if (watched === undefined || limit!.deadlines.settle(watched)) finish(error, result);
      });
    } catch (error) {
      if (watched !== undefined) limit!.deadlines.settle(watched);
      finish(error, undefined);
    }
  }

  /** Whether a statement on this client failed at the socket (or was given up on), not in SQL or in our own code. */
  isBroken(client: PoolClient): boolean {
    return this.brokenClients.has(client) || this.pool.isClosed(client);
  }

  /** Marks a connection that failed at the socket (or was given up on); types a server-side statement timeout. */
  private typeFailure(client: PoolClient, error: unknown, limit: StatementLimit | undefined): unknown {
    if (error instanceof StatementTimeoutError || isConnectionFailure(error) || this.pool.isClosed(client)) {
      this.brokenClients.add(client);
      return error;
    }
    const serverTimeoutMs = limit?.serverTimeoutMs;
    if (serverTimeoutMs !== undefined && error instanceof Error && 'code' in error && error.code === '57014') {
      return new StatementTimeoutError(serverTimeoutMs, 'server', { cause: error });
    }
    return error;
  }
}
