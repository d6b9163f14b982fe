import type { AnyTable } from '../schema/table.definition.js';
import type { ColumnInput, ColumnName } from '../schema/table.types.js';

type Operand<TTable extends AnyTable, K extends ColumnName<TTable>> = NonNullable<ColumnInput<TTable, K>>;
type KindOf<TTable extends AnyTable, K extends ColumnName<TTable>> = TTable['columns'][K]['$types']['kind'];

/** `IS NULL` when `true`, `IS NOT NULL` when `false`. */
interface NullCheck {
  isNull?: boolean;
}

export interface EqualityOperators<V> extends NullCheck {
  eq?: V;
  /** SQL `<>`: rows where the column is `NULL` do not match. */
  ne?: V;
  /** `= ANY($n)`: one bound array, whatever its length. */
  in?: readonly V[];
  notIn?: readonly V[];
}

export interface ComparisonOperators<V> extends EqualityOperators<V> {
  gt?: V;
  gte?: V;
  lt?: V;
  lte?: V;
  /** SQL `BETWEEN low AND high`: both ends included. */
  between?: readonly [low: V, high: V];
}

export interface TextOperators<V> extends ComparisonOperators<V> {
  /** SQL `LIKE`: `%` any run of characters, `_` one character; the pattern is a bound value. */
  like?: string;
  /** `ILIKE`: `LIKE` ignoring case. */
  ilike?: string;
}

/** A sub-document for `@>`: every key optional, at any depth. */
export type JsonContains<T> = T extends readonly (infer E)[]
  ? ReadonlyArray<JsonContains<E>>
  : T extends object
    ? { [K in keyof T]?: JsonContains<T[K]> }
    : T;

export interface JsonOperators<V> extends NullCheck {
  eq?: V;
  ne?: V;
  /** `@>`: the stored document contains this one (an inverted index serves it). */
  contains?: JsonContains<V>;
}

export interface ArrayOperators<V> extends NullCheck {
  eq?: V;
  ne?: V;
  /** `@>`: the stored array holds every element given. */
  contains?: V;
  /** `&&`: the stored array holds at least one element given. */
  overlaps?: V;
}

/**
 * A filter on one column: a value (equality; `null` means `IS NULL`) or an
 * object of operators, ANDed. JSON columns take operators only, since a
 * document and an operator object would otherwise look alike.
 */
export type ColumnFilter<TKind, V> = TKind extends 'jsonb'
  ? JsonOperators<V>
  : TKind extends 'array'
    ? V | ArrayOperators<V> | null
    : TKind extends 'bool' | 'bytes'
      ? V | EqualityOperators<V> | null
      : TKind extends 'text'
        ? V | TextOperators<V> | null
        : V | ComparisonOperators<V> | null;

/**
 * Conditions on columns, ANDed; `$or` adds a list of filters of which at
 * least one must match: `{ active: true, $or: [{ role: 'admin' }, { visits: { gt: 10 } }] }`.
 */
export type Where<TTable extends AnyTable> = {
  [K in ColumnName<TTable>]?: ColumnFilter<KindOf<TTable, K>, Operand<TTable, K>>;
} & { $or?: ReadonlyArray<Where<TTable>> };

export type OrderDirection = 'asc' | 'desc';

/** Columns to sort by, in the order given: `{ createdAt: 'desc', id: 'asc' }`. */
export type OrderBy<TTable extends AnyTable> = { [K in ColumnName<TTable>]?: OrderDirection };

/**
 * Locks the rows read until the transaction ends (`FOR UPDATE` / `FOR SHARE`):
 * CockroachDB's first advice against retries for read-then-write
 * transactions. Only inside a transaction — outside one the lock would be
 * released before the call returns, so it is refused.
 */
export interface LockOptions {
  /** `'update'` (`FOR UPDATE`, exclusive) or `'share'` (`FOR SHARE`). */
  lock?: 'update' | 'share';
  /** `SKIP LOCKED`: leave out rows another transaction holds (work queues). */
  skipLocked?: boolean;
  /** `NOWAIT`: fail at once (SQLSTATE 55P03) instead of waiting for a held row. */
  noWait?: boolean;
}

export interface FindOptions<TTable extends AnyTable, TSelect extends ColumnName<TTable> = ColumnName<TTable>> extends LockOptions {
  where?: Where<TTable>;
  orderBy?: OrderBy<TTable>;
  /** A non-negative integer. */
  limit?: number;
  /** A non-negative integer. */
  offset?: number;
  /** Only these columns: the rows are typed `Pick<Row, …>`. */
  select?: readonly TSelect[];
}

export interface FindOneOptions<TTable extends AnyTable, TSelect extends ColumnName<TTable> = ColumnName<TTable>> extends LockOptions {
  select?: readonly TSelect[];
}

export interface PageOptions<TTable extends AnyTable> {
  where?: Where<TTable>;
  /**
   * The page order. The primary key is appended as a tie-breaker (ascending)
   * unless already there, so rows with equal sort values neither repeat nor
   * go missing between pages. Ordered columns must be NOT NULL.
   */
  orderBy: OrderBy<TTable>;
  /** `next` of the previous page; leave out for the first page. */
  after?: string | null;
  /** Rows per page, 1 to 10000. */
  limit: number;
}

export interface Page<TRow> {
  rows: TRow[];
  /** An opaque cursor for the following page (pass it as `after`), or `null` on the last page. */
  next: string | null;
}

export interface IterateOptions<TTable extends AnyTable> {
  /** Rows per statement, 1 to 10000. Default 500. */
  batchSize?: number;
  /** Default: the primary key, ascending. */
  orderBy?: OrderBy<TTable>;
}

export interface UpsertOptions<TTable extends AnyTable> {
  /**
   * The key whose conflict turns the insert into an update: the primary key
   * (the default) or a unique column or unique index's columns.
   */
  conflict?: ColumnName<TTable> | readonly ColumnName<TTable>[];
}
