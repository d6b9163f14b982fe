import { ValidationError } from '../errors.js';
import { Column, type ColumnMap } from './column.builder.js';
import type { ColumnSpec } from './column.types.js';
import { checkIdentifier, FORBIDDEN_KEYS } from './identifiers.js';
import { rowSchema } from './row.validator.js';
import type { StandardSchemaV1 } from './standard-schema.types.js';
import type { InsertBody, PatchValues } from './table.types.js';
import { encodeValue } from './value.encoder.js';

export type { ColumnMap } from './column.builder.js';

/** Names of the table's JSON and array columns: the ones an inverted index can cover. */
export type ContainerColumnName<TColumns extends ColumnMap> = {
  [K in keyof TColumns]: TColumns[K]['$types']['kind'] extends 'jsonb' | 'array' ? K : never;
}[keyof TColumns] &
  string;

export interface IndexDefinition<TName extends string> {
  columns: readonly [TName, ...TName[]];
  unique?: boolean;
  /** Default `<table>_<columns>_idx` (SQL column names). */
  name?: string;
  /**
   * CockroachDB only: a hash-sharded index (`USING HASH`), which spreads
   * writes of sequential keys (timestamps, counters) over many ranges instead
   * of one hot range. `createTables` refuses it on PostgreSQL.
   */
  hash?: boolean;
  /** With `hash`: the number of shards (`WITH (bucket_count = n)`); default the server's (16). */
  bucketCount?: number;
}

/**
 * CockroachDB multi-region table localities: `'global'` (fast reads from
 * every region, slower writes) or `'regional by row'` (each row homed in the
 * region in its hidden `crdb_region` column). The database must be
 * multi-region; `createTables` refuses both on PostgreSQL.
 */
export type TableLocality = 'global' | 'regional by row';

/** How property names become SQL column names when a column has no `.named()`. */
export type NamingStrategy = 'as-is' | 'snake_case';

/** A generalized inverted (GIN) index, for JSON containment and array contains/overlaps. */
export interface InvertedIndexDefinition<TName extends string> {
  column: TName;
  /** Default `<table>_<column>_gin`. */
  name?: string;
}

export interface TableOptions<TColumns extends ColumnMap> {
  indexes?: ReadonlyArray<IndexDefinition<keyof TColumns & string>>;
  invertedIndexes?: ReadonlyArray<InvertedIndexDefinition<ContainerColumnName<TColumns>>>;
  /** `'snake_case'` names every column `created_at` for a `createdAt` property (unless `.named()`). Default `'as-is'`. */
  naming?: NamingStrategy;
  locality?: TableLocality;
}

export interface TableIndex {
  readonly name: string;
  /** Property names, as in the definition. */
  readonly columns: readonly string[];
  readonly unique: boolean;
  readonly inverted: boolean;
  readonly hash: boolean;
  readonly bucketCount: number | undefined;
}

const TABLE_OPTIONS = ['indexes', 'invertedIndexes', 'naming', 'locality'];
const INDEX_OPTIONS = ['columns', 'unique', 'name', 'hash', 'bucketCount'];
const LOCALITIES: readonly TableLocality[] = ['global', 'regional by row'];

