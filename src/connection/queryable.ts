import type { SqlQuery } from './sql.template.js';
import type { Dialect } from './server-info.js';

/** What a statement returns. */
export interface QueryResult<TRow> {
  rows: TRow[];
  /** Rows returned or affected; `null` for statements that report none. */
  rowCount: number | null;
}

/**
 * The little the schema layer (DDL, introspection) and the migrations need
 * of a database: its dialect, whether a transaction is active, and a way to
 * run a statement. `CockroachDatabase` is one.
 */
export interface Queryable {
  readonly dialect: Dialect;
  /** Whether the calling async context is inside a transaction of this database. */
  readonly inTransaction: boolean;
  query<TRow extends object = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<QueryResult<TRow>>;
  query<TRow extends object = Record<string, unknown>>(query: SqlQuery): Promise<QueryResult<TRow>>;
}
