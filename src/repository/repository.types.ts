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
      : V | ComparisonOperators<V> | null;

/** Conditions on columns, ANDed. */
export type Where<TTable extends AnyTable> = {
  [K in ColumnName<TTable>]?: ColumnFilter<KindOf<TTable, K>, Operand<TTable, K>>;
};

export type OrderDirection = 'asc' | 'desc';

/** Columns to sort by, in the order given: `{ createdAt: 'desc', id: 'asc' }`. */
export type OrderBy<TTable extends AnyTable> = { [K in ColumnName<TTable>]?: OrderDirection };

export interface FindOptions<TTable extends AnyTable> {
  where?: Where<TTable>;
  orderBy?: OrderBy<TTable>;
  /** A non-negative integer. */
  limit?: number;
  /** A non-negative integer. */
  offset?: number;
}

export interface UpsertOptions<TTable extends AnyTable> {
  /**
   * The key whose conflict turns the insert into an update: the primary key
   * (the default) or a unique column or unique index's columns.
   */
  conflict?: ColumnName<TTable> | readonly ColumnName<TTable>[];
}
