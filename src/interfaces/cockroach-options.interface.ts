import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import type { FactoryProvider, ModuleMetadata, Type } from '@nestjs/common';
import type { MigrationsOptions } from '../common/migrations.options.js';
import type { RetryOptions } from './transaction-options.interface.js';

/** How INT8 (CockroachDB's `INT`) values come back from queries. */
export type Int8Mode = 'string' | 'bigint' | 'number';

export interface CockroachPoolOptions {
  /** Most connections open at once. Default `10`. */
  max?: number;
  /** Connections kept open even when idle. Default `0`. */
  min?: number;
  /** Close a connection idle this long (ms); `0` never. Default `30000`. */
  idleTimeoutMillis?: number;
  /** Give up waiting for a new or free connection after this long (ms); `0` waits forever. Default `10000`. */
  connectionTimeoutMillis?: number;
  /**
   * Retire a connection after this many seconds, so load spreads again over
   * nodes added or restarted since (CockroachDB recommends 5–30 minutes).
   * `0` disables. Default `1800`.
   */
  maxLifetimeSeconds?: number;
  /**
   * Each connection's lifetime is shortened by a random amount up to this
   * many seconds, so connections opened together do not all close together.
   * Default: 10% of `maxLifetimeSeconds`.
   */
  maxLifetimeJitterSeconds?: number;
}

export interface CockroachConnectRetryOptions {
  /** Total attempts to reach the server at start-up. Default `10`. */
  attempts?: number;
  /** Delay between attempts (ms). Default `3000`. */
  delayMs?: number;
}

export interface CockroachOptions {
  /**
   * Connection name for apps with several databases; inject a named one with
   * `@InjectDatabase(name)`. Default: the unnamed default connection.
   */
  name?: string;
  /**
   * A `postgresql://user:password@host:port/database?sslmode=…` string
   * (`sslmode`, `sslrootcert`, `options=-c …` are understood). Parameters in
   * the URL take precedence over the discrete fields below.
   */
  url?: string;
  /** Default `localhost`. */
  host?: string;
  /** Default `26257`, CockroachDB's SQL port. */
  port?: number;
  /** Default `root`. */
  user?: string;
  password?: string;
  /** Default `defaultdb`. */
  database?: string;
  /** TLS: `true` verifies against the system CAs; an object is passed to Node's TLS. Default off. */
  ssl?: boolean | TlsConnectionOptions;
  /** Shown in `pg_stat_activity` / `SHOW SESSIONS`. Default `nestjs-cockroachdb`. */
  applicationName?: string;
  /** How INT8 values are returned (see the README). Default `'string'`. */
  int8?: Int8Mode;
  pool?: CockroachPoolOptions;
  /** Start-up connection attempts. Authentication errors are never retried. */
  connectRetry?: CockroachConnectRetryOptions;
  /** Defaults for every transaction on this connection (each overridable per call). */
  retry?: RetryOptions;
  /**
   * On shutdown, running transactions get this long (ms) to finish before the
   * pool is closed; new ones are refused at once. Default `10000`.
   */
  shutdownTimeoutMs?: number;
  /**
   * Called once for every statement sent to the server, transaction control
   * included, when it has ended: its SQL, values, duration, row count and
   * error (logging, tracing, tests).
   */
  onQuery?: (event: QueryEvent) => void;
  /**
   * Bounds every statement (ms). The server cancels a statement running this
   * long (`statement_timeout`; the caller gets `StatementTimeoutError`, not
   * retried), and the client gives up on one that got no answer 500 ms after
   * that, even when the network drops every byte: the connection is
   * destroyed; inside a transaction before COMMIT the owner retries on a new
   * connection, during COMMIT it is `AmbiguousCommitError`. Overridable per
   * transaction. Default: unset (statements run as long as they take).
   */
  statementTimeoutMs?: number;
  /**
   * The client-side deadline (ms) of transaction-control statements (BEGIN,
   * SAVEPOINT, RELEASE, COMMIT, ROLLBACK) and of `checkDatabaseHealth`'s ping
   * while `statementTimeoutMs` is unset (when set, that bounds them instead).
   * Default `15000` (see the README's "Timeouts and network faults").
   */
  controlStatementTimeoutMs?: number;
  /** Log a warning (SQL text and duration, never the values) for each statement slower than this (ms). Default: off. */
  slowQueryMs?: number;
  /** Make the database injectable in every module. Default `true`. */
  isGlobal?: boolean;
  /** SQL migrations for this connection; `runOnStart: true` applies the pending ones at start-up (see the README). */
  migrations?: MigrationsOptions;
  /**
   * At start-up, compare the tables given to `forFeature` with the live schema:
   * `'warn'` logs each missing table or column and each column of another type,
   * `'error'` fails the start-up with `SchemaDriftError`, `'off'` skips it.
   * Default `'warn'` with `migrations`, `'off'` without (tables created in a start-up hook would not exist yet).
   */
  schemaCheck?: SchemaCheckMode;
}

/** What the start-up schema check does with a difference (`schemaCheck`). */
export type SchemaCheckMode = 'warn' | 'error' | 'off';

/** Implemented by a class given to `forRootAsync({ useClass | useExisting })`. */
export interface CockroachOptionsFactory {
  createCockroachOptions(): CockroachFactoryOptions | Promise<CockroachFactoryOptions>;
}

/** Options a factory may return: the connection's name and scope are fixed before it runs. */
export type CockroachFactoryOptions = Omit<CockroachOptions, 'name' | 'isGlobal'>;

export interface CockroachAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  name?: string;
  isGlobal?: boolean;
  useFactory?: (...args: never[]) => CockroachFactoryOptions | Promise<CockroachFactoryOptions>;
  /** What `useFactory` receives, as Nest's own `inject` takes it: tokens, classes (abstract ones too) and `{ token, optional }`. */
  inject?: FactoryProvider['inject'];
  useClass?: Type<CockroachOptionsFactory>;
  useExisting?: Type<CockroachOptionsFactory>;
}

/** One statement, reported when it has ended. */
export interface QueryEvent {
  text: string;
  values: readonly unknown[];
  /** The connection's name. */
  connection: string;
  /** From sending the statement to its answer or failure (ms). */
  durationMs: number;
  /** Rows returned or affected (for a `;`-separated batch, by its last statement); `null` if it reports none or failed. */
  rowCount: number | null;
  /** Why it failed; `undefined` when it succeeded. */
  error: unknown;
}
