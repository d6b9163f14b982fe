export { CockroachModule } from './cockroach.module.js';
export { getDatabaseToken, DEFAULT_CONNECTION_NAME } from './cockroach.constants.js';
export { InjectDatabase } from './cockroach.decorators.js';
export { CockroachDatabase, type QueryResult } from './database/cockroach-database.service.js';
export type { PoolStats } from './connection/pool-stats.js';
export type { Queryable } from './connection/queryable.js';
export type { Dialect, ServerInfo, ServerVersion, ServerCapabilities } from './connection/server-info.js';
export { sql, SqlFragment, type SqlQuery } from './connection/sql.template.js';
export { checkDatabaseHealth, type DatabaseHealth } from './health/database-health.js';
export * from './errors.js';
export type * from './interfaces/cockroach-options.interface.js';
export { Transactional, type TransactionalMethodDecorator } from './transaction/transactional.decorator.js';
export { afterCommit, runTransaction, type Transaction, type TransactionCallback } from './database/transaction-api.js';
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
export { InjectRepository } from './cockroach.decorators.js';
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
export { Column, type AnyColumn, type TableShape } from './schema/column.builder.js';
export type {
  ColumnKind,
  ColumnSpec,
  ColumnReference,
  DefaultSqlExpression,
  Int8Input,
  NumericKind,
  ReferentialAction,
} from './schema/column.types.js';
// The pieces of the column, table and decorator types above. TypeScript writes
// them into an app's inferred types (`export const notes = defineTable(…)` in
// a `declaration: true` build), and can only do so when the package exports
// them: anything reachable from a public signature is exported here.
export type {
  ArrayElementKind,
  ByInt8Mode,
  ColumnDefault,
  DefaultSqlFor,
  Int8ByMode,
  SameInEveryMode,
} from './schema/column.types.js';
export type { StandardSchemaV1 } from './schema/standard-schema.types.js';
export {
  defineTable,
  Table,
  type AnyTable,
  type ColumnMap,
  type ContainerColumnName,
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
export type { GeneratedKeyColumn, InsertBody, InsertPick } from './schema/table.types.js';
export { insertSchema, type InsertSchemaOptions } from './schema/row.validator.js';
export { createTables, dropTables, createTableStatements, dropTablesStatement } from './schema/table.ddl.js';
export { listTables, describeTable, type TableDescription, type ColumnDescription } from './schema/schema.introspection.js';
export { Repository } from './repository/table.repository.js';
export { runMigrations } from './migrations/migration.runner.js';
export type { MigrationsOptions, RunMigrationsOptions } from './common/migrations.options.js';
export type * from './repository/repository.types.js';
export { DatabaseExceptionFilter, type DatabaseErrorAnswer } from './http/database-exception.filter.js';
export { validBody, type ValidationErrorBody, type ValidationProblem } from './http/validation-error-body.js';
