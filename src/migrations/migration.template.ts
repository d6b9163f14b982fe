import type { Dialect } from '../connection/server-info.js';
import { createTableStatements, dropTablesStatement } from '../schema/table.ddl.js';
import type { AnyTable } from '../schema/table.definition.js';
import { inForeignKeyOrder } from './table.order.js';

/**
 * A first migration that creates the tables as `createTables()` would (and
 * drops them on the way down). Its statements keep `IF NOT EXISTS`, so a
 * database that `createTables()` already set up takes it as a no-op: a
 * project moves to migrations in one step. Tables come in foreign-key order
 * (each after the tables it references, by name otherwise) and are dropped
 * in the reverse order; references that form a cycle are a `MigrationError`.
 */
export function migrationFromTables(exported: readonly AnyTable[], dialect: Dialect): string {
  const tables = inForeignKeyOrder(exported);
  const up = tables.flatMap((table) => createTableStatements(table, dialect)).map((statement) => `${statement};`);
  const down = tables.length === 0 ? [] : [`${dropTablesStatement([...tables].reverse())};`];
  return ['-- Up Migration', ...up, '', '-- Down Migration', ...down, ''].join('\n');
}
