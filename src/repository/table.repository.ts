import type { CockroachDatabase } from '../database/cockroach-database.service.js';
import type { SqlQuery } from '../database/sql.template.js';
import { ValidationError } from '../errors.js';
import type { Int8Mode } from '../interfaces/cockroach-options.interface.js';
import type { AnyTable } from '../schema/table.definition.js';
import type { InsertRow, PrimaryKeyValue, Row, RowPatch } from '../schema/table.types.js';
import { buildInsert, buildUpsert } from './insert.builder.js';
import type { FindOptions, UpsertOptions, Where } from './repository.types.js';
import { buildCount, buildFindById, buildSelect } from './select.builder.js';
import { buildDelete, buildUpdate } from './update.builder.js';

/**
 * Typed access to one table. Every statement goes through `db.query`, so
 * inside `@Transactional` / `db.transaction()` it joins the transaction (and
 * is re-run with it on a retry). Input is validated against the table
 * definition before any SQL is sent; a problem throws `ValidationError`.
 *
 * `TInt8` states the connection's INT8 policy for the row types: keep the
 * default `'string'` unless the connection sets `int8: 'bigint' | 'number'`.
 */
export class Repository<TTable extends AnyTable, TInt8 extends Int8Mode = 'string'> {
  constructor(
    private readonly db: CockroachDatabase,
    readonly table: TTable,
  ) {}

  /** Inserts one row and returns it as stored, generated keys and defaults included. */
  async insert(values: InsertRow<TTable>): Promise<Row<TTable, TInt8>> {
    return (await this.rows(buildInsert(this.table, [values])))[0]!;
  }

  /** Inserts the rows in one statement; returns them in the order given. */
  async insertMany(values: ReadonlyArray<InsertRow<TTable>>): Promise<Array<Row<TTable, TInt8>>> {
    if (!Array.isArray(values)) throw new ValidationError(this.table.name, undefined, 'insertMany takes an array of rows');
    if (values.length === 0) return [];
    return this.rows(buildInsert(this.table, values));
  }

  /** The row with this primary key, or `null`. */
  async findById(id: PrimaryKeyValue<TTable>): Promise<Row<TTable, TInt8> | null> {
    return (await this.rows(buildFindById(this.table, id)))[0] ?? null;
  }

  /** The first row matching, or `null`; give `orderBy` through `find` when "first" must be defined. */
  async findOne(where: Where<TTable>): Promise<Row<TTable, TInt8> | null> {
    return (await this.rows(buildSelect(this.table, { where, limit: 1 })))[0] ?? null;
  }

  async find(options: FindOptions<TTable> = {}): Promise<Array<Row<TTable, TInt8>>> {
    return this.rows(buildSelect(this.table, options));
  }

  /** Sets `patch` on every row matching `where` (which must name a column) and returns the updated rows. */
  async update(where: Where<TTable>, patch: RowPatch<TTable>): Promise<Array<Row<TTable, TInt8>>> {
    return this.rows(buildUpdate(this.table, where, patch));
  }

  /** Deletes the rows matching `where` (which must name a column); returns how many. */
  async delete(where: Where<TTable>): Promise<number> {
    const { text, values } = buildDelete(this.table, where);
    return (await this.db.query(text, values)).rowCount ?? 0;
  }

  /**
   * Inserts the row, or updates the existing one that has the same conflict
   * key (default: the primary key). CockroachDB gets `UPSERT` for the primary
   * key; other targets, and PostgreSQL, get `INSERT … ON CONFLICT DO UPDATE`.
   */
  async upsert(values: InsertRow<TTable>, options: UpsertOptions<TTable> = {}): Promise<Row<TTable, TInt8>> {
    return (await this.rows(buildUpsert(this.table, values, options, this.db.dialect)))[0]!;
  }

  async count(where: Where<TTable> = {}): Promise<number> {
    const { text, values } = buildCount(this.table, where);
    const { rows } = await this.db.query<{ count: unknown }>(text, values);
    // count(*) is INT8, so it arrives as the INT8 policy says; a count always fits a number.
    return Number(rows[0]!.count);
  }

  private async rows(query: SqlQuery): Promise<Array<Row<TTable, TInt8>>> {
    const { rows } = await this.db.query(query.text, query.values);
    return rows as Array<Row<TTable, TInt8>>;
  }
}
