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
 * FATAL is flushed after everything queued before it. A FATAL 57P0x that
 * arrives before the statement's ParseComplete therefore means the backend
 * never finished parsing it. The simple protocol has no such marker:
 * a statement killed mid-run and one never read look alike, so a statement
 * that must go out on it (several statements in one string) is never retried.
 *
 * CockroachDB. A draining node pushes a DrainRequest into each connection's
 * command buffer; the command processor handles commands in order and quits
 * at the DrainRequest when it is outside a transaction, then writes 57P01
 * "server is shutting down". Commands behind the DrainRequest are never
 * executed. A statement ahead of it runs to completion and gets its normal
 * reply first; one cancelled after `server.shutdown.transactions.timeout`
 * gets its own error first. Either way 57P01 before any ParseComplete means
 * ours was never processed.
 *
 * Not proof, and never retried: the socket closing with no reply at all (a
 * crashed server, a backend killed while its reply was blocked, PostgreSQL's
 * synchronous-replication wait cut short after a local commit) and a shutdown
 * error after any other reply. Those may have committed.
 */
export function provedNotRun(error: unknown, watch: ParseWatch): boolean {
  return watch.parsesBefore !== undefined && parsesSeen(watch.client) === watch.parsesBefore && isServerShutdown(error);
}

/**
 * The same proof, counted rather than listened for per statement: every
 * pooled connection counts the ParseCompletes it receives (one listener for
 * its lifetime, on an event pg emits anyway), and a statement on the extended
 * protocol notes the count when it goes out. No ParseComplete between sending
 * and the error means the FATAL came before the server had even parsed it
 * (a NoticeResponse may come first; it proves nothing either way).
 */
export interface ParseWatch {
  readonly client: PoolClient;
  /** The connection's count when the statement went out; `undefined` when its replies prove nothing (simple protocol). */
  readonly parsesBefore: number | undefined;
}

const parseCounts = new WeakMap<PoolClient, { seen: number }>();

/** Starts counting the connection's ParseCompletes; called once, when the pool opens it. */
export function countParses(client: PoolClient): void {
  const count = { seen: 0 };
  parseCounts.set(client, count);
  client.connection.on('parseComplete', () => count.seen++);
}

export function parsesSeen(client: PoolClient): number | undefined {
  return parseCounts.get(client)?.seen;
}

/** Notes where a statement about to go out on `client` starts; only the extended protocol's replies can prove it never ran. */
export function watchParses(client: PoolClient, extended: boolean): ParseWatch {
  return { client, parsesBefore: extended ? parsesSeen(client) : undefined };
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
