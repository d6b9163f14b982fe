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
export { getRepositoryToken } from './cockroach.constants';
export { InjectRepository } from './common/cockroach.decorators';
export { uuidKey, rowId, json, array, text, int, bool, timestamptz, decimal, uuid, bytes } from './schema/column.factories';
export { Column, type AnyColumn } from './schema/column.builder';
export type { ColumnKind, ColumnSpec, DefaultSqlExpression, Int8Input } from './schema/column.types';
export {
  defineTable,
  Table,
  type AnyTable,
  type ColumnMap,
  type TableOptions,
  type IndexDefinition,
  type InvertedIndexDefinition,
  type TableIndex,
} from './schema/table.definition';
export type { Row, InsertRow, RowPatch, PrimaryKeyValue, ColumnName, ColumnInput, ColumnValue } from './schema/table.types';
export { createTables, dropTables, createTableStatements, dropTablesStatement } from './schema/table.ddl';
export { listTables, describeTable, type TableDescription, type ColumnDescription } from './schema/schema.introspection';
export { Repository } from './repository/table.repository';
export type * from './repository/repository.types';
