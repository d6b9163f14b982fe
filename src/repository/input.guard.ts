import { ValidationError } from '../errors.js';
import type { ColumnSpec } from '../schema/column.types.js';
import { FORBIDDEN_KEYS } from '../schema/identifiers.js';
import type { AnyTable } from '../schema/table.definition.js';

export interface ColumnEntry {
  readonly column: string;
  readonly spec: ColumnSpec;
  readonly value: unknown;
}

/**
 * The own enumerable entries of a caller's object, each matched to a column
 * of the table. Unknown names, `__proto__`-style keys and symbol keys are
 * refused: a name reaches SQL only after `table.column()` has vouched for it.
 */
export function columnEntries(table: AnyTable, input: unknown, what: string): ColumnEntry[] {
  const record = ownRecord(table, input, what);
  return Object.keys(record).map((column) => {
    const spec = table.column(column);
    if (!spec) throw new ValidationError(table.name, column, `unknown column in ${what}`);
    return { column, spec, value: record[column] };
  });
}

/** A caller's object as a record, after refusing non-objects, symbol keys and prototype-reaching keys. */
export function ownRecord(table: AnyTable, input: unknown, what: string): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ValidationError(table.name, undefined, `${what} must be an object`);
  }
  if (Object.getOwnPropertySymbols(input).length > 0) {
    throw new ValidationError(table.name, undefined, `${what} has symbol keys`);
  }
  const record = input as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (FORBIDDEN_KEYS.has(key)) {
      throw new ValidationError(table.name, key, `the key "${key}" in ${what} is refused: it could reach an object's prototype`);
    }
  }
  return record;
}

/** Refuses option names the method does not know, so a typo (`order` for `orderBy`) is not silently ignored. */
export function checkOptionNames(table: AnyTable, options: Record<string, unknown>, allowed: readonly string[], what: string): void {
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new ValidationError(table.name, undefined, `unknown ${what} option "${key}" (expected ${allowed.join(', ')})`);
    }
  }
}

/**
 * `ownRecord`, then `checkOptionNames`: one pass over the keys when all are
 * allowed (the hot path, as no allowed option name is a refused key), and
 * otherwise the two checks in turn, for the same errors in the same order.
 */
export function optionRecord(table: AnyTable, input: unknown, what: string, allowed: readonly string[], method: string): Record<string, unknown> {
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
    let known = true;
    for (const key of Object.keys(input)) {
      if (!allowed.includes(key)) {
        known = false;
        break;
      }
    }
    if (known && Object.getOwnPropertySymbols(input).length === 0) return input as Record<string, unknown>;
  }
  const record = ownRecord(table, input, what);
  checkOptionNames(table, record, allowed, method);
  return record;
}
