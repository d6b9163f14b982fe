import pg from 'pg';
import { ValidationError } from '../errors.js';
import { paramType } from '../schema/column.sql.js';
import type { ColumnKind, ColumnSpec } from '../schema/column.types.js';
import type { AnyTable } from '../schema/table.definition.js';
import { encodeValue } from '../schema/value.encoder.js';
import { columnEntries, ownRecord } from './input.guard.js';
import type { ParamList } from './param.list.js';

const { escapeIdentifier } = pg;

type Operator =
  | 'eq'
  | 'ne'
  | 'gt'
  | 'gte'
  | 'lt'
  | 'lte'
  | 'between'
  | 'in'
  | 'notIn'
  | 'isNull'
  | 'like'
  | 'ilike'
  | 'contains'
  | 'overlaps';

const EQUALITY: readonly Operator[] = ['eq', 'ne', 'in', 'notIn', 'isNull'];
const ORDERED: readonly Operator[] = [...EQUALITY, 'gt', 'gte', 'lt', 'lte', 'between'];
const TEXT: readonly Operator[] = [...ORDERED, 'like', 'ilike'];

/** The key of a `where` object that holds alternatives; `$` cannot start a column name, so it never collides with one. */
export const OR_KEY = '$or';

const OPERATORS: Record<ColumnKind, readonly Operator[]> = {
  uuid: ORDERED,
  int8: ORDERED,
  int4: ORDERED,
  int2: ORDERED,
  float8: ORDERED,
  text: TEXT,
  enum: ORDERED,
  date: ORDERED,
  timestamptz: ORDERED,
  decimal: ORDERED,
  bool: EQUALITY,
  bytes: EQUALITY,
  jsonb: ['eq', 'ne', 'contains', 'isNull'],
  array: ['eq', 'ne', 'contains', 'overlaps', 'isNull'],
};

