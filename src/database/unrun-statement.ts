import type { PoolClient } from 'pg';
import { isServerShutdown } from './connection-failure.js';

/**
 * When may a statement outside a transaction, whose connection the server
 * closed under it, be sent again on a fresh connection? Only when the reply
 * proves the server never executed it. The reasoning, from the servers' source:
 *
 * PostgreSQL. `pg_terminate_backend` and a fast shutdown send SIGTERM; the
 * backend reports it from `ProcessInterrupts` as FATAL 57P01 "terminating
 * connection due to administrator command". An idle backend, blocked reading
 * the next command (`DoingCommandRead`), dies at once, before reading what we
 * sent. But a backend that had already read our statement reports the very
 * same FATAL from the next `CHECK_FOR_INTERRUPTS()` while executing it (the
 * `pg_sleep` case), so the SQLSTATE alone proves nothing. The order of the
 * replies does: on the extended protocol (Parse/Bind/Execute/Sync) the
 * backend queues ParseComplete before it binds, let alone executes, and the
 * FATAL is flushed after everything queued before it. A FATAL 57P0x that is
 * the *first* message after our statement went out therefore means the
 * backend never finished parsing it. The simple protocol has no such marker:
 * a statement killed mid-run and one never read look alike, so a statement
 * that must go out on it (several statements in one string) is never retried.
 *
 * CockroachDB. A draining node pushes a DrainRequest into each connection's
 * command buffer; the command processor handles commands in order and quits
 * at the DrainRequest when it is outside a transaction, then writes 57P01
 * "server is shutting down". Commands behind the DrainRequest are never
 * executed. A statement ahead of it runs to completion and gets its normal
 * reply first; one cancelled after `server.shutdown.transactions.timeout`
 * gets its own error first. Either way 57P01 as the first reply means ours
 * was never processed.
 *
 * Not proof, and never retried: the socket closing with no reply at all (a
 * crashed server, a backend killed while its reply was blocked, PostgreSQL's
 * synchronous-replication wait cut short after a local commit) and a shutdown
 * error after any other reply. Those may have committed.
 */
export function provedNotRun(error: unknown, replies: ReplyWatch): boolean {
  return replies.extended && replies.firstReply === 'error' && isServerShutdown(error);
}

/** What came back from the server after one statement was sent. */
export interface ReplyWatch {
  /** Whether the statement goes out on the extended protocol, whose replies can prove it never ran. */
  readonly extended: boolean;
  /** The `pg` name of the first message received (`'error'` for an ErrorResponse), if any. */
  readonly firstReply: string | undefined;
  stop(): void;
}

/** Records the first protocol message on `client` from now on. */
export function watchReplies(client: PoolClient, extended: boolean): ReplyWatch {
  const watch = {
    extended,
    firstReply: undefined as string | undefined,
    stop: () => client.connection.off('message', onMessage),
  };
  const onMessage = (message: { name: string }) => {
    watch.firstReply ??= message.name;
  };
  client.connection.on('message', onMessage);
  return watch;
}

/**
 * Whether `text` surely holds one statement, so it can go out on the extended
 * protocol (which refuses several). Conservative: any `;` — a trailing one,
 * one in a literal or a comment — sends the text on the simple protocol,
 * which only costs the statement its retry.
 */
export function isSingleStatement(text: string): boolean {
  return !text.includes(';');
}
