import type { Dialect } from '../connection/server-info.js';
import { createTableStatements, dropTablesStatement } from '../schema/table.ddl.js';
import type { AnyTable } from '../schema/table.definition.js';

/**
 * A first migration that creates the tables as `createTables()` would (and
 * drops them on the way down). Its statements keep `IF NOT EXISTS`, so a
 * database that `createTables()` already set up takes it as a no-op: a
 * project moves to migrations in one step.
 */
export function migrationFromTables(tables: readonly AnyTable[], dialect: Dialect): string {
  const up = tables.flatMap((table) => createTableStatements(table, dialect)).map((statement) => `${statement};`);
  const down = tables.length === 0 ? [] : [`${dropTablesStatement([...tables].reverse())};`];
  return ['-- Up Migration', ...up, '', '-- Down Migration', ...down, ''].join('\n');
}
