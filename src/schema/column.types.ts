import type { Int8Mode } from '../interfaces/cockroach-options.interface.js';

/** The SQL types a column can have; `array` carries its element's spec. */
export type ColumnKind =
  | 'uuid'
  | 'int8'
  | 'int4'
  | 'int2'
  | 'float8'
  | 'text'
  | 'enum'
  | 'bool'
  | 'timestamptz'
  | 'date'
  | 'decimal'
  | 'bytes'
  | 'jsonb'
  | 'array';

/** Kinds an array may hold: CockroachDB has no arrays of JSONB, and arrays are one-dimensional. */
export type ArrayElementKind = Exclude<ColumnKind, 'jsonb' | 'array' | 'enum'>;

/** Kinds `update` can `increment` / `decrement` in place. */
export type NumericKind = 'int8' | 'int4' | 'int2' | 'float8' | 'decimal';

/** What a foreign key does when the referenced row is deleted. */
export type ReferentialAction = 'cascade' | 'restrict' | 'set null' | 'no action';

/** A foreign key, resolved to SQL names when the column was declared. */
export interface ColumnReference {
  readonly table: string;
  readonly column: string;
  readonly onDelete: ReferentialAction | undefined;
}

/**
 * SQL expressions `.defaultSql()` accepts, per column kind. A closed list,
 * because a default is written into DDL, where nothing can be bound.
 */
export const DEFAULT_SQL_EXPRESSIONS = {
  timestamptz: ['now()', 'current_timestamp'],
  uuid: ['gen_random_uuid()'],
} as const;

/** The `.defaultSql()` expressions a column of kind `TKind` accepts (`never` for kinds that take none). */
export type DefaultSqlFor<TKind extends ColumnKind> = TKind extends keyof typeof DEFAULT_SQL_EXPRESSIONS
  ? (typeof DEFAULT_SQL_EXPRESSIONS)[TKind][number]
  : never;

export type DefaultSqlExpression = DefaultSqlFor<ColumnKind>;

/** A column's default, as `.default()`, `.defaultSql()` or `rowId()` declared it. */
export type ColumnDefault =
  /** A literal, validated like any value and rendered as an escaped literal in DDL. */
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'sql'; readonly expression: DefaultSqlExpression }
  /** `unique_rowid()` on CockroachDB, an identity column on PostgreSQL. */
  | { readonly kind: 'rowid' };

/** What a column is at runtime; the `Column` builder's generics carry the same facts for the type checker. */
export interface ColumnSpec {
  readonly kind: ColumnKind;
  /** The element's spec when `kind` is `array`. */
  readonly element: ColumnSpec | undefined;
  readonly nullable: boolean;
  readonly primaryKey: boolean;
  readonly unique: boolean;
  readonly default: ColumnDefault | undefined;
  /** The column's name in SQL when it differs from its property name (`.named()`). */
  readonly sqlName: string | undefined;
  /** `VARCHAR(n)`: the most characters a `text` column holds, checked before SQL. */
  readonly maxLength: number | undefined;
  /** `DECIMAL(p,s)`: the most significant digits, or `undefined` for a plain `DECIMAL`. */
  readonly precision: number | undefined;
  /** `DECIMAL(p,s)`: the digits after the point (0 for `DECIMAL(p)`); `undefined` without a precision. */
  readonly scale: number | undefined;
  /** The allowed values of an `enum` column, in declaration order. */
  readonly enumValues: readonly string[] | undefined;
  readonly references: ColumnReference | undefined;
}

/**
 * A column's TypeScript type under each INT8 policy. Only INT8 columns (and
 * arrays of them) differ; every other column has the same type in all three.
 */
export type ByInt8Mode = { readonly [M in Int8Mode]: unknown };

/** The TypeScript type of a column that reads the same under every INT8 policy (all but INT8 columns). */
export type SameInEveryMode<T> = { readonly [M in Int8Mode]: T };

/** What an INT8 column returns under each policy. */
export interface Int8ByMode {
  readonly string: string;
  readonly bigint: bigint;
  readonly number: number;
}

/** What an INT8 column accepts on input, whatever the policy: exact forms only. */
export type Int8Input = string | bigint | number;