const COMPARISONS: Partial<Record<Operator, string>> = { eq: '=', ne: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' };

/**
 * Writes a `where` object as SQL conditions joined by AND, binding every
 * value. Returns `''` for no conditions; `required` refuses that (so an
 * `update` or `delete` never reaches every row by accident).
 */
export function buildWhere(table: AnyTable, where: unknown, params: ParamList, required: boolean): string {
  const conditions = where === undefined ? [] : whereConditions(table, where, params);
  if (conditions.length === 0) {
    if (required) throw new ValidationError(table.name, undefined, 'the filter is empty; name at least one column so that not every row is touched');
    return '';
  }
  return ` WHERE ${conditions.join(' AND ')}`;
}

/** The conditions of one `where` object (ANDed by the caller); `$or` holds where objects of which any may match. */
function whereConditions(table: AnyTable, where: unknown, params: ParamList): string[] {
  const record = ownRecord(table, where, 'the filter');
  const alternatives = record[OR_KEY];
  const columns = Object.hasOwn(record, OR_KEY) ? Object.fromEntries(Object.entries(record).filter(([key]) => key !== OR_KEY)) : record;
  const conditions = columnEntries(table, columns, 'the filter').flatMap((entry) =>
    columnConditions(table, entry.column, entry.spec, entry.value, params),
  );
  if (Object.hasOwn(record, OR_KEY)) conditions.push(orCondition(table, alternatives, params));
  return conditions;
}

function orCondition(table: AnyTable, alternatives: unknown, params: ParamList): string {
  if (!Array.isArray(alternatives) || alternatives.length === 0) {
    throw new ValidationError(table.name, undefined, `${OR_KEY} takes a non-empty array of filters`);
  }
  const branches = alternatives.map((alternative) => {
    const conditions = whereConditions(table, alternative, params);
    // An empty branch matches every row, which would silently make the whole $or true.
    if (conditions.length === 0) throw new ValidationError(table.name, undefined, `every filter in ${OR_KEY} must name a column`);
    return conditions.length === 1 ? conditions[0]! : `(${conditions.join(' AND ')})`;
  });
  return branches.length === 1 ? branches[0]! : `(${branches.join(' OR ')})`;
}

function columnConditions(table: AnyTable, column: string, spec: ColumnSpec, filter: unknown, params: ParamList): string[] {
  const name = escapeIdentifier(table.sqlName(column));
  const fail: (problem: string) => never = (problem) => {
    throw new ValidationError(table.name, column, problem);
  };
  if (filter === undefined) fail('the filter value is undefined; leave the column out or use { isNull: true }');
  if (filter === null) return [`${name} IS NULL`];
  if (!isOperatorObject(filter)) {
    if (spec.kind === 'jsonb') fail('filter a JSON column with { eq }, { contains } or { isNull }');
    return [`${name} = ${operand(table, column, spec, filter, params)}`];
  }
  const operators = ownRecord(table, filter, `the filter on "${column}"`);
  const names = Object.keys(operators);
  if (names.length === 0) fail('the filter object has no operator');
  const allowed = OPERATORS[spec.kind];
  return names.map((key) => {
    const operator = allowed.find((candidate) => candidate === key);
    if (!operator) fail(`unknown operator "${key}" for a ${spec.kind} column (allowed: ${allowed.join(', ')})`);
    const value = operators[key];
    switch (operator) {
      case 'isNull':
        if (typeof value !== 'boolean') fail('isNull takes true or false');
        return `${name} IS ${value ? '' : 'NOT '}NULL`;
      case 'in':
      case 'notIn':
        return `${name} ${operator === 'in' ? '= ANY' : '<> ALL'}(${listOperand(table, column, spec, value, operator, params)})`;
      case 'between': {
        if (!Array.isArray(value) || value.length !== 2) fail('between takes [low, high]');
        const [low, high] = value as unknown[];
        return `${name} BETWEEN ${operand(table, column, spec, low, params)} AND ${operand(table, column, spec, high, params)}`;
      }
      case 'like':
      case 'ilike':
        // The pattern is bound like any value; its % and _ are the caller's to use or escape.
        if (typeof value !== 'string') fail(`${operator} takes a pattern string`);
        return `${name} ${operator === 'like' ? 'LIKE' : 'ILIKE'} ${params.add(encodeValue({ ...spec, nullable: false, maxLength: undefined }, value, { table: table.name, column }), 'TEXT')}`;
      case 'contains':
        return `${name} @> ${operand(table, column, spec, value, params)}`;
      case 'overlaps':
        return `${name} && ${operand(table, column, spec, value, params)}`;
      default:
        return `${name} ${COMPARISONS[operator]!} ${operand(table, column, spec, value, params)}`;
    }
  });
}

/** Dates, buffers and arrays are values; any other object is a set of operators. */
function isOperatorObject(filter: unknown): boolean {
  return typeof filter === 'object' && filter !== null && !Array.isArray(filter) && !(filter instanceof Date) && !ArrayBuffer.isView(filter);
}

function operand(table: AnyTable, column: string, spec: ColumnSpec, value: unknown, params: ParamList): string {
  if (value === null) throw new ValidationError(table.name, column, 'null compares with nothing; use null or { isNull: true } to match NULL');
  // A filter value is not stored: an enum or length bound would only refuse a comparison the server answers fine.
  return params.add(encodeValue(filterSpec(spec), value, { table: table.name, column }), paramType(spec));
}

function filterSpec(spec: ColumnSpec): ColumnSpec {
  return spec.nullable || spec.maxLength !== undefined ? { ...spec, nullable: false, maxLength: undefined } : spec;
}

function listOperand(table: AnyTable, column: string, spec: ColumnSpec, value: unknown, operator: string, params: ParamList): string {
  if (!Array.isArray(value)) throw new ValidationError(table.name, column, `${operator} takes an array of values`);
  const listSpec: ColumnSpec = { ...spec, kind: 'array', element: filterSpec(spec), nullable: false, enumValues: undefined };
  return params.add(encodeValue(listSpec, value, { table: table.name, column }), `${paramType(spec)}[]`);
}
