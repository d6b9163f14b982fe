export { CockroachModule } from './cockroach.module';
export { getDatabaseToken, DEFAULT_CONNECTION_NAME } from './cockroach.constants';
export { InjectDatabase } from './common/cockroach.decorators';
export { CockroachDatabase, type QueryResult } from './database/cockroach-database.service';
export type { PoolStats } from './database/connection.pool';
export type { Dialect, ServerInfo, ServerVersion, ServerCapabilities } from './database/server-info';
export { sql, SqlFragment, type SqlQuery } from './database/sql.template';
export { checkDatabaseHealth, type DatabaseHealth } from './health/database-health';
export * from './errors';
export type * from './interfaces/cockroach-options.interface';
export { Transactional } from './transaction/transactional.decorator';
export { afterCommit, runTransaction, type Transaction, type TransactionCallback } from './transaction/transaction-api';
export type {
  TransactionOptions,
  TransactionPriority,
  IsolationLevel,
  Propagation,
  RetryStrategy,
  RetryOptions,
  RetryInfo,
} from './transaction/transaction-options';
export type { TransactionStats } from './database/cockroach-database.service';
