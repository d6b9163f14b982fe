import type { QueryResult as PgQueryResult } from 'pg';
import { describeCode } from '../common/sql-state.js';
import { ConnectionLostError, StatementTimeoutError } from '../errors.js';
import { isConnectionFailure } from './connection-failure.js';
import type { ConnectionSource, TransactionProtocol } from './connection-source.js';
import type { QueryResult } from './queryable.js';
import type { StatementChannel } from './statement-channel.js';
import { isSingleStatement, provedNotRun, watchParses, type ParseWatch } from './unrun-statement.js';

/** Where a statement outside a transaction runs, and who hears about a resend. */
export interface SingleStatementTarget {
  readonly channel: StatementChannel;
  /** The pool, or the testing kit's pinned connection. */
  readonly connections: ConnectionSource;
  /** How many times a statement proved unrun may be sent again: one per connection the server may have closed. */
  readonly maxResends: number;
  readonly debug: (message: string) => void;
}

/**
 * One statement outside a transaction, on a connection of its own. When the
 * server closed that connection under it and its reply proves the statement
 * never ran (see `provedNotRun`), it is sent again on another connection —
 * the race a rolling restart or a terminated backend makes. Each such reply
 * retires one connection the server had closed, so this stops after at most
 * `maxResends` resends. A statement that may have run is never sent again:
 * `ConnectionLostError`.
 */
export function runSingleStatement<TRow>(target: SingleStatementTarget, text: string, values: readonly unknown[]): Promise<QueryResult<TRow>> {
  const extended = isSingleStatement(text);
  if (target.connections !== target.channel.pool) return runOnSource<TRow>(target, text, values, extended);
  // The pool, the common case: callbacks all the way and one promise, since every statement outside a transaction comes here.
  return new Promise((resolve, reject) => sendOnPool(target, text, values, extended, 0, resolve, reject));
}

function sendOnPool<TRow>(
  target: SingleStatementTarget,
  text: string,
  values: readonly unknown[],
  extended: boolean,
  resends: number,
  resolve: (result: QueryResult<TRow>) => void,
  reject: (error: unknown) => void,
): void {
  const { channel } = target;
  const pool = channel.pool;
  pool.checkout((checkoutError, client) => {
    if (checkoutError !== undefined) return reject(checkoutError);
    const parses = watchParses(client!, extended);
    channel.sendWithCallback(client!, text, values, channel.limits.statement, extended ? 'extended' : 'simple', (failed, error, result) => {
      if (!failed) {
        pool.release(client!, false);
        const { rows, rowCount } = result as PgQueryResult;
        return resolve({ rows: rows as TRow[], rowCount });
      }
      const lost = channel.isBroken(client!) || isConnectionFailure(error);
      pool.release(client!, lost);
      const failure = lost ? lostStatementFailure(target, error, parses, resends) : error;
      if (failure !== undefined) return reject(failure);
      // The server closes many connections at once (a terminated pool, a draining node): one turn of the
      // event loop lets the driver read their FATALs too, so the pool drops them before handing one out.
      setImmediate(() => sendOnPool(target, text, values, extended, resends + 1, resolve, reject));
    });
  });
}

/** The same policy on another connection source (the testing kit's pinned connection), where a promise per statement costs nothing that matters. */
async function runOnSource<TRow>(target: SingleStatementTarget, text: string, values: readonly unknown[], extended: boolean): Promise<QueryResult<TRow>> {
  const { channel } = target;
  for (let resends = 0; ; resends++) {
    const source = target.connections;
    const client = await source.acquire();
    const parses = watchParses(client, extended);
    let lost = false;
    try {
      const protocol = extended ? 'extended' : 'simple';
      const send = () => channel.send(client, text, values, channel.limits.statement, protocol);
      const result = (source.statementProtocol ? await sendInSavepoint(channel, client, source.statementProtocol, send) : await send()) as PgQueryResult;
      return { rows: result.rows as TRow[], rowCount: result.rowCount };
    } catch (error) {
      lost = channel.isBroken(client) || isConnectionFailure(error);
      const failure = lost ? lostStatementFailure(target, error, parses, resends) : error;
      if (failure !== undefined) throw failure;
    } finally {
      source.release(client, lost);
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/**
 * What the caller of a statement whose connection was lost gets: the
 * failure itself, `ConnectionLostError`, or `undefined` when its reply
 * proves it never ran and it may be sent again.
 */
function lostStatementFailure(target: SingleStatementTarget, error: unknown, parses: ParseWatch, resends: number): unknown {
  // A deadline that passed proves nothing about whether the statement ran: the caller gets the timeout itself.
  if (error instanceof StatementTimeoutError) return error;
  const notRun = provedNotRun(error, parses);
  if (notRun && resends < target.maxResends) {
    target.debug(`The server closed the connection before running a statement (${describeCode(error)}); sending it again on another connection`);
    return undefined;
  }
  return new ConnectionLostError(
    notRun
      ? `The server kept closing connections before running the statement (${describeCode(error)}, ${resends + 1} times); it did not run`
      : `The connection was lost while the statement was running (${describeCode(error)}); it may or may not have taken effect`,
    !notRun,
    { cause: error },
  );
}

/** The testing kit's connection is inside its transaction: there a failing statement must undo only itself. */
async function sendInSavepoint<T>(channel: StatementChannel, client: Parameters<StatementChannel['send']>[0], savepoint: TransactionProtocol, send: () => Promise<T>): Promise<T> {
  const control = channel.limits.control;
  await channel.send(client, savepoint.begin, [], control);
  let result: T;
  try {
    result = await send();
  } catch (error) {
    // On a lost connection there is nothing to undo; if the rollback fails, the caller still gets the statement's error.
    if (!channel.isBroken(client)) await channel.send(client, savepoint.rollback, [], control).catch(() => undefined);
    throw error;
  }
  await channel.send(client, savepoint.commit, [], control);
  return result;
}
