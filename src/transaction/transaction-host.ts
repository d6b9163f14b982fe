import type { ConnectionPool } from '../connection/connection.pool.js';
import type { ConnectionSource } from '../connection/connection-source.js';
import type { ServerInfo } from '../connection/server-info.js';
import type { StatementChannel } from '../connection/statement-channel.js';
import type { StatementLimits } from '../connection/statement-deadline.js';
import type { TransactionOptions } from '../interfaces/transaction-options.interface.js';
import type { TransactionStats } from '../interfaces/transaction-stats.interface.js';
import { TransactionGate } from './transaction-gate.js';

export type { TransactionStats };
import { resolveTransactionOptions, type ResolvedRetryOptions, type ResolvedTransactionOptions } from './transaction-options.js';

/** The engine's log: Nest's `Logger` fits. */
export interface EngineLog {
  debug(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** What a `TransactionHost` is made of; the facade builds these from its connection-layer objects. */
export interface TransactionHostParts {
  readonly name: string;
  readonly server: ServerInfo;
  readonly channel: StatementChannel;
  readonly controlStatementTimeoutMs: number;
  /** The module's `retry` option: the defaults of every transaction's options. */
  readonly retryDefaults: ResolvedRetryOptions;
  readonly log: EngineLog;
}

/**
 * Everything the transaction engine needs of one database, and nothing
 * more: its name and server, the statement channel, where connections come
 * from, the deadlines, counters, the shutdown gate, a log and option
 * resolution. Built from connection-layer objects, so the engine never
 * depends on `CockroachDatabase`; the AsyncLocalStorage store, the registry
 * and the application binding are keyed by it.
 */
export class TransactionHost {
  readonly name: string;
  readonly server: ServerInfo;
  readonly channel: StatementChannel;
  readonly controlStatementTimeoutMs: number;
  readonly log: EngineLog;
  readonly gate = new TransactionGate();
  readonly stats: TransactionStats = { attempts: 0, retries: 0, commits: 0, rollbacks: 0, exceeded: 0, ambiguous: 0 };
  private readonly retryDefaults: ResolvedRetryOptions;
  private defaultTransactionOptions: ResolvedTransactionOptions | undefined;
  private readonly warned = new Set<string>();
  private pinned: ConnectionSource | undefined;

  constructor(parts: TransactionHostParts) {
    this.name = parts.name;
    this.server = parts.server;
    this.channel = parts.channel;
    this.controlStatementTimeoutMs = parts.controlStatementTimeoutMs;
    this.retryDefaults = parts.retryDefaults;
    this.log = parts.log;
  }

  get pool(): ConnectionPool {
    return this.channel.pool;
  }

  /** Where statements and owned transactions get a connection: the pool, or the source pinned in its place. */
  get connections(): ConnectionSource {
    return this.pinned ?? this.channel.pool;
  }

  /** The module's deadlines. */
  get limits(): StatementLimits {
    return this.channel.limits;
  }

  /** Resends of a statement proved unrun: one per connection the server may have closed. */
  get maxResends(): number {
    return this.channel.pool.maxConnections;
  }

  /**
   * Puts another connection source in the pool's place (the testing kit's
   * pinned connection, a unit test's stand-in); `undefined` puts the pool back.
   */
  pinConnections(source: ConnectionSource | undefined): void {
    this.pinned = source;
  }

  /** Validates per-call options on top of this connection's `retry` defaults. */
  resolveTransactionOptions(options: TransactionOptions | undefined): ResolvedTransactionOptions {
    // No options is the common case (`db.runTransaction(cb)`): resolve it once, not per transaction.
    if (options === undefined) return (this.defaultTransactionOptions ??= resolveTransactionOptions(undefined, this.retryDefaults));
    return resolveTransactionOptions(options, this.retryDefaults);
  }

  warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.log.warn(message);
  }

  readonly debug = (message: string): void => this.log.debug(message);
}
