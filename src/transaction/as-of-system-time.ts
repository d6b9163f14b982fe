import { ConfigurationError } from '../errors.js';

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

const MICROSECONDS_PER_UNIT: Readonly<Record<string, number>> = { h: 3_600_000_000, m: 60_000_000, s: 1_000_000, ms: 1000, us: 1 };

/** The length of an interval that matched `NEGATIVE_INTERVAL`, in microseconds. */
function microseconds(interval: string): number {
  let total = 0;
  for (const [, amount, unit] of interval.matchAll(/(\d+(?:\.\d+)?)(ms|us|h|m|s)/g)) total += Number(amount) * MICROSECONDS_PER_UNIT[unit!]!;
  return total;
}

export function parseAsOfSystemTime(value: unknown): AsOfSystemTime {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new ConfigurationError('asOfSystemTime', 'the Date is invalid');
    if (value.getTime() > Date.now()) throw new ConfigurationError('asOfSystemTime', 'the Date is in the future');
    // toISOString() yields only digits, '-', ':', '.', 'T' and 'Z': safe inside quotes.
    return { kind: 'timestamp', sql: `'${value.toISOString()}'` };
  }
  if (typeof value === 'string') {
    if (value === 'follower_read_timestamp()') return { kind: 'follower-read', sql: value };
    if (NEGATIVE_INTERVAL.test(value)) {
      // CockroachDB refuses an interval under a microsecond ('-0s'): it is no point in the past.
      if (microseconds(value) < 1) throw new ConfigurationError('asOfSystemTime', `the interval ${value} is shorter than 1us`);
      return { kind: 'interval', sql: `'${value}'` };
    }
  }
  throw new ConfigurationError(
    'asOfSystemTime',
    "expected a past Date, a negative interval like '-10s', or 'follower_read_timestamp()'",
  );
}
