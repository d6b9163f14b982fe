import pg from 'pg';
import type { SqlQuery } from '../connection/sql.template.js';
import { ValidationError } from '../errors.js';
import { paramType } from '../schema/column.sql.js';
import type { ColumnSpec, NumericKind } from '../schema/column.types.js';
import type { AnyTable } from '../schema/table.definition.js';
import { encodeValue } from '../schema/value.encoder.js';
import { columnEntries, ownRecord } from './input.guard.js';
import { ParamList } from './param.list.js';
import { selectList } from './select.builder.js';
import { buildWhere } from './where.builder.js';

const { escapeIdentifier } = pg;

const NUMERIC_KINDS: ReadonlySet<string> = new Set<NumericKind>(['int8', 'int4', 'int2', 'float8', 'decimal']);

/** `UPDATE … SET … WHERE … RETURNING …`; the filter must name at least one column. */
export function buildUpdate(table: AnyTable, where: unknown, patch: unknown): SqlQuery {
  const params = new ParamList();
  const assignments = columnEntries(table, patch, 'the patch')
    .filter((entry) => entry.value !== undefined)
    .map(({ column, spec, value }) => {
      const name = escapeIdentifier(table.sqlName(column));
      return `${name} = ${isNumericChange(spec, value) ? numericChange(table, column, spec, value, name, params) : params.add(encodeValue(spec, value, { table: table.name, column }), paramType(spec))}`;
    });
  if (assignments.length === 0) throw new ValidationError(table.name, undefined, 'the patch sets no column');
  const condition = buildWhere(table, where, params, true);
  return {
    text: `UPDATE ${escapeIdentifier(table.name)} SET ${assignments.join(', ')}${condition} RETURNING ${selectList(table)}`,
    values: params.values,
  };
}

/** `DELETE FROM … WHERE …`; the filter must name at least one column. */
export function buildDelete(table: AnyTable, where: unknown): SqlQuery {
  const params = new ParamList();
  return { text: `DELETE FROM ${escapeIdentifier(table.name)}${buildWhere(table, where, params, true)}`, values: params.values };
}

/** A plain object on a numeric column can only be a change: numbers, strings and bigints are values. */
function isNumericChange(spec: ColumnSpec, value: unknown): value is object {
  return NUMERIC_KINDS.has(spec.kind) && typeof value === 'object' && value !== null;
}

/** `n + $1` / `n - $1`, computed by the server from the row's current value, so concurrent changes add up. */
function numericChange(table: AnyTable, column: string, spec: ColumnSpec, change: object, name: string, params: ParamList): string {
  const record = ownRecord(table, change, `the change of "${column}"`);
  const keys = Object.keys(record);
  if (keys.length !== 1 || (keys[0] !== 'increment' && keys[0] !== 'decrement')) {
    throw new ValidationError(table.name, column, 'a numeric change is { increment: n } or { decrement: n }');
  }
  const amount = encodeValue({ ...spec, nullable: false }, record[keys[0]], { table: table.name, column });
  return `${name} ${keys[0] === 'increment' ? '+' : '-'} ${params.add(amount, paramType(spec))}`;
}
