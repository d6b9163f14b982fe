import pg from 'pg';
import type { SqlQuery } from '../connection/sql.template.js';
import type { Dialect } from '../connection/server-info.js';
import { ValidationError } from '../errors.js';
import { paramType } from '../schema/column.sql.js';
import type { ColumnSpec } from '../schema/column.types.js';
import type { AnyTable } from '../schema/table.definition.js';
import { encodeValue, type ValueLocation } from '../schema/value.encoder.js';
import { checkOptionNames, columnEntries, ownRecord, type ColumnEntry } from './input.guard.js';
import { ParamList } from './param.list.js';
import { selectList } from './select.builder.js';

const { escapeIdentifier } = pg;

/** PostgreSQL's wire protocol numbers parameters with 16 bits. */
const MAX_PARAMETERS = 65535;

/**
 * `INSERT … VALUES (…), (…) RETURNING …` for one or more rows. Columns a row
 * leaves out get `DEFAULT`, so rows may differ in which optional columns
 * they give.
 */
export function buildInsert(table: AnyTable, rows: readonly unknown[]): SqlQuery {
  if (rows.length === 1) return buildSingleInsert(table, rows[0]);
  const params = new ParamList();
  const { columns, values } = valuesClause(table, rows, params);
  return {
    text: `INSERT INTO ${escapeIdentifier(table.name)} (${quoted(table, columns)}) VALUES ${values} RETURNING ${selectList(table)}`,
    values: params.values,
  };
}

/**
 * `buildInsert` split into statements that each stay under the protocol's
 * 65,535 parameters, all written (so all rows checked) before any is sent.
 */
export function buildInsertBatches(table: AnyTable, rows: readonly unknown[]): SqlQuery[] {
  const columns = Math.max(1, givenColumns(table, rows.map((row) => columnEntries(table, row, 'the values'))).length);
  const rowsPerStatement = Math.floor(MAX_PARAMETERS / columns);
  const batches: SqlQuery[] = [];
  for (let start = 0; start < rows.length; start += rowsPerStatement) batches.push(buildInsert(table, rows.slice(start, start + rowsPerStatement)));
  return batches;
}

/**
 * `buildInsert` of one row (`repository.insert`), the same checks in the same
 * order, with the statement's text worked out once per table and set of
 * given columns: on the hot path it is otherwise most of the repository's
 * own work.
 */
function buildSingleInsert(table: AnyTable, row: unknown): SqlQuery {
  const record = ownRecord(table, row, 'the values');
  const positions = columnPositions(table);
  // The set of given columns as a bit mask of their positions (a string of them for tables too wide for one).
  let mask = 0;
  let wideKey = '';
  for (const key of Object.keys(record)) {
    const position = positions.get(key);
    if (position === undefined) throw new ValidationError(table.name, key, 'unknown column in the values');
    if (record[key] === undefined) continue;
    if (position < 31) mask |= 1 << position;
    else wideKey += `${position},`;
  }
  const key: number | string = wideKey === '' ? mask : `${mask}:${wideKey}`;
  let byColumns = singleInserts.get(table);
  let plan = byColumns?.get(key);
  if (!plan) {
    // A miss runs the required-column check on the columns the key was made of (each value read once:
    // a getter cannot make the plan and its key differ); only a set of columns that passes it is remembered.
    const wide = new Set(wideKey.split(',').filter((position) => position !== '').map(Number));
    const given = table.columnNames.filter((_, position) => (position < 31 ? (mask & (1 << position)) !== 0 : wide.has(position)));
    plan = writeSingleInsert(table, given);
    if (!byColumns) singleInserts.set(table, (byColumns = new Map()));
    if (byColumns.size >= MAX_INSERT_PLANS_PER_TABLE) byColumns.clear();
    byColumns.set(key, plan);
  }
  const values: unknown[] = [];
  for (let index = 0; index < plan.columns.length; index++) {
    values.push(encodeValue(plan.specs[index]!, record[plan.columns[index]!], plan.locations[index]!));
  }
  return { text: plan.text, values };
}

interface SingleInsertPlan {
  readonly text: string;
  /** The given columns, in table order: the statement's parameters. */
  readonly columns: readonly string[];
  readonly specs: readonly ColumnSpec[];
  readonly locations: readonly ValueLocation[];
}

/** By table, then by the set of columns a row gives: a few per table in practice. */
const singleInserts = new WeakMap<AnyTable, Map<number | string, SingleInsertPlan>>();
const MAX_INSERT_PLANS_PER_TABLE = 64;

/** Each column's position in the table definition. */
const positionsByTable = new WeakMap<AnyTable, ReadonlyMap<string, number>>();

function columnPositions(table: AnyTable): ReadonlyMap<string, number> {
  let positions = positionsByTable.get(table);
  if (!positions) positionsByTable.set(table, (positions = new Map(table.columnNames.map((column, index) => [column, index]))));
  return positions;
}

