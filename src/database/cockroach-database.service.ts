import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PoolClient, QueryConfig, QueryResult as PgQueryResult } from 'pg';
import type { CockroachOptions } from '../interfaces/cockroach-options.interface.js';
import { createTables, dropTables } from '../schema/table.ddl.js';
import type { AnyTable } from '../schema/table.definition.js';
import { registerDatabase } from '../transaction/database-registry.js';
import { atomic, runTransaction, transaction, type TransactionCallback } from '../transaction/transaction-api.js';
import { activeTransaction, type TransactionContext } from '../transaction/transaction-context.js';
import type { TransactionProtocol } from '../transaction/transaction-statements.js';
import {
  resolveTransactionOptions,
  type ResolvedTransactionOptions,
  type TransactionOptions,
} from '../transaction/transaction-options.js';
import { ConnectionPool } from '../connection/connection.pool.js';
import type { PoolStats } from '../connection/pool-stats.js';
import { CockroachError, ConnectionLostError } from '../errors.js';
import type { ConnectionSource } from '../connection/connection-source.js';
import { isConnectionFailure } from '../connection/connection-failure.js';
import { isSingleStatement, provedNotRun, watchParses, type ParseWatch } from '../connection/unrun-statement.js';
import { resolveOptions, type ResolvedCockroachOptions } from './options.resolver.js';
import type { Dialect, ServerInfo } from '../connection/server-info.js';
import type { SqlQuery } from '../connection/sql.template.js';
import { connectAtStartup } from '../connection/startup-connect.js';
import { destroyConnection, statementLimits, type StatementLimit, type StatementLimits } from '../connection/statement-deadline.js';
import { createStatementObserver, type StatementObserver } from '../connection/statement-observer.js';
import { StatementTimeoutError } from '../errors.js';
import { loadOpenTelemetry } from '../telemetry/opentelemetry.loader.js';

/** Counters since connect; every retry is visible here. */
export interface TransactionStats {
  /** Attempts started, first tries and retries alike. */
  attempts: number;
  retries: number;
  commits: number;
  rollbacks: number;
  /** Transactions that ran out of attempts (`ExceededMaxAttemptsError`). */
  exceeded: number;
  /** Commits whose outcome is unknown (`AmbiguousCommitError`). */
  ambiguous: number;
}

export interface QueryResult<TRow> {
  rows: TRow[];
  /** Rows returned or affected; `null` for statements that report none. */
  rowCount: number | null;
}

/**
 * The injectable handle to one CockroachDB (or PostgreSQL) database: a pool,
 * the server's dialect, and queries that run inside the caller's transaction
 * when there is one.
 */
export class CockroachDatabase implements OnApplicationShutdown {
  /** @internal */ readonly logger: Logger;
  /** @internal */ readonly transactionStats: TransactionStats = {
    attempts: 0,
    retries: 0,
    commits: 0,
    rollbacks: 0,
    exceeded: 0,
    ambiguous: 0,
  };
  /** @internal Where statements get a connection: the pool, or the testing kit's pinned connection. */
  connections: ConnectionSource;
  private closing: Promise<void> | undefined;
  private defaultTransactionOptions: ResolvedTransactionOptions | undefined;
  /** Owned transactions running now; `close()` waits for them. */
  private runningTransactions = 0;
  private onDrained: (() => void) | undefined;
  private readonly warned = new Set<string>();
  private readonly brokenClients = new WeakSet<PoolClient>();
  /** @internal The module's deadlines (`statementTimeoutMs`, `controlStatementTimeoutMs`). */
  readonly limits: StatementLimits;
  private readonly observe: StatementObserver | undefined;

  /** @internal Use `CockroachDatabase.connect()` or `CockroachModule.forRoot()`. */
  constructor(
    /** @internal */ readonly options: ResolvedCockroachOptions,
    /** @internal */ readonly pool: ConnectionPool,
    /** What the server is and can do, read at connect. */
    readonly server: ServerInfo,
    logger: Logger,
  ) {
    this.logger = logger;
    this.limits = statementLimits(options.statementTimeoutMs, options.controlStatementTimeoutMs);
    this.observe = createStatementObserver(options.name, options.onQuery, options.slowQueryMs, logger);
    this.connections = pool;
    registerDatabase(this);
  }

