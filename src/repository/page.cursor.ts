import { InvalidCursorError } from '../errors.js';
import type { ColumnKind, ColumnSpec } from '../schema/column.types.js';
import type { AnyTable } from '../schema/table.definition.js';
import { encodeValue } from '../schema/value.encoder.js';
import { cursorPrefix, decodeCursor, encodeCursor, type CursorValue } from './cursor.codec.js';

/**
 * Keyset-pagination cursors. A cursor holds the sort values of the last row
 * of a page and a fingerprint of the query it belongs to (table, order,
 * filter), as base64url JSON. It is opaque to callers but not secret: its
 * values are checked against the column types and bound like any value, so a
 * hand-made cursor can only choose where a page starts. A cursor for another
 * query, or one that does not parse, is an `InvalidCursorError`.
 */

const VERSION = 1;
/** TIMESTAMPTZ as the server prints it (`::TEXT`): microseconds and offset included. */
const TIMESTAMP_TEXT = /^([0-9]{4,})-([0-9]{2})-([0-9]{2})[ T]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]{1,6})?([+-][0-9]{2}(:[0-9]{2}){0,2}|Z)?$/;
const HEX = /^(?:[0-9a-f]{2})*$/;

/** The sort columns a cursor holds values of: their names and specs (as NOT NULL: a cursor never holds NULL). Made once per page plan. */
export interface CursorColumns {
  readonly names: readonly string[];
  readonly specs: readonly ColumnSpec[];
}

export function cursorColumns(table: AnyTable, names: readonly string[]): CursorColumns {
  // findPage refuses nullable sort columns; the NOT NULL copy makes a null in a forged cursor a type error.
  return { names, specs: names.map((name) => ({ ...table.column(name)!, nullable: false })) };
}

/** Whether the server sends values of this kind in exactly the form `encodeValue` would write them (a string or a safe number). */
function sentAsWritten(kind: ColumnKind, value: unknown): boolean {
  switch (kind) {
    case 'uuid':
    case 'text':
    case 'enum':
      return typeof value === 'string';
    case 'int4':
    case 'int2':
      return typeof value === 'number';
    default:
      return false;
  }
}


/**
 * Which query a cursor belongs to (table, order, filter). Not a secret and
 * not a defence (a cursor can only choose where a page starts), so a fast
 * 53-bit string hash does: it runs on every findPage, where SHA-256 cost more
 * than building the rest of the statement.
 */
export function queryFingerprint(table: AnyTable, order: ReadonlyArray<readonly [string, string]>, whereText: string, whereValues: readonly unknown[]): string {
  let key = `${table.name}\u0000`;
  for (const [column, direction] of order) key += `${column} ${direction},`;
  key += `\u0000${whereText}`;
  if (whereValues.length > 0) key += `\u0000${JSON.stringify(whereValues, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))}`;
  return hash53(key).toString(36);
}

/** cyrb53 (public domain): a 53-bit hash of a string, well spread, no allocation. */
function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * The cursor after `row`. `exact` holds the server's text of each TIMESTAMPTZ
 * sort value, in the order of the plan's exact columns: a JavaScript `Date`
 * keeps milliseconds, the column microseconds, and a cursor a microsecond
 * early would repeat a row.
 */
export function writeCursor(table: AnyTable, columns: CursorColumns, row: Record<string, unknown>, exact: readonly string[], fingerprint: string): string {
  const values: CursorValue[] = [];
  let exactIndex = 0;
  for (let index = 0; index < columns.names.length; index++) {
    const column = columns.names[index]!;
    const spec = columns.specs[index]!;
    const value = row[column];
    if (spec.kind === 'timestamptz') {
      values.push(exact[exactIndex++]!);
    } else if (sentAsWritten(spec.kind, value)) {
      // What the server sent for these is already the cursor's form: no need to check it again.
      values.push(value as CursorValue);
    } else {
      const encoded = encodeValue(spec, value, { table: table.name, column });
      values.push(Buffer.isBuffer(encoded) ? encoded.toString('hex') : (encoded as CursorValue));
    }
  }
  return encodeCursor(prefixOf(fingerprint), values);
}

/** The bound values a cursor resumes after, one per sort column, each checked as its column's type. */
export function readCursor(table: AnyTable, columns: CursorColumns, cursor: unknown, fingerprint: string): unknown[] {
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > 65536) invalidCursor(table, 'expected the `next` string of a previous page');
  const content = decodeCursor(cursor as string, prefixOf(fingerprint), VERSION, fingerprint);
  if (content === undefined) invalidCursor(table, 'it is not a cursor this library wrote');
  const { v, f, k } = content;
  if (v !== VERSION || typeof f !== 'string' || !Array.isArray(k)) invalidCursor(table, 'it is not a cursor this library wrote');
  if (f !== fingerprint) invalidCursor(table, 'it was made for another query (a different table, orderBy or filter)');
  if (k.length !== columns.names.length) invalidCursor(table, 'it does not hold one value per sort column');
  const values: unknown[] = [];
  for (let index = 0; index < k.length; index++) values.push(cursorValue(table, columns.names[index]!, columns.specs[index]!, k[index]));
  return values;
}

/** Cursor prefixes by fingerprint: one per query shape (and filter values), so a small bound suffices. */
const prefixes = new Map<string, string>();
const MAX_PREFIXES = 1024;

function prefixOf(fingerprint: string): string {
  let prefix = prefixes.get(fingerprint);
  if (prefix === undefined) {
    if (prefixes.size >= MAX_PREFIXES) prefixes.clear();
    prefixes.set(fingerprint, (prefix = cursorPrefix(VERSION, fingerprint)));
  }
  return prefix;
}

function invalidCursor(table: AnyTable, problem: string): never {
  throw new InvalidCursorError(table.name, undefined, `invalid cursor: ${problem}; start again from the first page`);
}

const NO_LOCATION = { table: undefined, column: undefined };

function cursorValue(table: AnyTable, column: string, spec: ColumnSpec, value: unknown): unknown {
  switch (spec.kind) {
    case 'timestamptz':
      if (typeof value !== 'string' || !isTimestampText(value)) invalidCursor(table, `${column}: not a timestamp`);
      return value;
    case 'bytes':
      if (typeof value !== 'string' || !HEX.test(value)) invalidCursor(table, `${column}: not hex bytes`);
      return checkedValue(table, column, spec, Buffer.from(value, 'hex'));
    default:
      return checkedValue(table, column, spec, value);
  }
}

/** The value as its column's type binds it; a value the column would refuse makes the cursor invalid, with the reason. */
function checkedValue(table: AnyTable, column: string, spec: ColumnSpec, value: unknown): unknown {
  try {
    return encodeValue(spec, value, NO_LOCATION);
  } catch (error) {
    return invalidCursor(table, `${column}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The shape the server prints, and a real calendar day and time, so the `::TIMESTAMPTZ` cast cannot fail on the server. */
function isTimestampText(text: string): boolean {
  const match = TIMESTAMP_TEXT.exec(text);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const parsed = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  parsed.setUTCFullYear(year);
  return parsed.getUTCFullYear() === year && parsed.getUTCMonth() === month - 1 && parsed.getUTCDate() === day && parsed.getUTCHours() === hour && parsed.getUTCMinutes() === minute && parsed.getUTCSeconds() === second;
}
