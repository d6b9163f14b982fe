import { ValidationError } from '../errors.js';
import type { ColumnKind, ColumnSpec } from './column.types.js';
import { encodeJson, LONE_SURROGATE } from './json.encoder.js';

/** Where a value is headed, for error messages. */
export interface ValueLocation {
  readonly table: string | undefined;
  readonly column: string | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INTEGER = /^-?[0-9]+$/;
const NUMERIC = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;

const DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

type ScalarKind = Exclude<ColumnKind, 'array'>;
/** Checks one scalar; a problem is reported through `fail(location, prefix, …)`. */
type ScalarEncoder = (value: unknown, location: ValueLocation, prefix: string) => unknown;

/**
 * Checks a value against a column's type and returns what is bound for it:
 * INT8 and DECIMAL as exact decimal strings, JSON as its text, arrays element
 * by element. Throws `ValidationError` naming table and column; nothing here
 * touches the database.
 */
export function encodeValue(spec: ColumnSpec, value: unknown, location: ValueLocation): unknown {
  return encode(spec, value, location, '');
}

/**
 * The one way a check fails. Location and prefix travel as arguments rather
 * than in a closure made per call: every value a repository binds passes
 * through here, and a closure per value was a measurable part of its cost.
 */
function fail(location: ValueLocation, prefix: string, problem: string): never {
  throw new ValidationError(location.table, location.column, `${prefix}${problem}`);
}

function encode(spec: ColumnSpec, value: unknown, location: ValueLocation, prefix: string): unknown {
  if (value === null) {
    if (!spec.nullable) fail(location, prefix, 'null is not allowed: the column is NOT NULL');
    return null;
  }
  if (value === undefined) fail(location, prefix, 'undefined is not a value; leave the column out or pass null');
  if (spec.kind === 'array') return encodeArray(spec, value, location);
  const encoded = SCALARS[spec.kind](value, location, prefix);
  if (spec.maxLength !== undefined) checkLength(encoded as string, spec.maxLength, location, prefix);
  if (spec.enumValues !== undefined && !spec.enumValues.includes(encoded as string)) {
    fail(location, prefix, `${describe(value)} is not one of ${spec.enumValues.map((item) => JSON.stringify(item)).join(', ')}`);
  }
  return encoded;
}

/** VARCHAR(n) counts characters (code points), as the server does, not UTF-16 units. */
function checkLength(value: string, maxLength: number, location: ValueLocation, prefix: string): void {
  if (value.length <= maxLength) return;
  let characters = 0;
  for (const _ of value) characters++;
  if (characters > maxLength) fail(location, prefix, `the string has ${characters} characters, more than the column's ${maxLength}`);
}

function encodeArray(spec: ColumnSpec, value: unknown, location: ValueLocation): unknown[] {
  const element = spec.element!;
  if (!Array.isArray(value)) fail(location, '', `expected an array of ${element.kind}, got ${describe(value)}`);
  const encoded: unknown[] = [];
  for (let index = 0; index < value.length; index++) {
    const prefix = `element ${index}: `;
    if (!Object.hasOwn(value, index)) fail(location, prefix, 'is a hole in the array');
    const item: unknown = value[index];
    if (Array.isArray(item)) fail(location, prefix, 'is an array, but arrays are one-dimensional');
    encoded.push(encode(element, item, location, prefix));
  }
  return encoded;
}

const SCALARS: Record<ScalarKind, ScalarEncoder> = {
  uuid: (value, location, prefix) => {
    if (typeof value !== 'string' || !UUID.test(value)) fail(location, prefix, `expected a UUID, got ${describe(value)}`);
    return value;
  },
  int8: encodeInt8,
  int4: (value, location, prefix) => encodeSmallInteger(value, 2 ** 31, 'INT4', location, prefix),
  int2: (value, location, prefix) => encodeSmallInteger(value, 2 ** 15, 'INT2', location, prefix),
  float8: (value, location, prefix) => {
    if (typeof value !== 'number') fail(location, prefix, `expected a number, got ${describe(value)}`);
    if (!Number.isFinite(value)) fail(location, prefix, `expected a finite number, got ${value}`);
    return value;
  },
  date: (value, location, prefix) => {
    const match = typeof value === 'string' ? DATE.exec(value) : null;
    if (!match) fail(location, prefix, `expected a date as 'YYYY-MM-DD', got ${describe(value)}`);
    // Date.UTC rolls 2023-02-30 over to March; a real day maps back to itself. The year is set on its own:
    // Date.UTC reads years 0-99 as 1900-1999, which refused every date of the first century.
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    if (year === 0) fail(location, prefix, `${describe(value)} is not a calendar date: there is no year 0 (1 BC is written with BC)`);
    const parsed = new Date(Date.UTC(2000, month - 1, day));
    parsed.setUTCFullYear(year, month - 1, day);
    if (parsed.getUTCFullYear() !== year || parsed.getUTCMonth() !== month - 1 || parsed.getUTCDate() !== day) {
      fail(location, prefix, `${describe(value)} is not a calendar date`);
    }
    return value;
  },
  text: encodeText,
  enum: encodeText,
  bool: (value, location, prefix) => {
    if (typeof value !== 'boolean') fail(location, prefix, `expected a boolean, got ${describe(value)}`);
    return value;
  },
  timestamptz: (value, location, prefix) => {
    if (!(value instanceof Date)) fail(location, prefix, `expected a Date, got ${describe(value)}`);
    if (Number.isNaN(value.getTime())) fail(location, prefix, 'the Date is invalid');
    return value;
  },
  decimal: (value, location, prefix) => {
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) fail(location, prefix, `expected a finite number, got ${value}`);
      const text = String(value);
      // Any decimal of at most 15 significant digits survives the trip through a double and back (DBL_DIG):
      // then String(value) is the decimal that was written. More digits mean this number may be a neighbour of it.
      if (!Number.isSafeInteger(value) && significantDigits(text) > 15) {
        fail(location, prefix, `${text} cannot be stored exactly: a JavaScript number holds about 15 significant digits; pass the decimal as a string`);
      }
      return text;
    }
    if (typeof value !== 'string' || !NUMERIC.test(value)) fail(location, prefix, `expected a decimal number or numeric string, got ${describe(value)}`);
    return value;
  },
  bytes: (value, location, prefix) => {
    if (!(value instanceof Uint8Array)) fail(location, prefix, `expected a Buffer or Uint8Array, got ${describe(value)}`);
    return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  },
  jsonb: (value, location, prefix) => encodeJson(value, (problem) => fail(location, prefix, `not JSON-serialisable: ${problem}`)),
};

