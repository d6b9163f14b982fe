import 'reflect-metadata';
import { runTransaction, Transactional, type TransactionOptions } from '../../../src/index.js';
import { configurationError, unsupportedFeatureError, type BadInput, type BadInputEnv } from './bad-input.js';

const GRAMMAR = "expected a past Date, a negative interval like '-10s', or 'follower_read_timestamp()'";

/** A historical read through `db.transaction`, the usual entry point. */
const readAsOf = (env: BadInputEnv, asOfSystemTime: TransactionOptions['asOfSystemTime']) =>
  env.db.transaction(async () => 'never runs', { asOfSystemTime });

/** Each string is refused by the grammar, so none of it can reach the unparameterisable AS OF SYSTEM TIME clause. */
const REFUSED_STRINGS: ReadonlyArray<[name: string, value: string]> = [
  ['a positive interval', '10s'],
  ['SQL injection after an interval', "-1s'; DROP TABLE accounts; --"],
  ['an empty string', ''],
  ['a lone minus sign', '-'],
  ['a space before the unit', '-10 s'],
  ['a unit spelt out', '-10sec'],
  ['days, which the grammar does not take', '-1d'],
  ['a number without a unit', '-10'],
  ['a trailing newline', '-1s\n'],
  ['follower_read_timestamp() with SQL after it', 'follower_read_timestamp(); DROP TABLE accounts'],
  ['follower_read_timestamp() in capitals', 'FOLLOWER_READ_TIMESTAMP()'],
  ['an expression', "now() - interval '10s'"],
  ['a timestamp as a string rather than a Date', '2024-01-01T00:00:00Z'],
];

export const AS_OF_SYSTEM_TIME_ROWS: readonly BadInput[] = [
  {
    name: 'asOfSystemTime: a Date in the future',
    call: (env) => readAsOf(env, new Date(Date.now() + 3_600_000)),
    expected: configurationError('asOfSystemTime', 'the Date is in the future'),
  },
  {
    name: 'asOfSystemTime: an invalid Date',
    call: (env) => readAsOf(env, new Date('not a date')),
    expected: configurationError('asOfSystemTime', 'the Date is invalid'),
  },
  ...REFUSED_STRINGS.map(
    ([name, value]): BadInput => ({
      name: `asOfSystemTime: ${name} (${JSON.stringify(value)})`,
      call: (env) => readAsOf(env, value),
      expected: configurationError('asOfSystemTime', GRAMMAR),
    }),
  ),
  {
    name: "asOfSystemTime: a zero interval ('-0s'), which CockroachDB refuses",
    call: (env) => readAsOf(env, '-0s'),
    expected: configurationError('asOfSystemTime', 'the interval -0s is shorter than 1us'),
  },
  {
    name: "asOfSystemTime: an interval under a microsecond ('-0.0000001s')",
    call: (env) => readAsOf(env, '-0.0000001s'),
    expected: configurationError('asOfSystemTime', 'not a whole number of microseconds'),
  },
  {
    name: "asOfSystemTime: a repeated unit ('-1s2s'), which CockroachDB would read as 1 s in the future",
    call: (env) => readAsOf(env, '-1s2s'),
    expected: configurationError('asOfSystemTime', 'repeats a unit or lists a smaller unit before a larger one'),
  },
  {
    name: 'asOfSystemTime: a number of milliseconds',
    call: (env) => readAsOf(env, 1_700_000_000_000 as never),
    expected: configurationError('asOfSystemTime', GRAMMAR),
  },
  {
    name: 'asOfSystemTime: SQL injection through runTransaction()',
    call: (env) => runTransaction(env.db, async () => 'never runs', { asOfSystemTime: "-5s' AS OF SYSTEM TIME '-1h" }),
    expected: configurationError('asOfSystemTime', GRAMMAR),
  },
  {
    name: 'asOfSystemTime: SQL injection in a decorator, refused when the class is defined',
    call: () => {
      class Reports {
        @Transactional({ asOfSystemTime: '-1h; DELETE FROM accounts' })
        async read(): Promise<void> {}
      }
      return Reports;
    },
    expected: configurationError('asOfSystemTime', GRAMMAR),
  },
  {
    name: 'asOfSystemTime: an exact past time on PostgreSQL',
    call: (env) => readAsOf(env, new Date(Date.now() - 60_000)),
    expected: unsupportedFeatureError('PostgreSQL cannot read as of an exact past time'),
    dialect: 'postgres',
  },
];
