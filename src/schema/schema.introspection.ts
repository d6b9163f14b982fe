import type { Queryable } from '../connection/queryable.js';

export interface ColumnDescription {
  name: string;
  /** `information_schema.columns.data_type`, e.g. `uuid`, `bigint`, `jsonb`, `ARRAY`. */
  dataType: string;
  /** The underlying type's name, e.g. `int8`, `_text` for `TEXT[]`. */
  udtName: string;
  nullable: boolean;
  /** The default expression as the server prints it, or `null`. */
  default: string | null;
  /** A numeric column's precision (`12` for `DECIMAL(12,2)`), `null` for a plain `DECIMAL` or an array. */
  numericPrecision: number | null;
  /** A numeric column's scale (`2` for `DECIMAL(12,2)`), `null` when the precision is. */
  numericScale: number | null;
}

export interface TableDescription {
  name: string;
  schema: string;
  /** In the table's column order. */
  columns: ColumnDescription[];
}

/**
 * The base tables of the current database's current schema, by name. Reads
 * `information_schema`, which CockroachDB and PostgreSQL both provide.
 */
export async function listTables(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_catalog = current_database() AND table_schema = current_schema() AND table_type = 'BASE TABLE'
      ORDER BY table_name`,
  );
  return rows.map((row) => row.name);
}

/** A table's columns as the server sees them, or `null` when the current schema has no such table. */
export async function describeTable(db: Queryable, name: string): Promise<TableDescription | null> {
  const { rows } = await db.query<{
    schema: string;
    name: string;
    data_type: string;
    udt_name: string;
    is_nullable: string;
    column_default: string | null;
    numeric_precision: number | null;
    numeric_scale: number | null;
  }>(
    // Cast to INT4: information_schema's numbers are INT8 on CockroachDB, which the INT8 policy would make strings.
    `SELECT table_schema AS schema, column_name AS name, data_type, udt_name, is_nullable, column_default,
            numeric_precision::INT4 AS numeric_precision, numeric_scale::INT4 AS numeric_scale
       FROM information_schema.columns
      WHERE table_catalog = current_database() AND table_schema = current_schema() AND table_name = $1${
        // CockroachDB lists the hidden `rowid` of a table without a primary key; it is not the user's column.
        db.dialect === 'cockroach' ? " AND is_hidden = 'NO'" : ''
      }
      ORDER BY ordinal_position`,
    [name],
  );
  if (rows.length === 0) return null;
  return {
    name,
    schema: rows[0]!.schema,
    columns: rows.map((row) => ({
      name: row.name,
      dataType: row.data_type,
      udtName: row.udt_name,
      nullable: row.is_nullable === 'YES',
      default: row.column_default,
      // Only a DECIMAL's own numbers: for integers and floats the server reports their binary precision.
      numericPrecision: row.udt_name === 'numeric' ? row.numeric_precision : null,
      numericScale: row.udt_name === 'numeric' && row.numeric_precision !== null ? row.numeric_scale : null,
    })),
  };
}
