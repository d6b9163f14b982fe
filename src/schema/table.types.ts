import type { Int8Mode } from '../interfaces/cockroach-options.interface.js';
import type { NumericKind } from './column.types.js';
import type { TableShape } from './column.builder.js';

/**
 * Type-level settings an application declares once, by declaration merging,
 * so that row types match its module options everywhere:
 *
 * ```ts
 * declare module 'nestjs-cockroachdb' {
 *   interface CockroachTypes { int8: 'number' }
 * }
 * ```
 *
 * Without it, INT8 columns are typed for the default `int8: 'string'`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface CockroachTypes {}

/** The INT8 policy row types follow: `CockroachTypes['int8']` when the app declared it, else `'string'`. */
export type DefaultInt8Mode = CockroachTypes extends { int8: infer TMode extends Int8Mode } ? TMode : 'string';

/** Flattens an intersection so editors show one object type. */
type Simplify<T> = { [K in keyof T]: T[K] } & {};

export type ColumnName<TTable extends TableShape> = Extract<keyof TTable['columns'], string>;

type ColumnTypes<TTable extends TableShape, K extends ColumnName<TTable>> = TTable['columns'][K]['$types'];

/** What a write accepts for the column (`T | null` when nullable). */
export type ColumnInput<TTable extends TableShape, K extends ColumnName<TTable>> = ColumnTypes<TTable, K>['input'];

/** What a read returns for the column under the INT8 policy `TInt8`. */
export type ColumnValue<TTable extends TableShape, K extends ColumnName<TTable>, TInt8 extends Int8Mode = DefaultInt8Mode> =
  ColumnTypes<TTable, K>['select'][TInt8];

type OptionalColumn<TTable extends TableShape> = {
  [K in ColumnName<TTable>]: ColumnTypes<TTable, K>['optional'] extends true ? K : never;
}[ColumnName<TTable>];

type PrimaryKeyColumn<TTable extends TableShape> = {
  [K in ColumnName<TTable>]: ColumnTypes<TTable, K>['primary'] extends true ? K : never;
}[ColumnName<TTable>];

/**
 * A row as read back. INT8 columns follow the connection's INT8 policy:
 * `DefaultInt8Mode` (declared once through `CockroachTypes`), or the mode
 * given here for a connection configured differently.
 */
export type Row<TTable extends TableShape, TInt8 extends Int8Mode = DefaultInt8Mode> = Simplify<{
  [K in ColumnName<TTable>]: ColumnValue<TTable, K, TInt8>;
}>;

/** What `insert` accepts: columns with a default, a generated key or `NULL` allowed may be left out. */
export type InsertRow<TTable extends TableShape> = Simplify<
  { [K in Exclude<ColumnName<TTable>, OptionalColumn<TTable>>]: ColumnInput<TTable, K> } & {
    [K in OptionalColumn<TTable>]?: ColumnInput<TTable, K>;
  }
>;

/**
 * Primary-key columns the database generates: `uuidKey()`, `rowId()`, a
 * `.primaryKey()` with a default (a key that `insert` may leave out).
 */
export type GeneratedKeyColumn<TTable extends TableShape> = {
  [K in ColumnName<TTable>]: ColumnTypes<TTable, K>['primary'] extends true ? (ColumnTypes<TTable, K>['optional'] extends true ? K : never) : never;
}[ColumnName<TTable>];

/**
 * What a request body for a new row may hold: `InsertRow` without the
 * generated keys (what `table.schemas.insert` accepts) and without the
 * columns in `TOmit` (`insertSchema(table, { omit })`). Assignable to
 * `InsertRow` when `TOmit` leaves out only optional columns.
 */
export type InsertBody<TTable extends TableShape, TOmit extends ColumnName<TTable> = never> = Simplify<
  Omit<InsertRow<TTable>, GeneratedKeyColumn<TTable> | TOmit>
>;

/** What a request body for a new row may hold when only `TPick` are accepted (`insertSchema(table, { pick })`), generated keys included. */
export type InsertPick<TTable extends TableShape, TPick extends ColumnName<TTable>> = Simplify<Omit<InsertRow<TTable>, Exclude<ColumnName<TTable>, TPick>>>;

/** Any subset of columns with plain values: what `table.schemas.patch` accepts. */
export type PatchValues<TTable extends TableShape> = { [K in ColumnName<TTable>]?: ColumnInput<TTable, K> };

/** Changes a numeric column in place (`SET n = n + $1`): no read-modify-write, so no lost update. */
export type NumericChange<V> = { readonly increment: V } | { readonly decrement: V };

/** What `update` sets: any subset of columns; numeric columns also take `{ increment }` / `{ decrement }`. */
export type RowPatch<TTable extends TableShape> = {
  [K in ColumnName<TTable>]?: TTable['columns'][K]['$types']['kind'] extends NumericKind
    ? ColumnInput<TTable, K> | NumericChange<NonNullable<ColumnInput<TTable, K>>>
    : ColumnInput<TTable, K>;
};

/** The value `findById` takes: the input type of the (single-column) primary key. */
export type PrimaryKeyValue<TTable extends TableShape> = NonNullable<ColumnInput<TTable, PrimaryKeyColumn<TTable>>>;
