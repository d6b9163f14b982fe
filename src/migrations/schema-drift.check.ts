import type { CockroachDatabase } from '../database/cockroach-database.service.js';
import { sqlType } from '../schema/column.sql.js';
import { describeTable, type ColumnDescription } from '../schema/schema.introspection.js';
import type { AnyTable } from '../schema/table.definition.js';

/**
 * The server's `udt_name` for each SQL type the table definitions write
 * (`information_schema.columns`, the same on CockroachDB and PostgreSQL).
 * A type missing here is not compared: only a column's presence is checked.
 * A type's arguments (`DECIMAL(12,2)`) are compared apart: see `findSchemaDrift`.
 */
const UDT_NAMES: Record<string, string> = {
  UUID: 'uuid',
  INT8: 'int8',
  INT4: 'int4',
  INT2: 'int2',
  FLOAT8: 'float8',
  FLOAT4: 'float4',
  TEXT: 'text',
  BOOL: 'bool',
  TIMESTAMPTZ: 'timestamptz',
  DATE: 'date',
  DECIMAL: 'numeric',
  BYTEA: 'bytea',
  JSONB: 'jsonb',
};

function expectedUdtName(type: string): string | undefined {
  if (type.endsWith('[]')) {
    const element = expectedUdtName(type.slice(0, -2));
    return element === undefined ? undefined : `_${element}`;
  }
  return UDT_NAMES[type.replace(/\(.*\)$/, '')];
}

/** `numeric(12,2)` / `numeric`: a live DECIMAL as the drift messages name it. */
function liveNumeric(column: ColumnDescription): string {
  return column.numericPrecision === null ? 'numeric' : `numeric(${column.numericPrecision},${column.numericScale ?? 0})`;
}

/**
 * Compares table definitions with the live schema and describes each
 * difference that would break a repository: a missing table, a missing
 * column, a column of another type. Extra live columns are not a problem.
 * A `decimal(p, s)` column is also compared by precision and scale (a
 * narrower live column overflows or rounds); a plain `decimal()` accepts any
 * live DECIMAL.
 */
export async function findSchemaDrift(db: CockroachDatabase, tables: Iterable<AnyTable>): Promise<string[]> {
  const problems: string[] = [];
  for (const table of tables) {
    const live = await describeTable(db, table.name);
    if (!live) {
      problems.push(`table "${table.name}" does not exist`);
      continue;
    }
    for (const property of table.columnNames) {
      const expected = sqlType(table.column(property)!);
      // The live schema knows SQL names (`.named()`, `naming: 'snake_case'`), not property names.
      const column = table.sqlName(property);
      const found = live.columns.find((candidate) => candidate.name === column);
      if (!found) {
        problems.push(`table "${table.name}": column "${column}" (${expected}) does not exist`);
        continue;
      }
      const udtName = expectedUdtName(expected);
      if (udtName !== undefined && udtName !== found.udtName) {
        problems.push(`table "${table.name}": column "${column}" is ${found.udtName} in the database, ${expected} in the definition`);
        continue;
      }
      const spec = table.column(property)!;
      if (spec.precision !== undefined && (found.numericPrecision !== spec.precision || (found.numericScale ?? 0) !== spec.scale)) {
        problems.push(`table "${table.name}": column "${column}" is ${liveNumeric(found)} in the database, ${expected} in the definition`);
      }
    }
  }
  return problems;
}