function encodeText(value: unknown, location: ValueLocation, prefix: string): string {
  if (typeof value !== 'string') fail(location, prefix, `expected a string, got ${describe(value)}`);
  // PostgreSQL refuses NUL in text; refusing it everywhere keeps both dialects alike.
  if (value.includes('\u0000')) fail(location, prefix, 'the string contains a NUL character');
  // UTF-8 cannot encode a lone surrogate: the driver would silently store U+FFFD instead.
  if (LONE_SURROGATE.test(value)) fail(location, prefix, 'the string contains an unpaired UTF-16 surrogate, which UTF-8 cannot encode');
  return value;
}

function encodeSmallInteger(value: unknown, limit: number, type: string, location: ValueLocation, prefix: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) fail(location, prefix, `expected an integer number, got ${describe(value)}`);
  if (value < -limit || value >= limit) fail(location, prefix, `${value} is outside the ${type} range`);
  return value;
}

function encodeInt8(value: unknown, location: ValueLocation, prefix: string): string {
  let integer: bigint;
  if (typeof value === 'bigint') {
    integer = value;
  } else if (typeof value === 'number') {
    // A number beyond 2^53 has already lost digits; refuse it rather than store a neighbour.
    if (!Number.isSafeInteger(value)) fail(location, prefix, `expected a safe integer, got ${value}; pass larger INT8 values as a string or bigint`);
    integer = BigInt(value);
  } else if (typeof value === 'string' && INTEGER.test(value)) {
    integer = BigInt(value);
  } else {
    fail(location, prefix, `expected an integer (string, bigint or safe number), got ${describe(value)}`);
  }
  if (integer < INT8_MIN || integer > INT8_MAX) fail(location, prefix, `${integer} is outside the INT8 range`);
  return integer.toString();
}

/** The significant digits of a number's `String()` form: `1.2345678901234568e+29` has 17, `0.00012` and `1.2e+21` have 2. */
function significantDigits(text: string): number {
  const mantissa = text.split('e')[0]!.replace(/[-.]/g, '');
  return mantissa.replace(/^0+/, '').replace(/0+$/, '').length;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  return `${typeof value} ${String(value)}`;
}
