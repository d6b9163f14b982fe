import type { PoolClient } from 'pg';

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
  /** Where statements under this limit wait out their deadline. */
  readonly deadlines: DeadlineQueue;
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
    return { statement: undefined, control: { deadlineMs: controlTimeoutMs, deadlines: deadlineQueue(controlTimeoutMs), serverTimeoutMs: undefined } };
  }
  const deadlineMs = statementTimeoutMs + CLIENT_DEADLINE_GRACE_MS;
  const limit = { deadlineMs, deadlines: deadlineQueue(deadlineMs), serverTimeoutMs: statementTimeoutMs };
  return { statement: limit, control: limit };
}

/** A statement under a deadline: `settle` it when it ends; `expire` runs if the deadline passes first. */
export interface WatchedStatement {
  readonly expiresAt: number;
  settled: boolean;
  readonly expire: () => void;
  /** The statement watched after this one (the queue is a linked list: no array to grow or shrink). */
  next: WatchedStatement | undefined;
}

/**
 * The client-side deadlines of one length (`deadlineMs`), all on one timer.
 *
 * Statements watched with the same length expire in the order they started,
 * so a queue with a single timer, armed for its oldest entry, does the work
 * of a timer per statement. That matters on the hot path: every transaction
 * sends at least two control statements, and creating and clearing a Node
 * timer for each (with the async-hooks bookkeeping AsyncLocalStorage turns
 * on) cost more than all the rest of the transaction's own work. Settling a
 * statement is a flag; the timer wakes at most once per `deadlineMs` while
 * statements keep finishing in time. It is unref'd: a statement in flight
 * holds its (referenced) socket, which keeps the process alive. Settled
 * entries behind a still-running one stay listed until it ends or expires:
 * at most `deadlineMs` worth of statements, a few dozen bytes each.
 */
export class DeadlineQueue {
  /** The oldest statement not yet known to be settled, and the newest. */
  private head: WatchedStatement | undefined;
  private tail: WatchedStatement | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly deadlineMs: number) {}

  watch(expire: () => void): WatchedStatement {
    const entry: WatchedStatement = { expiresAt: performance.now() + this.deadlineMs, settled: false, expire, next: undefined };
    if (this.tail) this.tail.next = entry;
    else this.head = entry;
    this.tail = entry;
    this.timer ??= this.arm(this.deadlineMs);
    return entry;
  }

  /** Marks the statement finished; `false` when its deadline had already passed (and `expire` ran). */
  settle(entry: WatchedStatement): boolean {
    if (entry.settled) return false;
    entry.settled = true;
    this.forgetSettled();
    return true;
  }

  /** Statements being watched (for tests). */
  get pending(): number {
    let count = 0;
    for (let entry = this.head; entry; entry = entry.next) if (!entry.settled) count++;
    return count;
  }

  private forgetSettled(): void {
    while (this.head?.settled) this.head = this.head.next;
    if (!this.head) this.tail = undefined;
  }

  private arm(delayMs: number): NodeJS.Timeout {
    const timer = setTimeout(() => this.expireDue(), delayMs);
    timer.unref();
    return timer;
  }

  private expireDue(): void {
    this.timer = undefined;
    const now = performance.now();
    const due: WatchedStatement[] = [];
    for (let entry = this.head; entry && (entry.settled || entry.expiresAt <= now); entry = entry.next) {
      if (entry.settled) continue;
      entry.settled = true;
      due.push(entry);
    }
    this.forgetSettled();
    if (this.head) this.timer = this.arm(Math.max(1, Math.ceil(this.head.expiresAt - now)));
    for (const entry of due) entry.expire();
  }
}

const queues = new Map<number, DeadlineQueue>();

/** The process's queue for deadlines of `deadlineMs` (there are as many as distinct configured lengths). */
export function deadlineQueue(deadlineMs: number): DeadlineQueue {
  let queue = queues.get(deadlineMs);
  if (!queue) queues.set(deadlineMs, (queue = new DeadlineQueue(deadlineMs)));
  return queue;
}

/**
 * Closes the socket at once, without the protocol's goodbye: a graceful
 * close waits for the peer, and a silent peer never answers. The server rolls
 * back whatever the connection had open when (if) it notices.
 */
export function destroyConnection(client: PoolClient): void {
  client.connection.stream.destroy();
}
