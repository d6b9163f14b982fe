import { createHash } from 'node:crypto';
import pg from 'pg';
import type { TestDatabase } from '../support/test-database.js';

const { escapeIdentifier } = pg;

/** Every table of the current schema, its columns, and a checksum of its rows. */
export interface DatabaseSnapshot {
  /** `table.column type`, in table then column order. */
  readonly columns: readonly string[];
  /** Per table: row count and the SHA-256 of its rows as the server prints them. */
  readonly tables: Readonly<Record<string, { rows: number; sha256: string }>>;
}

/**
 * Reads the schema from `information_schema` and each table's rows with
 * every column cast to text by the server, so the checksum does not depend
 * on the driver's parsers; the same SQL runs on CockroachDB and PostgreSQL.
 */
export async function snapshotDatabase(db: TestDatabase): Promise<DatabaseSnapshot> {
  const hidden = db.dialect === 'cockroach' ? " AND c.is_hidden = 'NO'" : '';
  const columns = await db.admin<{ table_name: string; column_name: string; data_type: string }>(
    `SELECT c.table_name, c.column_name, c.data_type
       FROM information_schema.columns c
       JOIN information_schema.tables t
         ON t.table_catalog = c.table_catalog AND t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE t.table_catalog = current_database() AND t.table_schema = current_schema() AND t.table_type = 'BASE TABLE'${hidden}
      ORDER BY c.table_name, c.ordinal_position`,
  );
  const byTable = new Map<string, string[]>();
  for (const column of columns) byTable.set(column.table_name, [...(byTable.get(column.table_name) ?? []), column.column_name]);

  const tables: Record<string, { rows: number; sha256: string }> = {};
  for (const [table, names] of byTable) {
    const list = names.map((name, index) => `${escapeIdentifier(name)}::TEXT AS c${index}`).join(', ');
    const order = names.map((_, index) => `c${index}`).join(', ');
    const rows = await db.admin<Record<string, string | null>>(`SELECT ${list} FROM ${escapeIdentifier(table)} ORDER BY ${order}`);
    const hash = createHash('sha256');
    for (const row of rows) hash.update(JSON.stringify(names.map((_, index) => row[`c${index}`] ?? null))).update('\n');
    tables[table] = { rows: rows.length, sha256: hash.digest('hex') };
  }
  return {
    columns: columns.map((column) => `${column.table_name}.${column.column_name} ${column.data_type}`),
    tables,
  };
}
