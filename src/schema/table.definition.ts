import { ValidationError } from '../errors.js';
import { Column, type AnyColumn } from './column.builder.js';
import type { ColumnSpec } from './column.types.js';
import { encodeValue } from './value.encoder.js';

export type ColumnMap = Record<string, AnyColumn>;

/** Names of the table's JSON and array columns: the ones an inverted index can cover. */
export type ContainerColumnName<TColumns extends ColumnMap> = {
  [K in keyof TColumns]: TColumns[K]['$types']['kind'] extends 'jsonb' | 'array' ? K : never;
}[keyof TColumns] &
  string;

export interface IndexDefinition<TName extends string> {
  columns: readonly [TName, ...TName[]];
  unique?: boolean;
  /** Default `<table>_<columns>_idx`. */
  name?: string;
}

/** A generalized inverted (GIN) index, for JSON containment and array contains/overlaps. */
export interface InvertedIndexDefinition<TName extends string> {
  column: TName;
  /** Default `<table>_<column>_gin`. */
  name?: string;
}

export interface TableOptions<TColumns extends ColumnMap> {
  indexes?: ReadonlyArray<IndexDefinition<keyof TColumns & string>>;
  invertedIndexes?: ReadonlyArray<InvertedIndexDefinition<ContainerColumnName<TColumns>>>;
}

export interface TableIndex {
  readonly name: string;
  readonly columns: readonly string[];
  readonly unique: boolean;
  readonly inverted: boolean;
}

/**
 * A table definition: its name, its columns, keys and indexes. Everything
 * that ever becomes an identifier in SQL comes from here and was checked when
 * the table was defined.
 */
export class Table<TColumns extends ColumnMap = ColumnMap> {
  /** Column names in definition order. */
  readonly columnNames: readonly string[];
  /** Primary-key column names, in definition order (empty when the table has none). */
  readonly primaryKey: readonly string[];
  readonly indexes: readonly TableIndex[];
  private readonly specs: ReadonlyMap<string, ColumnSpec>;

  /** @internal Use `defineTable()`. */
  constructor(
    readonly name: string,
    readonly columns: Readonly<TColumns>,
    options: TableOptions<TColumns>,
  ) {
    const specs = new Map<string, ColumnSpec>();
    for (const column of Object.keys(columns)) specs.set(column, columns[column]!.spec);
    this.specs = specs;
    this.columnNames = [...specs.keys()];
    this.primaryKey = [...specs].filter(([, spec]) => spec.primaryKey).map(([column]) => column);
    this.indexes = [
      ...(options.indexes ?? []).map((index) => ({
        name: index.name ?? `${name}_${index.columns.join('_')}_idx`,
        columns: [...index.columns],
        unique: index.unique ?? false,
        inverted: false,
      })),
      ...(options.invertedIndexes ?? []).map((index) => ({
        name: index.name ?? `${name}_${index.column}_gin`,
        columns: [index.column],
        unique: false,
        inverted: true,
      })),
    ];
  }

  /** The column's spec, or `undefined` for a name the table does not define (a Map lookup: no prototype to reach). */
  column(name: string): ColumnSpec | undefined {
    return this.specs.get(name);
  }
}

/** Any table, whatever its columns. */
export type AnyTable = Table<ColumnMap>;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** PostgreSQL silently truncates longer names; refusing them keeps names exact. */
const MAX_IDENTIFIER_BYTES = 63;
/** Column names that would collide with object machinery in row objects. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Defines a table: `defineTable('users', { id: uuidKey(), email: text().unique() })`.
 * Checks names, keys, defaults and indexes now, so a bad definition fails at
 * start-up rather than at its first query.
 */
export function defineTable<TColumns extends ColumnMap>(
  name: string,
  columns: TColumns,
  options: TableOptions<TColumns> = {},
): Table<TColumns> {
  checkIdentifier(name, undefined, name, 'table name');
  for (const option of Object.keys(options)) {
    if (option !== 'indexes' && option !== 'invertedIndexes') {
      throw new ValidationError(name, undefined, `unknown table option "${option}" (expected indexes, invertedIndexes)`);
    }
  }
  const columnNames = Object.keys(columns);
  if (columnNames.length === 0) throw new ValidationError(name, undefined, 'a table needs at least one column');
  for (const column of columnNames) {
    checkIdentifier(name, column, column, 'column name');
    if (!(columns[column] instanceof Column)) {
      throw new ValidationError(name, column, 'not a column: build columns with text(), int(), uuidKey(), …');
    }
    if (FORBIDDEN_KEYS.has(column)) {
      throw new ValidationError(name, column, `"${column}" cannot be a column name: it would collide with the row object's prototype`);
    }
    checkColumn(name, column, columns[column]!.spec);
  }
  const table = new Table(name, columns, options);
  checkIndexes(table);
  return table;
}

function checkColumn(table: string, column: string, spec: ColumnSpec): void {
  if (spec.primaryKey && spec.nullable) throw new ValidationError(table, column, 'a primary-key column cannot be nullable');
  if (spec.kind === 'jsonb' && (spec.primaryKey || spec.unique)) {
    throw new ValidationError(table, column, 'a JSONB column cannot be a key or unique: JSONB values cannot be compared for uniqueness');
  }
  if (spec.default?.kind === 'value') encodeValue(spec, spec.default.value, { table, column });
}

function checkIndexes(table: AnyTable): void {
  const names = new Set<string>();
  for (const index of table.indexes) {
    checkIdentifier(table.name, undefined, index.name, 'index name (give `name` explicitly for long names)');
    if (names.has(index.name)) throw new ValidationError(table.name, undefined, `two indexes are named "${index.name}"`);
    names.add(index.name);
    if (index.columns.length === 0) throw new ValidationError(table.name, undefined, `index "${index.name}" has no columns`);
    for (const column of index.columns) {
      const spec = table.column(column);
      if (!spec) throw new ValidationError(table.name, column, `index "${index.name}" names an unknown column`);
      if (index.inverted && spec.kind !== 'jsonb' && spec.kind !== 'array') {
        throw new ValidationError(table.name, column, 'an inverted index needs a JSON or array column');
      }
      if (!index.inverted && spec.kind === 'jsonb') {
        throw new ValidationError(table.name, column, 'a JSONB column needs an inverted index (invertedIndexes), not a plain one');
      }
    }
  }
}

function checkIdentifier(table: string | undefined, column: string | undefined, identifier: unknown, what: string): void {
  if (typeof identifier !== 'string' || !IDENTIFIER.test(identifier)) {
    throw new ValidationError(table, column, `invalid ${what} ${JSON.stringify(identifier)}: use letters, digits and underscores, not starting with a digit`);
  }
  if (Buffer.byteLength(identifier) > MAX_IDENTIFIER_BYTES) {
    throw new ValidationError(table, column, `${what} "${identifier}" is longer than ${MAX_IDENTIFIER_BYTES} bytes`);
  }
}