  /**
   * Validates the options, opens the pool and reads the server's version,
   * retrying the first connection as `connectRetry` says. For scripts and
   * benchmarks; in a Nest app use `CockroachModule.forRoot()`.
   */
  static async connect(options: CockroachOptions): Promise<CockroachDatabase> {
    const resolved = resolveOptions(options);
    const logger = new Logger('CockroachModule');
    const pool = new ConnectionPool(resolved, logger);
    try {
      const [server] = await Promise.all([connectAtStartup(pool, resolved, logger), loadOpenTelemetry()]);
      return new CockroachDatabase(resolved, pool, server, logger);
    } catch (error) {
      await pool.end();
      throw error;
    }
  }

  /** The connection's name (`'default'` unless `name` was given). */
  get name(): string {
    return this.options.name;
  }

  get dialect(): Dialect {
    return this.server.dialect;
  }

  /**
   * Runs one statement. Pass `(text, params)` with `$1…` placeholders, or a
   * query built with the `sql` tag (which carries its own values).
   */
  query<TRow extends object = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<QueryResult<TRow>>;
  query<TRow extends object = Record<string, unknown>>(query: SqlQuery): Promise<QueryResult<TRow>>;
  query<TRow extends object = Record<string, unknown>>(query: string | SqlQuery, params?: readonly unknown[]): Promise<QueryResult<TRow>> {
    // Not `async`: this runs for every statement, and each async layer costs promises (see `send`).
    // Whatever is wrong with the arguments still comes back as a rejection, never a synchronous throw.
    try {
      if (typeof query !== 'string' && params !== undefined) {
        throw new CockroachError('db.query: a query built with the sql tag carries its own values; pass no second argument (it would be ignored)');
      }
      const text = typeof query === 'string' ? query : query.text;
      const values = typeof query === 'string' ? (params ?? []) : query.values;
      const transaction = activeTransaction(this);
      return transaction ? this.queryInTransaction<TRow>(transaction, text, values) : this.queryOnPool<TRow>(text, values);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private async queryInTransaction<TRow>(transaction: TransactionContext, text: string, values: readonly unknown[]): Promise<QueryResult<TRow>> {
    const opening = transaction.opening;
    transaction.opening = undefined;
    let result: PgQueryResult | undefined;
    let failed = false;
    let failure: unknown;
    try {
      result = (await this.send(transaction.client, text, values, transaction.limits.statement)) as PgQueryResult;
    } catch (error) {
      failed = true;
      failure = error;
    }
    if (opening !== undefined) {
      // The transaction's first statement went out right behind its BEGIN, whose answer came first. If BEGIN
      // failed, the transaction never opened: the caller gets that failure, never this statement's result.
      if (!opening.settled) await opening.whenSettled();
      if (opening.failed) {
        failed = true;
        failure = opening.error;
      }
    }
    if (failed) {
      // Remembered so the owner cannot commit over it if the caller swallows it.
      transaction.swallowedError ??= failure;
      throw failure;
    }
    return { rows: result!.rows as TRow[], rowCount: result!.rowCount };
  }

  /**
   * One statement outside a transaction, on a connection of its own. When the
   * server closed that connection under it and its reply proves the statement
   * never ran (see `provedNotRun`), it is sent again on another connection —
   * the race a rolling restart or a terminated backend makes. Each such reply
   * retires one connection the server had closed, so this stops after at most
   * `pool.max` resends. A statement that may have run is never sent again:
   * `ConnectionLostError`.
   */
  private queryOnPool<TRow>(text: string, values: readonly unknown[]): Promise<QueryResult<TRow>> {
    const extended = isSingleStatement(text);
    if (this.connections !== this.pool) return this.queryOnSource<TRow>(text, values, extended);
    // The pool, the common case: callbacks all the way and one promise, since every statement outside a transaction comes here.
    return new Promise((resolve, reject) => this.sendOnPool(text, values, extended, 0, resolve, reject));
  }

  private sendOnPool<TRow>(
    text: string,
    values: readonly unknown[],
    extended: boolean,
    resends: number,
    resolve: (result: QueryResult<TRow>) => void,
    reject: (error: unknown) => void,
  ): void {
    this.pool.checkout((checkoutError, client) => {
      if (checkoutError !== undefined) return reject(checkoutError);
      const parses = watchParses(client!, extended);
      this.dispatch(client!, text, values, this.limits.statement, extended ? 'extended' : 'simple', (failed, error, result) => {
        if (!failed) {
          this.pool.release(client!, false);
          const { rows, rowCount } = result as PgQueryResult;
          return resolve({ rows: rows as TRow[], rowCount });
        }
        const lost = this.isBroken(client!) || isConnectionFailure(error);
        this.pool.release(client!, lost);
        const failure = lost ? this.lostStatementFailure(error, parses, resends) : error;
        if (failure !== undefined) return reject(failure);
        // The server closes many connections at once (a terminated pool, a draining node): one turn of the
        // event loop lets the driver read their FATALs too, so the pool drops them before handing one out.
        setImmediate(() => this.sendOnPool(text, values, extended, resends + 1, resolve, reject));
      });
    });
  }

  /** `queryOnPool` on another connection source (the testing kit's pinned connection). */
  private async queryOnSource<TRow>(text: string, values: readonly unknown[], extended: boolean): Promise<QueryResult<TRow>> {
    for (let resends = 0; ; resends++) {
      const source = this.connections;
      const client = await source.acquire();
      const parses = watchParses(client, extended);
      let lost = false;
      try {
        const protocol = extended ? 'extended' : 'simple';
        const result = (
          source.statementProtocol
            ? await this.sendInSavepoint(client, source.statementProtocol, () => this.send(client, text, values, this.limits.statement, protocol))
            : await this.send(client, text, values, this.limits.statement, protocol)
        ) as PgQueryResult;
        return { rows: result.rows as TRow[], rowCount: result.rowCount };
      } catch (error) {
        lost = this.isBroken(client) || isConnectionFailure(error);
        const failure = lost ? this.lostStatementFailure(error, parses, resends) : error;
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
  private lostStatementFailure(error: unknown, parses: ParseWatch, resends: number): unknown {
    // A deadline that passed proves nothing about whether the statement ran: the caller gets the timeout itself.
    if (error instanceof StatementTimeoutError) return error;
    const notRun = provedNotRun(error, parses);
    if (notRun && resends < this.options.pool.max) {
      this.logger.debug(`The server closed the connection before running a statement (${describeCode(error)}); sending it again on another connection`);
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
  private async sendInSavepoint<T>(client: PoolClient, savepoint: TransactionProtocol, send: () => Promise<T>): Promise<T> {
    await this.send(client, savepoint.begin, [], this.limits.control);
    let result: T;
    try {
      result = await send();
    } catch (error) {
      // On a lost connection there is nothing to undo; if the rollback fails, the caller still gets the statement's error.
      if (!this.isBroken(client)) await this.send(client, savepoint.rollback, [], this.limits.control).catch(() => undefined);
      throw error;
    }
    await this.send(client, savepoint.commit, [], this.limits.control);
    return result;
  }

  /** @internal The health ping: `SELECT 1` on a pooled connection, under the control statements' deadline. */
  async ping(): Promise<void> {
    const client = await this.pool.acquire();
    try {
      await this.send(client, 'SELECT 1', [], this.limits.control);
    } finally {
      this.pool.release(client, this.isBroken(client));
    }
  }

  /**
   * Joins the active transaction, or owns a new one that retries `callback`
   * on restart errors (see `@Transactional` for the rules).
   */
  transaction<T>(callback: TransactionCallback<T>, options?: TransactionOptions): Promise<T> {
    return transaction(this, callback, options);
  }

  /** Owns a new transaction, retrying `callback`; throws `NestedTransactionError` inside another one. */
  runTransaction<T>(callback: TransactionCallback<T>, options?: TransactionOptions): Promise<T> {
    return runTransaction(this, callback, options);
  }

  /** A savepoint inside a transaction (rolls back only its own part on error), else a transaction. */
  atomic<T>(callback: TransactionCallback<T>): Promise<T> {
    return atomic(this, callback);
  }

  /** Creates the tables and their indexes if they do not exist (idempotent). */
  createTables(...tables: AnyTable[]): Promise<void> {
    return createTables(this, ...tables);
  }

  /** Drops the tables if they exist. */
  dropTables(...tables: AnyTable[]): Promise<void> {
    return dropTables(this, ...tables);
  }

  /** Transaction counters since connect. */
  stats(): Readonly<TransactionStats> {
    return { ...this.transactionStats };
  }

  /** Pool figures for health checks and dashboards. */
  poolStats(): PoolStats {
    return this.pool.stats();
  }

  /**
   * Refuses new transactions, gives running ones `shutdownTimeoutMs` to
   * finish, then ends the pool. Safe to call more than once.
   */
  close(): Promise<void> {
    this.closing ??= this.drainAndEnd();
    return this.closing;
  }

  get isClosing(): boolean {
    return this.closing !== undefined;
  }

  /**
   * @internal Every statement goes through here, so `onQuery` sees all of
   * them and every deadline is kept. `limit`: the caller's statements take
   * the module's (none unless `statementTimeoutMs`), control statements pass
   * `limits.control`.
   */
  send(
    client: PoolClient,
    text: string,
    values: readonly unknown[] = [],
    limit: StatementLimit | undefined = this.limits.statement,
    protocol: 'simple' | 'extended' = 'simple',
  ): Promise<PgQueryResult | PgQueryResult[]> {
    // One promise per statement, settled from pg's callback: this runs for every statement, and each promise
    // costs more than its allocation once AsyncLocalStorage has turned Node's promise hooks on.
    return new Promise((resolve, reject) => {
      this.dispatch(client, text, values, limit, protocol, (failed, error, result) => (failed ? reject(error) : resolve(result!)));
    });
  }

  /**
   * @internal `send` without a promise: `done` is called once, with the
   * failure (typed, observed) or the result. For a statement whose answer
   * may never need waiting for (a pipelined BEGIN: see `StatementAnswer`).
   */
  dispatch(
    client: PoolClient,
    text: string,
    values: readonly unknown[],
    limit: StatementLimit | undefined,
    protocol: 'simple' | 'extended',
    done: (failed: boolean, error: unknown, result: PgQueryResult | PgQueryResult[] | undefined) => void,
  ): void {
    // pg picks the simple protocol for a statement without values unless told otherwise (its `queryMode`, absent from
    // @types/pg). With values it picks the extended one anyway: plain text then spares pg cloning a config per statement.
    const query =
      protocol === 'extended' && values.length === 0 ? ({ text, values: [], queryMode: 'extended' } as QueryConfig) : text;
    const observe = this.observe;
    const startedAt = observe === undefined ? 0 : performance.now();
    const finish = (error: unknown, result: PgQueryResult | PgQueryResult[] | undefined) => {
      const failure = error ? this.classifyFailure(client, error, limit) : undefined;
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
      client.query(query as string, values as unknown[], (error: Error | undefined, result: PgQueryResult | PgQueryResult[]) => {
        // A statement whose deadline passed was already answered with the timeout.
        if (watched === undefined || limit!.deadlines.settle(watched)) finish(error, result);
      });
    } catch (error) {
      if (watched !== undefined) limit!.deadlines.settle(watched);
      finish(error, undefined);
    }
  }

  /** Marks a connection that failed at the socket (or was given up on); types a server-side statement timeout. */
  private classifyFailure(client: PoolClient, error: unknown, limit: StatementLimit | undefined): unknown {
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

  /** @internal Whether a statement on this client failed at the socket, not in SQL or in our own code. */
  isBroken(client: PoolClient): boolean {
    return this.brokenClients.has(client) || this.pool.isClosed(client);
  }

  /** @internal Validates per-call options on top of this connection's `retry` defaults. */
  resolveTransactionOptions(options: TransactionOptions | undefined): ResolvedTransactionOptions {
    // No options is the common case (`db.runTransaction(cb)`): resolve it once, not per transaction.
    if (options === undefined) return (this.defaultTransactionOptions ??= resolveTransactionOptions(undefined, this.options.retry));
    return resolveTransactionOptions(options, this.options.retry);
  }

  /** @internal Counts an owned transaction in, for a graceful shutdown (a counter: no promise per transaction). */
  transactionStarted(): void {
    this.runningTransactions++;
  }

  /** @internal */
  transactionEnded(): void {
    if (--this.runningTransactions === 0) this.onDrained?.();
  }

  /** @internal */
  warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.logger.warn(message);
  }

  private async drainAndEnd(): Promise<void> {
    if (this.runningTransactions > 0) {
      const settled = new Promise<'settled'>((resolve) => {
        this.onDrained = () => resolve('settled');
      });
      // A referenced timer: the caller awaiting close() must resume even if nothing else keeps Node alive.
      const stopWaiting = new AbortController();
      const timeout = sleep(this.options.shutdownTimeoutMs, 'timeout', { signal: stopWaiting.signal }).catch(() => 'settled');
      const outcome = await Promise.race([settled, timeout]);
      stopWaiting.abort();
      this.onDrained = undefined;
      if (outcome === 'timeout') {
        this.logger.warn(`${this.runningTransactions} transaction(s) still running after ${this.options.shutdownTimeoutMs} ms; closing anyway`);
      }
    }
    this.connections.end?.();
    await this.pool.end();
    this.logger.log(`Connection "${this.name}" closed`);
  }

  /** Closes on shutdown rather than on module destroy, so other providers can still use the database while they stop. */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}

function describeCode(error: unknown): string {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : 'connection lost';
}
