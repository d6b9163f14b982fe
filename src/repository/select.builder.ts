import pg from 'pg';
import type { SqlQuery } from '../connection/sql.template.js';
import { ValidationError } from '../errors.js';
import { paramType } from '../schema/column.sql.js';
import type { AnyTable } from '../schema/table.definition.js';
import type { ColumnSpec } from '../schema/column.types.js';
import { encodeValue } from '../schema/value.encoder.js';
import { checkOptionNames, columnEntries, ownRecord } from './input.guard.js';
import { lockClause, LOCK_OPTIONS } from './lock.clause.js';
import { ParamList } from './param.list.js';
import { buildWhere } from './where.builder.js';

const { escapeIdentifier } = pg;

const FIND_OPTIONS = ['where', 'orderBy', 'limit', 'offset', 'select', ...LOCK_OPTIONS];
const FIND_ONE_OPTIONS = ['select', ...LOCK_OPTIONS];
const FIND_BY_ID_OPTIONS = LOCK_OPTIONS;

/** Tables are immutable, so each one's full select list is written once. */
const fullSelectLists = new WeakMap<AnyTable, string>();

/**
 * The columns for `SELECT` and `RETURNING`, each as its property name
 * (`"created_at" AS "createdAt"`), so rows come back keyed as the table
 * definition names them. DECIMAL arrays are read as text arrays: pg would
 * otherwise parse their elements as floats and lose digits.
 */
export function selectList(table: AnyTable, columns?: readonly string[]): string {
  if (columns === undefined) {
    let list = fullSelectLists.get(table);
    if (list === undefined) fullSelectLists.set(table, (list = writeSelectList(table, table.columnNames)));
    return list;
  }
  return writeSelectList(table, columns);
}

function writeSelectList(table: AnyTable, columns: readonly string[]): string {
  return columns
    .map((column) => {
      const spec = table.column(column)!;
      const sqlName = escapeIdentifier(table.sqlName(column));
      const property = escapeIdentifier(column);
      const decimalArray = spec.kind === 'array' && spec.element!.kind === 'decimal';
      if (decimalArray) return `${sqlName}::TEXT[] AS ${property}`;
      return sqlName === property ? sqlName : `${sqlName} AS ${property}`;
    })
    .join(', ');
}

export function buildSelect(table: AnyTable, options: unknown = {}): SqlQuery {
  const record = ownRecord(table, options, 'the find options');
  checkOptionNames(table, record, FIND_OPTIONS, 'find');
  const params = new ParamList();
  let text = `SELECT ${selectList(table, selectedColumns(table, record.select))} FROM ${escapeIdentifier(table.name)}`;
  text += buildWhere(table, record.where, params, false);
  if (record.orderBy !== undefined) text += orderByClause(table, record.orderBy);
  if (record.limit !== undefined) text += ` LIMIT ${params.add(count(table, record.limit, 'limit'), 'INT8')}`;
  if (record.offset !== undefined) text += ` OFFSET ${params.add(count(table, record.offset, 'offset'), 'INT8')}`;
  text += lockClause(table, record);
  return { text, values: params.values };
}

/** `findOne(where, options)`: `find` with `limit: 1`. */
export function buildFindOne(table: AnyTable, where: unknown, options: unknown = {}): SqlQuery {
  const record = ownRecord(table, options, 'the findOne options');
  checkOptionNames(table, record, FIND_ONE_OPTIONS, 'findOne');
  return buildSelect(table, { ...record, where, limit: 1 });
}

export function buildFindById(table: AnyTable, id: unknown, options?: unknown): SqlQuery {
  if (table.primaryKey.length !== 1) {
    throw new ValidationError(table.name, undefined, 'findById needs a single-column primary key; use findOne');
  }
  const column = table.primaryKey[0]!;
  const spec = table.column(column)!;
  if (id === null || id === undefined) throw new ValidationError(table.name, column, 'findById needs an id');
  let lock = '';
  if (options !== undefined) {
    const record = ownRecord(table, options, 'the findById options');
    checkOptionNames(table, record, FIND_BY_ID_OPTIONS, 'findById');
    lock = lockClause(table, record);
  }
  const value = encodeValue(spec, id, { table: table.name, column });
  return { text: findByIdText(table, column, spec) + lock, values: [value] };
}

/** `SELECT … WHERE key = $1`, written once per table: on the hot path its quoting was most of findById's own work. */
const findByIdTexts = new WeakMap<AnyTable, string>();

function findByIdText(table: AnyTable, column: string, spec: ColumnSpec): string {
  let text = findByIdTexts.get(table);
  if (text === undefined) {
    const params = new ParamList();
    const placeholder = params.add(undefined, paramType(spec));
    text = `SELECT ${selectList(table)} FROM ${escapeIdentifier(table.name)} WHERE ${escapeIdentifier(table.sqlName(column))} = ${placeholder}`;
    findByIdTexts.set(table, text);
  }
  return text;
}

export function buildCount(table: AnyTable, where: unknown): SqlQuery {
  const params = new ParamList();
  const text = `SELECT count(*) AS "count" FROM ${escapeIdentifier(table.name)}${buildWhere(table, where, params, false)}`;
  return { text, values: params.values };
}

/** The `select` option's columns: a non-empty array of known, distinct column names. */
export function selectedColumns(table: AnyTable, select: unknown): readonly string[] | undefined {
  if (select === undefined) return undefined;
  if (!Array.isArray(select) || select.length === 0) {
    throw new ValidationError(table.name, undefined, 'select takes a non-empty array of column names');
  }
  const seen = new Set<string>();
  for (const column of select as unknown[]) {
    if (typeof column !== 'string' || !table.column(column)) {
      throw new ValidationError(table.name, typeof column === 'string' ? column : undefined, 'unknown column in select');
    }
    if (seen.has(column)) throw new ValidationError(table.name, column, 'the column is selected twice');
    seen.add(column);
  }
  return [...seen];
}

/** `{ column: 'asc' | 'desc' }` as `[column, direction]` pairs, in the order given. */
export function orderTerms(table: AnyTable, orderBy: unknown): Array<[column: string, direction: 'asc' | 'desc']> {
  return columnEntries(table, orderBy, 'orderBy').map(({ column, value }) => {
    if (value !== 'asc' && value !== 'desc') {
      throw new ValidationError(table.name, column, `orderBy direction must be 'asc' or 'desc', got ${typeof value === 'string' ? JSON.stringify(value) : typeof value}`);
    }
    return [column, value];
  });
}

export function orderByClause(table: AnyTable, orderBy: unknown): string {
  const terms = orderTerms(table, orderBy).map(([column, direction]) => `${escapeIdentifier(table.sqlName(column))} ${direction === 'asc' ? 'ASC' : 'DESC'}`);
  return terms.length > 0 ? ` ORDER BY ${terms.join(', ')}` : '';
}

export function count(table: AnyTable, value: unknown, option: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ValidationError(table.name, undefined, `${option} must be a non-negative integer, got ${typeof value === 'number' ? value : typeof value}`);
  }
  return value;
}
