import { InvalidCursorError } from '../errors.js';
import type { ColumnKind, ColumnSpec } from '../schema/column.types.js';
import type { AnyTable } from '../schema/table.definition.js';
import { encodeValue } from '../schema/value.encoder.js';

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

/** Kinds whose values the server sends as strings that are, as they are, what `encodeValue` would write. */
const SERVER_STRINGS: ReadonlySet<ColumnKind> = new Set<ColumnKind>(['uuid', 'text', 'enum']);

/** A value as it travels in a cursor: JSON-safe and exact. */
type CursorValue = string | number | boolean;

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
 * sort value: a JavaScript `Date` keeps milliseconds, the column microseconds,
 * and a cursor a microsecond early would repeat a row.
 */
export function writeCursor(table: AnyTable, columns: readonly string[], row: Record<string, unknown>, exact: ReadonlyMap<string, string>, fingerprint: string): string {
  const values = columns.map((column): CursorValue => {
    const spec = table.column(column)!;
    const value = row[column];
    if (spec.kind === 'timestamptz') return exact.get(column)!;
    // What the server sent for these is already the cursor's form (a string or a safe number): no need to check it again.
    if ((typeof value === 'string' && SERVER_STRINGS.has(spec.kind)) || (typeof value === 'number' && (spec.kind === 'int4' || spec.kind === 'int2'))) {
      return value;
    }
    const encoded = encodeValue(spec, value, { table: table.name, column });
    if (Buffer.isBuffer(encoded)) return encoded.toString('hex');
    return encoded as CursorValue;
  });
  return Buffer.from(JSON.stringify({ v: VERSION, f: fingerprint, k: values })).toString('base64url');
}

/** The bound values a cursor resumes after, one per sort column, each checked as its column's type. */
export function readCursor(table: AnyTable, columns: readonly string[], cursor: unknown, fingerprint: string): unknown[] {
  const fail = (problem: string): never => {
    throw new InvalidCursorError(table.name, undefined, `invalid cursor: ${problem}; start again from the first page`);
  };
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > 65536) fail('expected the `next` string of a previous page');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor as string, 'base64url').toString('utf8'));
  } catch {
    fail('it is not a cursor this library wrote');
  }
  const { v, f, k } = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as { v?: unknown; f?: unknown; k?: unknown };
  if (v !== VERSION || typeof f !== 'string' || !Array.isArray(k)) fail('it is not a cursor this library wrote');
  if (f !== fingerprint) fail('it was made for another query (a different table, orderBy or filter)');
  const values = k as unknown[];
  if (values.length !== columns.length) fail('it does not hold one value per sort column');
  return columns.map((column, index) => cursorValue(table.column(column)!, values[index], (problem) => fail(`${column}: ${problem}`)));
}

/** A cursor never holds NULL (findPage refuses nullable sort columns): each column's spec as NOT NULL, made once. */
const notNullSpecs = new WeakMap<ColumnSpec, ColumnSpec>();

function notNull(spec: ColumnSpec): ColumnSpec {
  let strict = notNullSpecs.get(spec);
  if (!strict) notNullSpecs.set(spec, (strict = { ...spec, nullable: false }));
  return strict;
}

function cursorValue(spec: ColumnSpec, value: unknown, fail: (problem: string) => never): unknown {
  const check = (candidate: unknown): unknown => {
    try {
      return encodeValue(notNull(spec), candidate, { table: undefined, column: undefined });
    } catch (error) {
      return fail(error instanceof Error ? error.message : String(error));
    }
  };
  switch (spec.kind) {
    case 'timestamptz':
      if (typeof value !== 'string' || !isTimestampText(value)) fail('not a timestamp');
      return value;
    case 'bytes':
      if (typeof value !== 'string' || !HEX.test(value)) fail('not hex bytes');
      return check(Buffer.from(value as string, 'hex'));
    default:
      return check(value);
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
