import type { CockroachDatabase } from '../database/cockroach-database.service.js';
import type { SqlQuery } from '../connection/sql.template.js';
import { TransactionRequiredError, ValidationError } from '../errors.js';
import type { Int8Mode } from '../interfaces/cockroach-options.interface.js';
import type { AnyTable } from '../schema/table.definition.js';
import type { ColumnName, DefaultInt8Mode, InsertRow, PrimaryKeyValue, Row, RowPatch } from '../schema/table.types.js';
import { buildInsert, buildInsertBatches, buildUpsert } from './insert.builder.js';
import { wantsLock } from './lock.clause.js';
import { buildPage, pageSize } from './page.builder.js';
import type { FindOneOptions, FindOptions, IterateOptions, LockOptions, OrderBy, Page, PageOptions, UpsertOptions, Where } from './repository.types.js';
import { buildCount, buildFindById, buildFindOne, buildSelect } from './select.builder.js';
import { buildDelete, buildUpdate } from './update.builder.js';

const DEFAULT_BATCH_SIZE = 500;


/**
 * Typed access to one table. Every statement goes through `db.query`, so
 * inside `@Transactional` / `db.transaction()` it joins the transaction (and
 * is re-run with it on a retry). Input is validated against the table
 * definition before any SQL is sent; a problem throws `ValidationError`.
 *
 * `TInt8` states the connection's INT8 policy for the row types; it defaults
 * to what the app declared once in `CockroachTypes` (else `'string'`).
 */
export class Repository<TTable extends AnyTable, TInt8 extends Int8Mode = DefaultInt8Mode> {
  constructor(
    private readonly db: CockroachDatabase,
    readonly table: TTable,
  ) {}

  /** Inserts one row and returns it as stored, generated keys and defaults included. */
  async insert(values: InsertRow<TTable>): Promise<Row<TTable, TInt8>> {
    return (await this.send(buildInsert(this.table, [values]))).rows[0]!;
  }

  /**
   * Inserts the rows and returns them in the order given. As many as fit go
   * in one statement (the protocol allows 65,535 parameters); more rows are
   * split over several statements in one transaction (joined if one is
   * active), so either all rows are inserted or none.
   */
  async insertMany(values: ReadonlyArray<InsertRow<TTable>>): Promise<Array<Row<TTable, TInt8>>> {
    if (!Array.isArray(values)) throw new ValidationError(this.table.name, undefined, 'insertMany takes an array of rows');
    if (values.length === 0) return [];
    const batches = buildInsertBatches(this.table, values);
    if (batches.length === 1) return (await this.send(batches[0]!)).rows;
    return this.db.transaction(async () => {
      const inserted: Array<Row<TTable, TInt8>> = [];
      for (const batch of batches) for (const row of (await this.send(batch)).rows) inserted.push(row);
      return inserted;
    });
  }

  /** The row with this primary key, or `null`. `lock` locks it until the transaction ends. */
  async findById(id: PrimaryKeyValue<TTable>, options?: LockOptions): Promise<Row<TTable, TInt8> | null> {
    return (await this.send(this.lockable(buildFindById(this.table, id, options), options))).rows[0] ?? null;
  }

  /** The first row matching, or `null`; give `orderBy` through `find` when "first" must be defined. */
  async findOne<TSelect extends ColumnName<TTable> = ColumnName<TTable>>(
    where: Where<TTable>,
    options?: FindOneOptions<TTable, TSelect>,
  ): Promise<Pick<Row<TTable, TInt8>, TSelect> | null> {
    return (await this.send(this.lockable(buildFindOne(this.table, where, options), options))).rows[0] ?? null;
  }

  /** The rows matching `where`, ordered, limited, projected to `select` and locked as the options say. */
  async find<TSelect extends ColumnName<TTable> = ColumnName<TTable>>(
    options: FindOptions<TTable, TSelect> = {},
  ): Promise<Array<Pick<Row<TTable, TInt8>, TSelect>>> {
    return (await this.send(this.lockable(buildSelect(this.table, options), options))).rows;
  }

  /**
   * One page in keyset order: `{ rows, next }`, where `next` (an opaque
   * cursor, `null` on the last page) is the `after` of the following page.
   * Rows inserted or deleted between pages never make a page skip or repeat
   * a row that was there all along.
   */
  async findPage(options: PageOptions<TTable>): Promise<Page<Row<TTable, TInt8>>> {
    const page = buildPage(this.table, options);
    const { rows } = await this.db.query(page.text, page.values);
    return page.finish(rows) as Page<Row<TTable, TInt8>>;
  }

  /**
   * Every row matching `where`, read page by page (`findPage`, `batchSize`
   * rows per statement) — never a server-side cursor, which CockroachDB's
   * pg driver support cannot hold open. Rows are yielded in order; stop
   * early with `break`.
   */
  async *iterate(where?: Where<TTable>, options: IterateOptions<TTable> = {}): AsyncGenerator<Row<TTable, TInt8>, void, undefined> {
    const batchSize = options.batchSize === undefined ? DEFAULT_BATCH_SIZE : pageSize(this.table, options.batchSize, 'batchSize');
    const orderBy = options.orderBy ?? (Object.fromEntries(this.table.primaryKey.map((column) => [column, 'asc'])) as OrderBy<TTable>);
    let after: string | null = null;
    do {
      const page: Page<Row<TTable, TInt8>> = await this.findPage({ ...(where !== undefined && { where }), orderBy, after, limit: batchSize });
      yield* page.rows;
      after = page.next;
    } while (after !== null);
  }

  /**
   * Sets `patch` on every row matching `where` (which must name a column) and
   * returns the updated rows. A numeric column also takes `{ increment: n }`
   * or `{ decrement: n }`, computed by the server from the row's current value.
   */
  async update(where: Where<TTable>, patch: RowPatch<TTable>): Promise<Array<Row<TTable, TInt8>>> {
    return (await this.send(buildUpdate(this.table, where, patch))).rows;
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
    return (await this.send(buildUpsert(this.table, values, options, this.db.dialect))).rows[0]!;
  }

  async count(where: Where<TTable> = {}): Promise<number> {
    const { text, values } = buildCount(this.table, where);
    const { rows } = await this.db.query<{ count: unknown }>(text, values);
    // count(*) is INT8, so it arrives as the INT8 policy says; a count always fits a number.
    return Number(rows[0]!.count);
  }

  /** A locking read outside a transaction would release its locks before returning: refused, after the options were checked. */
  private lockable(query: SqlQuery, options: unknown): SqlQuery {
    if (wantsLock(options) && !this.db.inTransaction) {
      throw new TransactionRequiredError(
        `Table "${this.table.name}": a locking read (lock: '${String((options as { lock: unknown }).lock)}') needs a transaction; ` +
          'call it inside @Transactional(), db.transaction() or db.runTransaction()',
      );
    }
    return query;
  }

  /**
   * Sends the statement; its result's rows are the table's rows. Not async:
   * the public method's own `await` is the only one, as every promise costs
   * a hook call once AsyncLocalStorage is in use.
   */
  private send(query: SqlQuery): Promise<{ rows: Array<Row<TTable, TInt8>> }> {
    return this.db.query<Row<TTable, TInt8>>(query.text, query.values);
  }
}
