export { CockroachModule } from './cockroach.module.js';
export { getDatabaseToken, DEFAULT_CONNECTION_NAME } from './cockroach.constants.js';
export { InjectDatabase } from './common/cockroach.decorators.js';
export { CockroachDatabase, type QueryResult } from './database/cockroach-database.service.js';
export type { PoolStats } from './database/pool-stats.js';
export type { Dialect, ServerInfo, ServerVersion, ServerCapabilities } from './database/server-info.js';
export { sql, SqlFragment, type SqlQuery } from './database/sql.template.js';
export { checkDatabaseHealth, type DatabaseHealth } from './health/database-health.js';
export * from './errors.js';
export type * from './interfaces/cockroach-options.interface.js';
export { Transactional } from './transaction/transactional.decorator.js';
export { afterCommit, runTransaction, type Transaction, type TransactionCallback } from './transaction/transaction-api.js';
export type {
  TransactionOptions,
  TransactionPriority,
  IsolationLevel,
  Propagation,
  RetryStrategy,
  RetryOptions,
  RetryInfo,
} from './transaction/transaction-options.js';
export type { TransactionStats } from './database/cockroach-database.service.js';
export { getRepositoryToken } from './cockroach.constants.js';
export { InjectRepository } from './common/cockroach.decorators.js';
export {
  uuidKey,
  rowId,
  json,
  array,
  text,
  int,
  int4,
  int2,
  float8,
  date,
  varchar,
  enumOf,
  bool,
  timestamptz,
  decimal,
  uuid,
  bytes,
} from './schema/column.factories.js';
export { Column, type AnyColumn } from './schema/column.builder.js';
export type {
  ColumnKind,
  ColumnSpec,
  ColumnReference,
  DefaultSqlExpression,
  Int8Input,
  NumericKind,
  ReferentialAction,
} from './schema/column.types.js';
export type { StandardSchemaV1 } from './schema/standard-schema.types.js';
export {
  defineTable,
  Table,
  type AnyTable,
  type ColumnMap,
  type TableOptions,
  type IndexDefinition,
  type InvertedIndexDefinition,
  type TableIndex,
  type TableLocality,
  type TableSchemas,
  type NamingStrategy,
} from './schema/table.definition.js';
export type {
  Row,
  InsertRow,
  RowPatch,
  PatchValues,
  NumericChange,
  PrimaryKeyValue,
  ColumnName,
  ColumnInput,
  ColumnValue,
  CockroachTypes,
  DefaultInt8Mode,
} from './schema/table.types.js';
export { createTables, dropTables, createTableStatements, dropTablesStatement } from './schema/table.ddl.js';
export { listTables, describeTable, type TableDescription, type ColumnDescription } from './schema/schema.introspection.js';
export { Repository } from './repository/table.repository.js';
export { runMigrations } from './migrations/migration.runner.js';
export type { MigrationsOptions, RunMigrationsOptions } from './migrations/migrations.options.js';
export type * from './repository/repository.types.js';
export { DatabaseExceptionFilter, type DatabaseErrorAnswer } from './http/database-exception.filter.js';
export { validBody, type ValidationErrorBody, type ValidationProblem } from './http/validation-error-body.js';
