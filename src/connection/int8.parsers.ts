import pg from 'pg';
import type { TypeOverrides } from 'pg';
import { parse as parseArray } from 'postgres-array';
import { UnsafeIntegerError } from '../errors.js';
import type { Int8Mode } from '../interfaces/cockroach-options.interface.js';

const INT8_OID = 20;
const INT8_ARRAY_OID = 1016;
const DATE_OID = 1082;
const DATE_ARRAY_OID = 1182;

function int8ToNumber(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new UnsafeIntegerError(text);
  return value;
}

const CONVERTERS: Record<Int8Mode, (text: string) => string | bigint | number> = {
  string: (text) => text,
  bigint: (text) => BigInt(text),
  number: int8ToNumber,
};

/**
 * Type parsers for one pool. They are handed to the pool's clients instead of
 * being registered on the global `pg.types`, so two connections (or another
 * library in the same process) can each keep their own INT8 policy.
 */
export function createTypeParsers(mode: Int8Mode): TypeOverrides {
  const convert = CONVERTERS[mode];
  const parsers = new pg.TypeOverrides();
  parsers.setTypeParser(INT8_OID, 'text', convert);
  parsers.setTypeParser(INT8_ARRAY_OID, 'text', (text: string) => parseArray(text, convert));
  // pg's default turns a DATE into a Date at local midnight, which a time zone can shift by a day.
  parsers.setTypeParser(DATE_OID, 'text', (text: string) => text);
  parsers.setTypeParser(DATE_ARRAY_OID, 'text', (text: string) => parseArray(text, (item) => item));
  return parsers;
}
