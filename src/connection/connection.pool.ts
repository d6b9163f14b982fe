import { Logger } from '@nestjs/common';
import pg from 'pg';
import type { Pool, PoolClient } from 'pg';
import { DatabaseClosingError } from '../errors.js';
import { createTypeParsers } from './int8.parsers.js';
import type { ResolvedConnectionOptions } from './connection-options.js';
import type { PoolStats } from './pool-stats.js';
import { scrubSecret } from './secret.scrubber.js';
import { destroyConnection } from './statement-deadline.js';
import { countParses } from './unrun-statement.js';

/**
 * How long `end()` lets connections say goodbye before it destroys their
 * sockets: a healthy server closes within milliseconds, a black-holed
 * connection never acknowledges the goodbye.
 */
export const SOCKET_CLOSE_GRACE_MS = 1000;

/**
 * The `pg` pool plus what it lacks: a per-connection lifetime with jitter
 * (pg-pool's own `maxLifetimeSeconds` would retire connections opened together
 * all at once) and error listeners that keep a dropped connection from
 * crashing the process.
 */
export class ConnectionPool {
  private readonly pool: Pool;
  private readonly retireAt = new WeakMap<PoolClient, number>();
  /** Connections whose socket the driver has seen fail or end: never handed out again. */
  private readonly closed = new WeakSet<PoolClient>();
  /** Connections whose sockets are still open, with their closing; pg-pool's end() resolves before they are closed. */
  private readonly open = new Map<PoolClient, Promise<void>>();
  /** Callers queued for a connection; `end()` turns them away (pg-pool would leave them to time out). */
  private readonly waiters = new Set<(error: Error) => void>();

  constructor(
    private readonly options: ResolvedConnectionOptions,
    private readonly logger: Logger,
  ) {
    this.pool = new pg.Pool({
      ...options.client,
      types: createTypeParsers(options.int8),
      max: options.pool.max,
      min: options.pool.min,
      idleTimeoutMillis: options.pool.idleTimeoutMillis,
      connectionTimeoutMillis: options.pool.connectionTimeoutMillis,
      allowExitOnIdle: true,
      // Statements written behind one another go out at once rather than each
      // waiting for the previous answer: a transaction's first statement rides
      // with its BEGIN (see `pipelinesBegin`). Ignored by a pg without it (before 8.23).
      pipeline: true,
    } as pg.PoolConfig);
    // An idle connection killed by the server (restart, pg_terminate_backend,
    // a load balancer's timeout) is reported here; pg-pool already discards it.
    this.pool.on('error', (error) => this.logger.warn(`Idle connection lost: ${this.describe(error)}`));
    this.pool.on('connect', (client) => {
      // A checked-out client with no 'error' listener would crash the process
      // if its socket dies between two statements; the failure reaches the
      // caller through the next query instead. pg emits 'error' only for a
      // failure of the connection (a statement's error goes to its query), so
      // both events mean the same thing: this connection is gone.
      client.on('error', () => this.closed.add(client));
      countParses(client);
      this.retireAt.set(client, Date.now() + this.lifetimeMillis());
      const closed = new Promise<void>((resolve) =>
        client.once('end', () => {
          this.closed.add(client);
          resolve();
        }),
      );
      this.open.set(client, closed);
      void closed.then(() => this.open.delete(client));
    });
  }

  /**
   * Checks out a connection, never one past its lifetime and never one the
   * driver has seen the server close (a FATAL such as 57P01 from a terminated
   * backend or a draining CockroachDB node, or the socket's end): those are
   * dropped and another is taken. pg-pool already drops an idle connection
   * that reports an error; this also covers one that failed while checked out.
   * A caller still queued when the pool ends is refused at once with
   * `DatabaseClosingError` (pg-pool would leave it to time out).
   */
  acquire(): Promise<PoolClient> {
    return new Promise<PoolClient>((resolve, reject) => this.checkout((error, client) => (error === undefined ? resolve(client!) : reject(error))));
  }

