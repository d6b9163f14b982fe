import { ConfigurationError } from '../errors.js';

/**
 * A validated AS OF SYSTEM TIME target. The clause takes no placeholders, so
 * the SQL is built only from these shapes, never from the caller's string.
 */
export type AsOfSystemTime =
  | { kind: 'timestamp'; sql: string }
  | { kind: 'interval'; sql: string }
  | { kind: 'follower-read'; sql: string };

/**
 * `-10s`, `-1m30s`, `-1.5h`, `-500ms`: one minus sign for the whole duration,
 * then parts from the largest unit to the smallest, each unit at most once.
 */
const NEGATIVE_INTERVAL = /^-(?:\d{1,9}(?:\.\d{1,9})?(?:h|m|s|ms|us))+$/;
const PART = /(\d+)(?:\.(\d+))?(ms|us|h|m|s)/g;

/** Units largest first; the index orders the parts. */
const MICROSECONDS_PER_UNIT: ReadonlyArray<[unit: string, microseconds: bigint]> = [
  ['h', 3_600_000_000n],
  ['m', 60_000_000n],
  ['s', 1_000_000n],
  ['ms', 1000n],
  ['us', 1n],
];
const NANO = 1_000_000_000n;

const GRAMMAR = "expected a past Date, a negative interval like '-10s', or 'follower_read_timestamp()'";

/**
 * The interval's length in whole microseconds, read the way the caller
 * means it: the leading minus applies to every part (`-1m30s` is 90 s ago).
 */
function totalMicroseconds(interval: string): bigint {
  let total = 0n;
  let previous = -1;
  for (const [, whole, fraction = '', unit] of interval.matchAll(PART)) {
    const index = MICROSECONDS_PER_UNIT.findIndex(([name]) => name === unit);
    if (index <= previous) {
      throw new ConfigurationError('asOfSystemTime', `the interval ${interval} repeats a unit or lists a smaller unit before a larger one`);
    }
    previous = index;
    const perUnit = MICROSECONDS_PER_UNIT[index]![1];
    const nanoUnits = BigInt(whole!) * NANO + BigInt(fraction.padEnd(9, '0')); // the amount, in billionths of the unit
    if ((nanoUnits * perUnit) % NANO !== 0n) {
      throw new ConfigurationError('asOfSystemTime', `the interval ${interval} is not a whole number of microseconds`);
    }
    total += (nanoUnits * perUnit) / NANO;
  }
  return total;
}

/**
 * CockroachDB's interval parser gives every number its own sign, so the
 * caller's `'-1m30s'` would mean -1 min + 30 s: 30 s ago, not 90. A
 * several-part interval therefore never reaches the SQL as written: it is
 * sent as one total, in microseconds, computed here (`'-90000000us'`). A
 * one-part interval (`'-10s'`) means the same to both and is sent as is.
 */
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
      const microseconds = totalMicroseconds(value);
      // CockroachDB refuses an interval under a microsecond ('-0s'): it is no point in the past.
      if (microseconds < 1n) throw new ConfigurationError('asOfSystemTime', `the interval ${value} is shorter than 1us`);
      const parts = value.match(PART)!.length;
      return { kind: 'interval', sql: parts === 1 ? `'${value}'` : `'-${microseconds}us'` };
    }
  }
  throw new ConfigurationError('asOfSystemTime', GRAMMAR);
}

/**
 * A `Date` that was past by this machine's clock can still be future by the
 * server's (clock skew). CockroachDB then refuses the transaction with
 * "AS OF SYSTEM TIME: cannot specify timestamp in the future"; the caller
 * gets that judgement, named and explained, instead of a bare server error.
 */
export function explainAsOfSystemTimeRefusal(error: unknown, target: AsOfSystemTime | undefined): unknown {
  if (target?.kind !== 'timestamp') return error;
  if (!(error instanceof Error) || !/cannot specify timestamp in the future/.test(error.message)) return error;
  return new ConfigurationError(
    'asOfSystemTime',
    `the server's clock puts ${target.sql} in the future (this machine's clock is ahead of the server's); ` +
      `choose an older time or a negative interval such as '-10s'`,
    undefined,
    { cause: error },
  );
}
