import { CockroachDatabase } from './database/cockroach-database.service.js';
import { DEFAULT_CONNECTION_NAME } from './connection/connection-name.js';
import type { AnyTable } from './schema/table.definition.js';

export { DEFAULT_CONNECTION_NAME };

function isDefault(name: string | undefined): boolean {
  return name === undefined || name === DEFAULT_CONNECTION_NAME;
}

/**
 * The injection token of a connection's `CockroachDatabase`: the class itself
 * for the default connection, a string for named ones. Use it to override the
 * database in tests.
 */
export function getDatabaseToken(name?: string): typeof CockroachDatabase | string {
  return isDefault(name) ? CockroachDatabase : `CockroachDatabase:${name}`;
}

/** @internal The token of a connection's raw (unvalidated) options. */
export function getOptionsToken(name?: string): string {
  return isDefault(name) ? 'CockroachOptions' : `CockroachOptions:${name}`;
}

/**
 * The injection token of a table's `Repository` on a connection, as
 * `CockroachModule.forFeature()` registers it and `@InjectRepository()` reads
 * it. Use it to override a repository in tests.
 */
export function getRepositoryToken(table: AnyTable, connectionName?: string): string {
  return isDefault(connectionName) ? `CockroachRepository:${table.name}` : `CockroachRepository:${connectionName}:${table.name}`;
}