/** The statement for a row giving these columns (in table order), after checking that every required column is among them. */
function writeSingleInsert(table: AnyTable, given: readonly string[]): SingleInsertPlan {
  for (const column of table.columnNames) {
    const spec = table.column(column)!;
    if (!given.includes(column) && !spec.nullable && spec.default === undefined) {
      throw new ValidationError(table.name, column, 'a value is required: the column is NOT NULL and has no default');
    }
  }
  const returning = `RETURNING ${selectList(table)}`;
  if (given.length === 0) {
    // All defaults: name one column and give it DEFAULT, which both dialects accept.
    return { text: `INSERT INTO ${escapeIdentifier(table.name)} (${quoted(table, [table.columnNames[0]!])}) VALUES (DEFAULT) ${returning}`, columns: [], specs: [], locations: [] };
  }
  const placeholders = given.map((column, index) => `$${index + 1}::${paramType(table.column(column)!)}`).join(', ');
  return {
    text: `INSERT INTO ${escapeIdentifier(table.name)} (${quoted(table, given)}) VALUES (${placeholders}) ${returning}`,
    columns: given,
    specs: given.map((column) => table.column(column)!),
    locations: given.map((column) => ({ table: table.name, column })),
  };
}

function quoted(table: AnyTable, columns: readonly string[]): string {
  return columns.map((column) => escapeIdentifier(table.sqlName(column))).join(', ');
}

function givenColumns(table: AnyTable, entries: ReadonlyArray<readonly ColumnEntry[]>): string[] {
  const given = new Set(entries.flatMap((row) => row.filter((entry) => entry.value !== undefined).map((entry) => entry.column)));
  return table.columnNames.filter((column) => given.has(column));
}

/**
 * Insert-or-update of one row. On CockroachDB, with the primary key as the
 * conflict target, `UPSERT INTO` (a blind write, no read of the old row);
 * otherwise, and always on PostgreSQL, `INSERT … ON CONFLICT (…) DO UPDATE`
 * setting every given column that is not part of the target.
 */
export function buildUpsert(table: AnyTable, values: unknown, options: unknown, dialect: Dialect): SqlQuery {
  const conflict = conflictTarget(table, options);
  const params = new ParamList();
  const { columns, values: valuesSql } = valuesClause(table, [values], params);
  const target = escapeIdentifier(table.name);
  const columnList = quoted(table, columns);
  const returning = `RETURNING ${selectList(table)}`;
  if (dialect === 'cockroach' && sameColumns(conflict, table.primaryKey)) {
    return { text: `UPSERT INTO ${target} (${columnList}) VALUES ${valuesSql} ${returning}`, values: params.values };
  }
  // With nothing else to set, re-set the key itself: DO NOTHING would return no row.
  const updated = columns.filter((column) => !conflict.includes(column));
  const assignments = (updated.length > 0 ? updated : [conflict[0]!])
    .map((column) => `${escapeIdentifier(table.sqlName(column))} = excluded.${escapeIdentifier(table.sqlName(column))}`)
    .join(', ');
  return {
    text:
      `INSERT INTO ${target} (${columnList}) VALUES ${valuesSql} ` +
      `ON CONFLICT (${quoted(table, conflict)}) DO UPDATE SET ${assignments} ${returning}`,
    values: params.values,
  };
}

function valuesClause(table: AnyTable, rows: readonly unknown[], params: ParamList): { columns: string[]; values: string } {
  const entries = rows.map((row) => columnEntries(table, row, 'the values').filter((entry) => entry.value !== undefined));
  const given = givenColumns(table, entries);
  // Every row all defaults: name one column and give it DEFAULT, which both dialects accept.
  const columns = given.length > 0 ? given : [table.columnNames[0]!];
  if (rows.length * columns.length > MAX_PARAMETERS) {
    throw new ValidationError(table.name, undefined, `too many values for one statement (${rows.length} rows × ${columns.length} columns); use insertMany, which splits them`);
  }
  const tuples = entries.map((row) => {
    const byColumn = new Map(row.map((entry) => [entry.column, entry.value]));
    for (const column of table.columnNames) {
      const spec = table.column(column)!;
      if (!byColumn.has(column) && !spec.nullable && spec.default === undefined) {
        throw new ValidationError(table.name, column, 'a value is required: the column is NOT NULL and has no default');
      }
    }
    const items = columns.map((column) => {
      if (!byColumn.has(column)) return 'DEFAULT';
      const spec = table.column(column)!;
      return params.add(encodeValue(spec, byColumn.get(column), { table: table.name, column }), paramType(spec));
    });
    return `(${items.join(', ')})`;
  });
  return { columns, values: tuples.join(', ') };
}

function conflictTarget(table: AnyTable, options: unknown): string[] {
  const record = options === undefined ? {} : ownRecord(table, options, 'the upsert options');
  checkOptionNames(table, record, ['conflict'], 'upsert');
  const given = record.conflict;
  const columns = given === undefined ? [...table.primaryKey] : Array.isArray(given) ? [...(given as unknown[])] : [given];
  if (columns.length === 0) {
    throw new ValidationError(table.name, undefined, 'upsert needs a conflict target: the table has no primary key, so name a unique column');
  }
  for (const column of columns) {
    if (typeof column !== 'string' || !table.column(column)) {
      throw new ValidationError(table.name, typeof column === 'string' ? column : undefined, 'unknown column in the upsert conflict target');
    }
  }
  const names = columns as string[];
  const uniqueKeys = [
    table.primaryKey,
    ...table.columnNames.filter((column) => table.column(column)!.unique).map((column) => [column]),
    ...table.indexes.filter((index) => index.unique).map((index) => index.columns),
  ];
  if (!uniqueKeys.some((key) => sameColumns(key, names))) {
    throw new ValidationError(table.name, names.join(', '), 'the upsert conflict target must be the primary key, a unique column or a unique index');
  }
  return names;
}

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length > 0 && a.length === b.length && a.every((column) => b.includes(column));
}
