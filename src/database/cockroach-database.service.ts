import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ConnectionPool } from '../connection/connection.pool.js';
import type { PoolStats } from '../connection/pool-stats.js';
import type { QueryResult, Queryable } from '../connection/queryable.js';
import type { Dialect, ServerInfo } from '../connection/server-info.js';
import { runSingleStatement } from '../connection/single-statement.js';
import type { SqlQuery } from '../connection/sql.template.js';
import { connectAtStartup } from '../connection/startup-connect.js';
import { StatementChannel } from '../connection/statement-channel.js';
import { statementLimits } from '../connection/statement-deadline.js';
import { createStatementObserver } from '../connection/statement-observer.js';
import { CockroachError } from '../errors.js';
import type { TransactionOptions } from '../interfaces/transaction-options.interface.js';
import type { CockroachOptions } from '../interfaces/cockroach-options.interface.js';
import { createTables, dropTables } from '../schema/table.ddl.js';
import type { AnyTable } from '../schema/table.definition.js';
import { loadOpenTelemetry } from '../telemetry/opentelemetry.loader.js';
import { registerDatabase } from '../transaction/database-registry.js';
import { atomic, joinOrOwn, ownOnly, type TransactionBody } from '../transaction/propagation.js';
import { activeTransaction, queryInTransaction, type TransactionContext } from '../transaction/transaction-context.js';
import { TransactionHost } from '../transaction/transaction-host.js';
import type { TransactionStats } from '../interfaces/transaction-stats.interface.js';
import { resolveOptions, type ResolvedCockroachOptions } from './options.resolver.js';

export type { QueryResult } from '../connection/queryable.js';
export type { TransactionStats } from '../interfaces/transaction-stats.interface.js';

/** What a transaction callback is given. */
export interface Transaction {
  /** This attempt's number, from 1; a retry runs the callback again with the next. */
  readonly attempt: number;
  readonly database: CockroachDatabase;
}

/** A transaction's body: run once per attempt, so it must be safe to run again (keep side effects outside, or in `afterCommit`). */
export type TransactionCallback<T> = (transaction: Transaction) => Promise<T>;

/**
 * The injectable handle to one CockroachDB (or PostgreSQL) database: a pool,
 * the server's dialect, and queries that run inside the caller's transaction
 * when there is one. The user's API only: statements leave through the
 * connection layer's `StatementChannel`, transactions run in the engine
 * (`transaction/`), which knows this database only as its `TransactionHost`.
 */
export class CockroachDatabase implements OnApplicationShutdown, Queryable {
  /** @internal */ readonly logger: Logger;
  /** @internal What the transaction engine runs on: the channel, the connection source, counters, the shutdown gate. */
  readonly host: TransactionHost;
  private closing: Promise<void> | undefined;

  /** @internal Use `CockroachDatabase.connect()` or `CockroachModule.forRoot()`. */
  constructor(
    /** @internal */ readonly options: ResolvedCockroachOptions,
    /** @internal */ readonly pool: ConnectionPool,
    /** What the server is and can do, read at connect. */
    readonly server: ServerInfo,
    logger: Logger,
  ) {
    this.logger = logger;
    const limits = statementLimits(options.statementTimeoutMs, options.controlStatementTimeoutMs);
    const channel = new StatementChannel(pool, limits, createStatementObserver(options.name, options.onQuery, options.slowQueryMs, logger));
    this.host = new TransactionHost({
      name: options.name,
      server,
      channel,
      controlStatementTimeoutMs: options.controlStatementTimeoutMs,
      retryDefaults: options.retry,
      log: logger,
    });
    registerDatabase(this.host);
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

  /** Whether the calling async context is inside a transaction of this database (owned or joined). */
  get inTransaction(): boolean {
    return activeTransaction(this.host) !== undefined;
  }

  /**
   * Runs one statement. Pass `(text, params)` with `$1…` placeholders, or a
   * query built with the `sql` tag (which carries its own values).
   */
  query<TRow extends object = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<QueryResult<TRow>>;
  query<TRow extends object = Record<string, unknown>>(query: SqlQuery): Promise<QueryResult<TRow>>;
  query<TRow extends object = Record<string, unknown>>(query: string | SqlQuery, params?: readonly unknown[]): Promise<QueryResult<TRow>> {
    // Not `async`: this runs for every statement, and each async layer costs promises.
    // Whatever is wrong with the arguments still comes back as a rejection, never a synchronous throw.
    try {
      if (typeof query !== 'string' && params !== undefined) {
        throw new CockroachError('db.query: a query built with the sql tag carries its own values; pass no second argument (it would be ignored)');
      }
      const text = typeof query === 'string' ? query : query.text;
      const values = typeof query === 'string' ? (params ?? []) : query.values;
      const transaction = activeTransaction(this.host);
      return transaction ? queryInTransaction<TRow>(transaction, text, values) : runSingleStatement<TRow>(this.host, text, values);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** @internal The health ping: `SELECT 1` on a pooled connection, under the control statements' deadline. */
  async ping(): Promise<void> {
    const { channel } = this.host;
    const client = await this.pool.acquire();
    try {
      await channel.send(client, 'SELECT 1', [], channel.limits.control);
    } finally {
      this.pool.release(client, channel.isBroken(client));
    }
  }

  /**
   * Joins the active transaction, or owns a new one that retries `callback`
   * on restart errors (see `@Transactional` for the rules).
   */
  transaction<T>(callback: TransactionCallback<T>, options?: TransactionOptions): Promise<T> {
    try {
      return joinOrOwn(this.host, this.bodyOf(callback), this.host.resolveTransactionOptions(options));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Owns a new transaction, retrying `callback`; throws `NestedTransactionError` inside another one. */
  runTransaction<T>(callback: TransactionCallback<T>, options?: TransactionOptions): Promise<T> {
    try {
      return ownOnly(this.host, this.bodyOf(callback), this.host.resolveTransactionOptions(options));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** A savepoint inside a transaction (rolls back only its own part on error), else a transaction. */
  atomic<T>(callback: TransactionCallback<T>): Promise<T> {
    return atomic(this.host, this.bodyOf(callback));
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
    return { ...this.host.stats };
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

  /** Closes on shutdown rather than on module destroy, so other providers can still use the database while they stop. */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  /** The engine runs bodies on its attempt's context; the user's callback is given this database and the attempt number. */
  private bodyOf<T>(callback: TransactionCallback<T>): TransactionBody<T> {
    return (context: TransactionContext) => callback({ attempt: context.attempt, database: this });
  }

  private async drainAndEnd(): Promise<void> {
    const stillRunning = await this.host.gate.close(this.options.shutdownTimeoutMs);
    if (stillRunning > 0) {
      this.logger.warn(`${stillRunning} transaction(s) still running after ${this.options.shutdownTimeoutMs} ms; closing anyway`);
    }
    this.host.connections.end?.();
    await this.pool.end();
    this.logger.log(`Connection "${this.name}" closed`);
  }
}
