import pg from 'pg';
import type { SqlQuery } from '../database/sql.template.js';
import { ValidationError } from '../errors.js';
import { sqlType } from '../schema/column.sql.js';
import type { AnyTable } from '../schema/table.definition.js';
import { encodeValue } from '../schema/value.encoder.js';
import { columnEntries } from './input.guard.js';
import { ParamList } from './param.list.js';
import { selectList } from './select.builder.js';
import { buildWhere } from './where.builder.js';

const { escapeIdentifier } = pg;

/** `UPDATE … SET … WHERE … RETURNING …`; the filter must name at least one column. */
export function buildUpdate(table: AnyTable, where: unknown, patch: unknown): SqlQuery {
  const params = new ParamList();
  const assignments = columnEntries(table, patch, 'the patch')
    .filter((entry) => entry.value !== undefined)
    .map(({ column, spec, value }) => `${escapeIdentifier(column)} = ${params.add(encodeValue(spec, value, { table: table.name, column }), sqlType(spec))}`);
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
