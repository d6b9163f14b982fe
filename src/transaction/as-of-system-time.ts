import { ConfigurationError } from '../errors';

/**
 * A validated AS OF SYSTEM TIME target. The clause takes no placeholders, so
 * the SQL is built only from these shapes, never from the caller's string.
 */
export type AsOfSystemTime =
  | { kind: 'timestamp'; sql: string }
  | { kind: 'interval'; sql: string }
  | { kind: 'follower-read'; sql: string };

/** `-10s`, `-1m30s`, `-1.5h`, `-500ms`: a negative duration in CockroachDB's interval units. */
const NEGATIVE_INTERVAL = /^-(?:\d{1,9}(?:\.\d{1,9})?(?:h|m|s|ms|us))+$/;

export function parseAsOfSystemTime(value: unknown): AsOfSystemTime {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new ConfigurationError('asOfSystemTime', 'the Date is invalid');
    if (value.getTime() > Date.now()) throw new ConfigurationError('asOfSystemTime', 'the Date is in the future');
    // toISOString() yields only digits, '-', ':', '.', 'T' and 'Z': safe inside quotes.
    return { kind: 'timestamp', sql: `'${value.toISOString()}'` };
  }
  if (typeof value === 'string') {
    if (value === 'follower_read_timestamp()') return { kind: 'follower-read', sql: value };
    if (NEGATIVE_INTERVAL.test(value)) return { kind: 'interval', sql: `'${value}'` };
  }
  throw new ConfigurationError(
    'asOfSystemTime',
    "expected a past Date, a negative interval like '-10s', or 'follower_read_timestamp()'",
  );
}
