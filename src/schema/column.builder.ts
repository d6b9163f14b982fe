import { ValidationError } from '../errors.js';
import type { Int8Mode } from '../interfaces/cockroach-options.interface.js';
import {
  DEFAULT_SQL_EXPRESSIONS,
  type ReferentialAction,
  type ByInt8Mode,
  type ColumnKind,
  type ColumnSpec,
  type DefaultSqlFor,
} from './column.types.js';

/**
 * One column of a table definition. Immutable: every modifier returns a new
 * column, so a shared builder (`const email = text().unique()`) can be reused.
 *
 * The type parameters are what the repository infers rows from: `TSelect` is
 * the value read back under each INT8 policy, `TInput` what a write accepts,
 * `TOptional` whether an insert may leave it out, `TPrimary` whether it is
 * (part of) the primary key.
 */
export class Column<
  TSelect extends ByInt8Mode,
  TInput,
  TKind extends ColumnKind,
  TOptional extends boolean = false,
  TPrimary extends boolean = false,
> {
  /** Carries the type parameters for inference; never set at runtime. */
  declare readonly $types: {
    readonly select: TSelect;
    readonly input: TInput;
    readonly kind: TKind;
    readonly optional: TOptional;
    readonly primary: TPrimary;
  };

  /** @internal Use the column functions (`text()`, `uuidKey()`, …). */
  constructor(readonly spec: ColumnSpec) {}

  /** Allows SQL `NULL`; the column reads as `T | null` and may be left out of inserts. */
  nullable(): Column<{ readonly [M in Int8Mode]: TSelect[M] | null }, TInput | null, TKind, true, TPrimary> {
    return new Column({ ...this.spec, nullable: true });
  }

  /**
   * A literal default, validated like any value when the table is defined and
   * written into the DDL as an escaped literal (DDL takes no bound parameters).
   */
  default(value: TInput): Column<TSelect, TInput, TKind, true, TPrimary> {
    return new Column({ ...this.spec, default: { kind: 'value', value } });
  }

  /** A server-side default from a closed list: `'now()'` / `'current_timestamp'` for timestamps, `'gen_random_uuid()'` for UUIDs. */
  defaultSql(expression: DefaultSqlFor<TKind>): Column<TSelect, TInput, TKind, true, TPrimary> {
    const allowed: readonly string[] = Object.hasOwn(DEFAULT_SQL_EXPRESSIONS, this.spec.kind)
      ? DEFAULT_SQL_EXPRESSIONS[this.spec.kind as keyof typeof DEFAULT_SQL_EXPRESSIONS]
      : [];
    if (!allowed.includes(expression)) {
      const choices = allowed.length > 0 ? `one of ${allowed.join(', ')}` : 'none; use .default(value)';
      throw new ValidationError(undefined, undefined, `defaultSql(${JSON.stringify(expression)}) is not allowed on a ${this.spec.kind} column (allowed: ${choices})`);
    }
    return new Column({ ...this.spec, default: { kind: 'sql', expression } });
  }

  /** Adds a `UNIQUE` constraint; the column can then be an `upsert` conflict target. */
  unique(): Column<TSelect, TInput, TKind, TOptional, TPrimary> {
    return new Column({ ...this.spec, unique: true });
  }

  /** Makes the column (part of) the primary key; several marked columns form a composite key. */
  primaryKey(): Column<TSelect, TInput, TKind, TOptional, true> {
    return new Column({ ...this.spec, primaryKey: true });
  }

  /**
   * The column's name in SQL, when it should differ from the property name:
   * `createdAt: timestamptz().named('created_at')`. Rows, filters and orders
   * keep using the property name; every statement uses this one. Checked
   * like any identifier when the table is defined.
   */
  named(sqlName: string): Column<TSelect, TInput, TKind, TOptional, TPrimary> {
    return new Column({ ...this.spec, sqlName });
  }

  /**
   * A foreign key to `table`'s single-column primary key:
   * `REFERENCES "table" ("id") ON DELETE …`. The column's type must be the
   * key's type. Create the referenced table first (`createTables` runs the
   * tables in the order given).
   */
  references(table: TableShape, options: { onDelete?: ReferentialAction } = {}): Column<TSelect, TInput, TKind, TOptional, TPrimary> {
    const fail = (problem: string): never => {
      throw new ValidationError(undefined, undefined, `references(${table?.name ?? String(table)}): ${problem}`);
    };
    if (typeof table !== 'object' || table === null || typeof table.sqlName !== 'function') fail('not a table: pass a defineTable() result');
    if (table.primaryKey.length !== 1) fail('the referenced table needs a single-column primary key');
    const key = table.column(table.primaryKey[0]!)!;
    if (key.kind !== this.spec.kind) fail(`a ${this.spec.kind} column cannot reference the ${key.kind} key "${table.primaryKey[0]!}"`);
    const { onDelete } = options;
    if (onDelete !== undefined && !REFERENTIAL_ACTIONS.includes(onDelete)) {
      fail(`onDelete must be one of ${REFERENTIAL_ACTIONS.map((action) => `'${action}'`).join(', ')}, got ${JSON.stringify(onDelete)}`);
    }
    return new Column({ ...this.spec, references: { table: table.name, column: table.sqlName(table.primaryKey[0]!), onDelete } });
  }
}

const REFERENTIAL_ACTIONS: readonly ReferentialAction[] = ['cascade', 'restrict', 'set null', 'no action'];

/** Any column, whatever its types: the constraint tables are built from. */
export type AnyColumn = Column<ByInt8Mode, unknown, ColumnKind, boolean, boolean>;

/** A table's columns by property name. */
export type ColumnMap = Record<string, AnyColumn>;

/**
 * What columns, row types and validators need to know of a table (every
 * `defineTable()` result is one): kept here, beside the columns, so the
 * column and type modules do not depend on the table module that uses them.
 */
export interface TableShape {
  readonly name: string;
  readonly columns: Readonly<ColumnMap>;
  /** Column names in definition order. */
  readonly columnNames: readonly string[];
  /** Primary-key column names, in definition order. */
  readonly primaryKey: readonly string[];
  /** The column's spec, or `undefined` for a name the table does not define. */
  column(name: string): ColumnSpec | undefined;
  /** The column's name in SQL. */
  sqlName(column: string): string;
}
