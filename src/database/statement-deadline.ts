import type { PoolClient, QueryConfig, QueryResult } from 'pg';
import { StatementTimeoutError } from '../errors.js';

/**
 * Deadlines for statements, enforced by the client.
 *
 * A server-side `statement_timeout` cannot help when the network silently
 * drops packets: the server never sees the statement, or its answer never
 * arrives. `pg`'s own `query_timeout` is no cure either: it rejects the
 * caller's promise but leaves the statement active on the connection, so the
 * next statement on it (a ROLLBACK, say) queues behind it forever, and the
 * socket stays open. So the client keeps its own deadline and, when it
 * passes, destroys the socket: every statement still on that connection
 * fails at once, and the pool never hands the connection out again.
 */
export interface StatementLimit {
  /** When the client gives up and destroys the connection (ms). */
  readonly deadlineMs: number;
  /** The server-side `statement_timeout` in force, if any: its 57014 becomes a `StatementTimeoutError`. */
  readonly serverTimeoutMs: number | undefined;
}

export interface StatementLimits {
  /** For the caller's statements; `undefined` (no deadline) unless `statementTimeoutMs` is set. */
  readonly statement: StatementLimit | undefined;
  /** For BEGIN, SAVEPOINT, RELEASE, COMMIT, ROLLBACK and the health ping: always bounded. */
  readonly control: StatementLimit;
}

/**
 * How long after the server's own statement timeout the client waits before
 * giving up on the connection: long enough for the server's cancellation to
 * arrive across a slow network (which keeps the connection), short enough
 * that the caller does not wait "much longer" than `statementTimeoutMs`.
 */
export const CLIENT_DEADLINE_GRACE_MS = 500;

/**
 * The deadline of transaction-control statements and the health ping when
 * `statementTimeoutMs` is unset. README "Timeouts and network faults" has the measurements
 * behind it: these statements take milliseconds on a healthy server, but a
 * CockroachDB COMMIT may legitimately wait seconds for a range lease to move
 * after a node dies, and cutting a COMMIT short turns a success into an
 * `AmbiguousCommitError`.
 */
export const DEFAULT_CONTROL_TIMEOUT_MS = 15_000;

export function statementLimits(statementTimeoutMs: number | undefined, controlTimeoutMs: number): StatementLimits {
  if (statementTimeoutMs === undefined) {
    return { statement: undefined, control: { deadlineMs: controlTimeoutMs, serverTimeoutMs: undefined } };
  }
  const limit = { deadlineMs: statementTimeoutMs + CLIENT_DEADLINE_GRACE_MS, serverTimeoutMs: statementTimeoutMs };
  return { statement: limit, control: limit };
}

/**
 * Runs one statement unless `deadlineMs` passes first: then the connection is
 * destroyed and the result is a client-side `StatementTimeoutError`. Uses
 * `pg`'s callback form, so a deadline adds a timer and no promise of its own.
 */
export function queryWithDeadline(client: PoolClient, query: string | QueryConfig, values: unknown[], deadlineMs: number): Promise<QueryResult | QueryResult[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      destroyConnection(client);
      reject(new StatementTimeoutError(deadlineMs, 'client'));
    }, deadlineMs);
    client.query(query as string, values, (error: Error | undefined, result: QueryResult | QueryResult[]) => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(result);
    });
  });
}

/**
 * Closes the socket at once, without the protocol's goodbye: a graceful
 * close waits for the peer, and a silent peer never answers. The server rolls
 * back whatever the connection had open when (if) it notices.
 */
export function destroyConnection(client: PoolClient): void {
  client.connection.stream.destroy();
}
