import type { Int8Mode } from '../interfaces/cockroach-options.interface.js';
import type { AnyTable } from './table.definition.js';

/** Flattens an intersection so editors show one object type. */
type Simplify<T> = { [K in keyof T]: T[K] } & {};

export type ColumnName<TTable extends AnyTable> = Extract<keyof TTable['columns'], string>;

type ColumnTypes<TTable extends AnyTable, K extends ColumnName<TTable>> = TTable['columns'][K]['$types'];

/** What a write accepts for the column (`T | null` when nullable). */
export type ColumnInput<TTable extends AnyTable, K extends ColumnName<TTable>> = ColumnTypes<TTable, K>['input'];

/** What a read returns for the column under the INT8 policy `TInt8`. */
export type ColumnValue<TTable extends AnyTable, K extends ColumnName<TTable>, TInt8 extends Int8Mode = 'string'> =
  ColumnTypes<TTable, K>['select'][TInt8];

type OptionalColumn<TTable extends AnyTable> = {
  [K in ColumnName<TTable>]: ColumnTypes<TTable, K>['optional'] extends true ? K : never;
}[ColumnName<TTable>];

type PrimaryKeyColumn<TTable extends AnyTable> = {
  [K in ColumnName<TTable>]: ColumnTypes<TTable, K>['primary'] extends true ? K : never;
}[ColumnName<TTable>];

/**
 * A row as read back. INT8 columns follow the connection's INT8 policy:
 * strings by default; pass `'bigint'` or `'number'` when the connection was
 * configured with `int8: 'bigint'` / `'number'`.
 */
export type Row<TTable extends AnyTable, TInt8 extends Int8Mode = 'string'> = Simplify<{
  [K in ColumnName<TTable>]: ColumnValue<TTable, K, TInt8>;
}>;

/** What `insert` accepts: columns with a default, a generated key or `NULL` allowed may be left out. */
export type InsertRow<TTable extends AnyTable> = Simplify<
  { [K in Exclude<ColumnName<TTable>, OptionalColumn<TTable>>]: ColumnInput<TTable, K> } & {
    [K in OptionalColumn<TTable>]?: ColumnInput<TTable, K>;
  }
>;

/** What `update` sets: any subset of columns. */
export type RowPatch<TTable extends AnyTable> = { [K in ColumnName<TTable>]?: ColumnInput<TTable, K> };

/** The value `findById` takes: the input type of the (single-column) primary key. */
export type PrimaryKeyValue<TTable extends AnyTable> = NonNullable<ColumnInput<TTable, PrimaryKeyColumn<TTable>>>;
