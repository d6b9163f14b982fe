import pg from 'pg';
import type { SqlQuery } from '../database/sql.template.js';
import { ValidationError } from '../errors.js';
import { sqlType } from '../schema/column.sql.js';
import type { AnyTable } from '../schema/table.definition.js';
import { encodeValue } from '../schema/value.encoder.js';
import { checkOptionNames, columnEntries, ownRecord } from './input.guard.js';
import { ParamList } from './param.list.js';
import { buildWhere } from './where.builder.js';

const { escapeIdentifier } = pg;

/**
 * The table's columns for `SELECT` and `RETURNING`. DECIMAL arrays are read as
 * text arrays: pg would otherwise parse their elements as floats and lose digits.
 */
export function selectList(table: AnyTable): string {
  return table.columnNames
    .map((column) => {
      const spec = table.column(column)!;
      const name = escapeIdentifier(column);
      return spec.kind === 'array' && spec.element!.kind === 'decimal' ? `${name}::TEXT[] AS ${name}` : name;
    })
    .join(', ');
}

export function buildSelect(table: AnyTable, options: unknown = {}): SqlQuery {
  const record = ownRecord(table, options, 'the find options');
  checkOptionNames(table, record, ['where', 'orderBy', 'limit', 'offset'], 'find');
  const params = new ParamList();
  let text = `SELECT ${selectList(table)} FROM ${escapeIdentifier(table.name)}`;
  text += buildWhere(table, record.where, params, false);
  if (record.orderBy !== undefined) text += orderByClause(table, record.orderBy);
  if (record.limit !== undefined) text += ` LIMIT ${params.add(count(table, record.limit, 'limit'), 'INT8')}`;
  if (record.offset !== undefined) text += ` OFFSET ${params.add(count(table, record.offset, 'offset'), 'INT8')}`;
  return { text, values: params.values };
}

export function buildFindById(table: AnyTable, id: unknown): SqlQuery {
  if (table.primaryKey.length !== 1) {
    throw new ValidationError(table.name, undefined, 'findById needs a single-column primary key; use findOne');
  }
  const column = table.primaryKey[0]!;
  const spec = table.column(column)!;
  if (id === null || id === undefined) throw new ValidationError(table.name, column, 'findById needs an id');
  const params = new ParamList();
  const placeholder = params.add(encodeValue(spec, id, { table: table.name, column }), sqlType(spec));
  return {
    text: `SELECT ${selectList(table)} FROM ${escapeIdentifier(table.name)} WHERE ${escapeIdentifier(column)} = ${placeholder}`,
    values: params.values,
  };
}

export function buildCount(table: AnyTable, where: unknown): SqlQuery {
  const params = new ParamList();
  const text = `SELECT count(*) AS "count" FROM ${escapeIdentifier(table.name)}${buildWhere(table, where, params, false)}`;
  return { text, values: params.values };
}

function orderByClause(table: AnyTable, orderBy: unknown): string {
  const terms = columnEntries(table, orderBy, 'orderBy').map(({ column, value }) => {
    if (value !== 'asc' && value !== 'desc') {
      throw new ValidationError(table.name, column, `orderBy direction must be 'asc' or 'desc', got ${typeof value === 'string' ? JSON.stringify(value) : typeof value}`);
    }
    return `${escapeIdentifier(column)} ${value === 'asc' ? 'ASC' : 'DESC'}`;
  });
  return terms.length > 0 ? ` ORDER BY ${terms.join(', ')}` : '';
}

function count(table: AnyTable, value: unknown, option: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ValidationError(table.name, undefined, `${option} must be a non-negative integer, got ${typeof value === 'number' ? value : typeof value}`);
  }
  return value;
}
