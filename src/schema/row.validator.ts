import { ValidationError } from '../errors.js';
import type { StandardSchemaV1 } from './standard-schema.types.js';
import type { TableShape } from './column.builder.js';
import { FORBIDDEN_KEYS } from './identifiers.js';
import { encodeValue } from './value.encoder.js';

export type RowShape = 'insert' | 'patch';

/**
 * Every problem of a row the repository would refuse, as Standard Schema
 * issues: the same checks as `insert` / `update` (unknown columns, prototype
 * keys, each value against its column, required columns, an empty patch)
 * with the same messages, but all of them at once, each at its column's path.
 */
export function rowIssues(table: TableShape, input: unknown, shape: RowShape): StandardSchemaV1.Issue[] {
  const what = shape === 'insert' ? 'the values' : 'the patch';
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return [{ message: `${what} must be an object` }];
  if (Object.getOwnPropertySymbols(input).length > 0) return [{ message: `${what} has symbol keys` }];
  const record = input as Record<string, unknown>;
  const issues: StandardSchemaV1.Issue[] = [];
  const given = new Set<string>();
  for (const key of Object.keys(record)) {
    if (FORBIDDEN_KEYS.has(key)) {
      issues.push({ message: `the key "${key}" in ${what} is refused: it could reach an object's prototype`, path: [key] });
      continue;
    }
    const spec = table.column(key);
    if (!spec) {
      issues.push({ message: `unknown column in ${what}`, path: [key] });
      continue;
    }
    if (record[key] === undefined) continue;
    given.add(key);
    try {
      encodeValue(spec, record[key], { table: table.name, column: key });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      issues.push({ message: error.problem, path: [key] });
    }
  }
  if (shape === 'insert') {
    for (const column of table.columnNames) {
      const spec = table.column(column)!;
      if (!given.has(column) && !spec.nullable && spec.default === undefined) {
        issues.push({ message: 'a value is required: the column is NOT NULL and has no default', path: [column] });
      }
    }
  } else if (given.size === 0 && issues.length === 0) {
    issues.push({ message: 'the patch sets no column' });
  }
  return issues;
}

/** A Standard Schema validator for one row shape of the table; the value passes through unchanged. */
export function rowSchema<TOutput>(table: TableShape, shape: RowShape): StandardSchemaV1<TOutput, TOutput> {
  return {
    '~standard': {
      version: 1,
      vendor: 'nestjs-cockroachdb',
      validate: (value: unknown): StandardSchemaV1.Result<TOutput> => {
        const issues = rowIssues(table, value, shape);
        return issues.length > 0 ? { issues } : { value: value as TOutput };
      },
    },
  };
}
