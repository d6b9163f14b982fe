import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { QueryResultRow } from 'pg';
import type { CockroachOptions } from '../interfaces/cockroach-options.interface';
import { ConnectionPool, type PoolStats } from './connection.pool';
import { resolveOptions, type ResolvedCockroachOptions } from './options.resolver';
import type { Dialect, ServerInfo } from './server-info';
import type { SqlQuery } from './sql.template';
import { connectAtStartup } from './startup-connect';

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
  private readonly logger: Logger;
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
      const server = await connectAtStartup(pool, resolved, logger);
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
   * query built with the `sql` tag.
   */
  async query<TRow extends QueryResultRow = Record<string, unknown>>(
    query: string | SqlQuery,
    params?: readonly unknown[],
  ): Promise<QueryResult<TRow>> {
    const { text, values } = typeof query === 'string' ? { text: query, values: params ?? [] } : query;
    const client = await this.pool.acquire();
    let broken = false;
    try {
      const result = await client.query<TRow>(text, values as unknown[]);
      return { rows: result.rows, rowCount: result.rowCount };
    } catch (error) {
      broken = isConnectionFailure(error);
      throw error;
    } finally {
      this.pool.release(client, broken);
    }
  }

  /** Pool figures for health checks and dashboards. */
  poolStats(): PoolStats {
    return this.pool.stats();
  }

  /** Ends the pool. Safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= this.pool.end().then(() => this.logger.log(`Connection "${this.name}" closed`));
    return this.closing;
  }

  /** Closes on shutdown rather than on module destroy, so other providers can still use the database while they stop. */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}

/** An error that came from the socket rather than from SQL: the connection cannot be trusted again. */
export function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = 'code' in error ? String(error.code) : '';
  // SQL errors carry a five-character SQLSTATE; class 08 is "connection exception", 57P01-03 are admin/crash shutdowns.
  if (/^[0-9A-Z]{5}$/.test(code)) return code.startsWith('08') || /^57P0[123]$/.test(code);
  return true;
}