  /** `acquire` with a callback, for the hot path that must not make a promise of its own. */
  checkout(done: (error: Error | undefined, client: PoolClient | undefined) => void): void {
    let abandoned = false;
    const abandon = (error: Error) => {
      abandoned = true;
      done(error, undefined);
    };
    this.waiters.add(abandon);
    const take = (error: Error | undefined, client: PoolClient | undefined) => {
      if (abandoned) {
        // A connection that turns up for a caller the ending pool turned away is closed.
        client?.release(true);
      } else if (error || !client) {
        this.waiters.delete(abandon);
        done(error ?? new Error('pg-pool returned no client'), undefined);
      } else if (this.isExpired(client) || this.isClosed(client)) {
        client.release(true);
        this.pool.connect(take);
      } else {
        this.waiters.delete(abandon);
        done(undefined, client);
      }
    };
    this.pool.connect(take);
  }

  /** Whether the driver has seen this connection's socket fail or end. */
  isClosed(client: PoolClient): boolean {
    return this.closed.has(client);
  }

  /**
   * Returns a connection. One that failed mid-protocol, whose socket is gone,
   * or that outlived its lifetime, is closed instead of being handed to the next caller.
   */
  release(client: PoolClient, discard = false): void {
    client.release(discard || this.isExpired(client) || this.isClosed(client));
  }

  /** `pool.max`: the most connections open at once. */
  get maxConnections(): number {
    return this.options.pool.max;
  }

  stats(): PoolStats {
    return {
      total: this.pool.totalCount,
      idle: this.pool.idleCount,
      waiting: this.pool.waitingCount,
      max: this.options.pool.max,
    };
  }

  /**
   * Closes every connection and resolves once their sockets are closed too,
   * within `SOCKET_CLOSE_GRACE_MS`: a connection still open by then (silent
   * peer, or checked out by a statement that never ends) is destroyed.
   */
  async end(): Promise<void> {
    // `allowExitOnIdle` unrefs idle sockets, so while they close nothing would
    // keep Node's event loop alive: a script's `await db.close()` would never
    // resume and the process would exit mid-await. Hold the loop open until done.
    const keepAlive = setInterval(() => undefined, 60_000);
    try {
      const ending = this.pool.ended || this.pool.ending ? undefined : this.pool.end();
      for (const abandon of this.waiters) abandon(new DatabaseClosingError('The connection pool was closed while this caller waited for a connection'));
      this.waiters.clear();
      const closed = Promise.all([ending, ...this.open.values()]);
      let grace: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        grace = setTimeout(resolve, SOCKET_CLOSE_GRACE_MS, 'late');
      });
      const outcome = await Promise.race([closed, late]);
      clearTimeout(grace);
      if (outcome === 'late') {
        for (const client of this.open.keys()) destroyConnection(client);
        await Promise.all(this.open.values());
      }
    } finally {
      clearInterval(keepAlive);
    }
  }

  get ended(): boolean {
    return this.pool.ended;
  }

  /**
   * @internal The `pg` pool underneath, for the benchmarks: their raw-`pg`
   * baseline runs on the very connections the library uses, so both sides
   * talk to the same server processes (see bench/README.md).
   */
  get driver(): Pool {
    return this.pool;
  }

  private isExpired(client: PoolClient): boolean {
    const deadline = this.retireAt.get(client);
    return deadline !== undefined && Date.now() >= deadline;
  }

  private lifetimeMillis(): number {
    const { maxLifetimeSeconds, maxLifetimeJitterSeconds } = this.options.pool;
    if (maxLifetimeSeconds === 0) return Number.POSITIVE_INFINITY;
    return (maxLifetimeSeconds - Math.random() * maxLifetimeJitterSeconds) * 1000;
  }

  private describe(error: unknown): string {
    return scrubSecret(error instanceof Error ? error.message : String(error), this.options.password);
  }
}