/** `createdAt` → `created_at`, `userID` → `user_id`, `line2Text` → `line2_text`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
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
  readonly locality: TableLocality | undefined;
  private readonly specs: ReadonlyMap<string, ColumnSpec>;
  private readonly sqlNames: ReadonlyMap<string, string>;

  /** @internal Use `defineTable()`. */
  constructor(
    readonly name: string,
    readonly columns: Readonly<TColumns>,
    options: TableOptions<TColumns>,
  ) {
    const specs = new Map<string, ColumnSpec>();
    const sqlNames = new Map<string, string>();
    for (const column of Object.keys(columns)) {
      const spec = columns[column]!.spec;
      specs.set(column, spec);
      sqlNames.set(column, spec.sqlName ?? (options.naming === 'snake_case' ? snakeCase(column) : column));
    }
    this.specs = specs;
    this.sqlNames = sqlNames;
    this.columnNames = [...specs.keys()];
    this.primaryKey = [...specs].filter(([, spec]) => spec.primaryKey).map(([column]) => column);
    this.locality = options.locality;
    const sqlNamesOf = (properties: readonly string[]): string => properties.map((column) => sqlNames.get(column) ?? column).join('_');
    this.indexes = [
      ...(options.indexes ?? []).map((index) => ({
        name: index.name ?? `${name}_${sqlNamesOf(index.columns)}_idx`,
        columns: [...index.columns],
        unique: index.unique ?? false,
        inverted: false,
        hash: index.hash ?? false,
        bucketCount: index.bucketCount,
      })),
      ...(options.invertedIndexes ?? []).map((index) => ({
        name: index.name ?? `${name}_${sqlNamesOf([index.column])}_gin`,
        columns: [index.column],
        unique: false,
        inverted: true,
        hash: false,
        bucketCount: undefined,
      })),
    ];
  }

  private validators: TableSchemas<Table<TColumns>> | undefined;

  /**
   * Standard Schema validators built from the columns: `insert` checks a
   * whole new row, `patch` a partial one, with the repository's own checks
   * and messages, reporting every problem at its column's path. `insert`
   * refuses the keys the database generates (`uuidKey()`, `rowId()`, a
   * primary key with a default); `insertSchema(table, { omit | pick })`
   * builds one for fewer columns, or one that lets a client choose a key. Hand them to
   * NestJS 12's `StandardSchemaValidationPipe` (`@Body({ schema })`) or any
   * Standard Schema consumer. Values pass through unchanged.
   */
  get schemas(): TableSchemas<Table<TColumns>> {
    this.validators ??= { insert: rowSchema(this, 'insert'), patch: rowSchema(this, 'patch') };
    return this.validators;
  }

  /** The column's spec, or `undefined` for a name the table does not define (a Map lookup: no prototype to reach). */
  column(name: string): ColumnSpec | undefined {
    return this.specs.get(name);
  }

  /**
   * The column's name in SQL (its `.named()` name, else the table's naming
   * strategy applied to the property name). Use it in hand-written SQL and
   * when comparing with `describeTable()`.
   */
  sqlName(column: keyof TColumns & string): string {
    const sqlName = this.sqlNames.get(column);
    if (sqlName === undefined) throw new ValidationError(this.name, column, 'unknown column');
    return sqlName;
  }
}

export interface TableSchemas<TTable extends AnyTable> {
  readonly insert: StandardSchemaV1<InsertBody<TTable>, InsertBody<TTable>>;
  readonly patch: StandardSchemaV1<PatchValues<TTable>, PatchValues<TTable>>;
}

/** Any table, whatever its columns. */
export type AnyTable = Table<ColumnMap>;

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
    if (!TABLE_OPTIONS.includes(option)) {
      throw new ValidationError(name, undefined, `unknown table option "${option}" (expected ${TABLE_OPTIONS.join(', ')})`);
    }
  }
  if (options.naming !== undefined && options.naming !== 'as-is' && options.naming !== 'snake_case') {
    throw new ValidationError(name, undefined, `naming must be 'as-is' or 'snake_case', got ${JSON.stringify(options.naming)}`);
  }
  if (options.locality !== undefined && !LOCALITIES.includes(options.locality)) {
    throw new ValidationError(name, undefined, `locality must be 'global' or 'regional by row', got ${JSON.stringify(options.locality)}`);
  }
  for (const index of options.indexes ?? []) {
    for (const key of Object.keys(index)) {
      if (!INDEX_OPTIONS.includes(key)) throw new ValidationError(name, undefined, `unknown index option "${key}" (expected ${INDEX_OPTIONS.join(', ')})`);
    }
    if (index.bucketCount !== undefined && (index.hash !== true || !Number.isSafeInteger(index.bucketCount) || index.bucketCount < 2 || index.bucketCount > 2048)) {
      throw new ValidationError(name, undefined, 'bucketCount needs hash: true and an integer from 2 to 2048');
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
  const seen = new Map<string, string>();
  for (const column of columnNames) {
    const sqlName = table.sqlName(column);
    checkIdentifier(name, column, sqlName, 'SQL column name');
    const other = seen.get(sqlName);
    if (other !== undefined) throw new ValidationError(name, column, `the SQL column name "${sqlName}" is also the name of "${other}"`);
    seen.set(sqlName, column);
  }
  checkIndexes(table);
  return table;
}

function checkColumn(table: string, column: string, spec: ColumnSpec): void {
  if (spec.primaryKey && spec.nullable) throw new ValidationError(table, column, 'a primary-key column cannot be nullable');
  if (spec.kind === 'jsonb' && (spec.primaryKey || spec.unique)) {
    throw new ValidationError(table, column, 'a JSONB column cannot be a key or unique: JSONB values cannot be compared for uniqueness');
  }
  if (spec.default?.kind === 'value') encodeValue(spec, spec.default.value, { table, column });
  if (spec.references?.onDelete === 'set null' && !spec.nullable) {
    throw new ValidationError(table, column, "onDelete: 'set null' needs a nullable column");
  }
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
