import type { InsertRow } from '../../../src/index.js';
import { validationError, type BadInput, type BadInputEnv } from './bad-input.js';
import { VALID_ACCOUNT, type accounts } from './fixtures.js';

type AccountInsert = InsertRow<typeof accounts>;

/** Inserts a valid account with `change` spread over it: exactly one thing is wrong. */
const insertAccount = (env: BadInputEnv, change: object) => env.accounts.insert({ ...VALID_ACCOUNT, ...change } as AccountInsert);

const circular = (): Record<string, unknown> => {
  const document: Record<string, unknown> = { name: 'loop' };
  document.self = { back: document };
  return document;
};

export const REPOSITORY_VALUE_ROWS: readonly BadInput[] = [
  {
    name: 'findById with a non-UUID for a UUID key',
    call: (env) => env.accounts.findById('not-a-uuid'),
    expected: validationError('accounts', 'id', 'expected a UUID, got the string "not-a-uuid"'),
  },
  {
    name: 'findById with SQL for a UUID key',
    call: (env) => env.accounts.findById("' OR '1'='1"),
    expected: validationError('accounts', 'id', 'expected a UUID'),
  },
  {
    name: 'findById with null',
    call: (env) => env.accounts.findById(null as never),
    expected: validationError('accounts', 'id', 'findById needs an id'),
  },
  {
    name: 'findById on a composite primary key',
    call: (env) => env.memberships.findById('core' as never),
    expected: validationError('memberships', undefined, 'findById needs a single-column primary key'),
  },
  {
    name: 'a UUID in braces for a uuid column',
    call: (env) => insertAccount(env, { ref: '{7c9e6679-7425-40de-944b-e07fc1f90ae7}' }),
    expected: validationError('accounts', 'ref', 'expected a UUID'),
  },
  {
    name: 'a float for an INT8 column',
    call: (env) => insertAccount(env, { visits: 1.5 }),
    expected: validationError('accounts', 'visits', 'expected a safe integer, got 1.5'),
  },
  {
    name: 'a number beyond 2^53 for an INT8 column (digits already lost)',
    call: (env) => insertAccount(env, { visits: 2 ** 60 }),
    expected: validationError('accounts', 'visits', 'pass larger INT8 values as a string or bigint'),
  },
  {
    name: 'NaN for an INT8 column',
    call: (env) => insertAccount(env, { visits: Number.NaN }),
    expected: validationError('accounts', 'visits', 'expected a safe integer, got NaN'),
  },
  {
    name: 'a string just above the INT8 range',
    call: (env) => insertAccount(env, { visits: '9223372036854775808' }),
    expected: validationError('accounts', 'visits', '9223372036854775808 is outside the INT8 range'),
  },
  {
    name: 'a bigint just below the INT8 range',
    call: (env) => insertAccount(env, { visits: -(2n ** 63n) - 1n }),
    expected: validationError('accounts', 'visits', 'outside the INT8 range'),
  },
  {
    name: 'an integer string with SQL after it',
    call: (env) => insertAccount(env, { visits: '12; DROP TABLE accounts' }),
    expected: validationError('accounts', 'visits', 'expected an integer (string, bigint or safe number)'),
  },
  {
    name: 'a nested array for a one-dimensional array column',
    call: (env) => insertAccount(env, { tags: [['a']] }),
    expected: validationError('accounts', 'tags', 'element 0: is an array, but arrays are one-dimensional'),
  },
  {
    name: 'an array element of the wrong type',
    call: (env) => insertAccount(env, { tags: ['a', 2] }),
    expected: validationError('accounts', 'tags', 'element 1: expected a string, got number 2'),
  },
  {
    name: 'an INT8 array element that is not an integer',
    call: (env) => insertAccount(env, { scores: ['1', 'two'] }),
    expected: validationError('accounts', 'scores', 'element 1: expected an integer'),
  },
  {
    name: 'a hole in an array',
    call: (env) => insertAccount(env, { tags: ['a', , 'c'] }),
    expected: validationError('accounts', 'tags', 'element 1: is a hole in the array'),
  },
  {
    name: 'a comma-separated string for an array column',
    call: (env) => insertAccount(env, { tags: 'a,b' }),
    expected: validationError('accounts', 'tags', 'expected an array of text, got the string "a,b"'),
  },
  {
    name: 'circular JSON',
    call: (env) => insertAccount(env, { profile: circular() }),
    expected: validationError('accounts', 'profile', '$.self.back is circular'),
  },
  {
    name: 'a BigInt inside JSON',
    call: (env) => insertAccount(env, { profile: { balance: 10n } }),
    expected: validationError('accounts', 'profile', '$.balance is a BigInt'),
  },
  {
    name: 'a function inside JSON',
    call: (env) => insertAccount(env, { profile: { greet: () => 'hi' } }),
    expected: validationError('accounts', 'profile', '$.greet is function'),
  },
  {
    name: 'a Symbol inside JSON',
    call: (env) => insertAccount(env, { profile: { kind: Symbol('admin') } }),
    expected: validationError('accounts', 'profile', '$.kind is symbol'),
  },
  {
    name: 'a symbol key inside JSON',
    call: (env) => insertAccount(env, { profile: { [Symbol('hidden')]: 1 } }),
    expected: validationError('accounts', 'profile', '$ has symbol keys'),
  },
  {
    name: 'a Map inside JSON',
    call: (env) => insertAccount(env, { profile: { prefs: new Map([['theme', 'dark']]) } }),
    expected: validationError('accounts', 'profile', '$.prefs is a Map, not a plain object or array'),
  },
  {
    name: 'Infinity inside JSON',
    call: (env) => insertAccount(env, { profile: { ratio: Number.POSITIVE_INFINITY } }),
    expected: validationError('accounts', 'profile', '$.ratio is Infinity, which JSON cannot represent'),
  },
  {
    name: 'an unpaired surrogate inside a JSON string',
    call: (env) => insertAccount(env, { profile: { name: 'broken \uD800 pair' } }),
    expected: validationError('accounts', 'profile', '$.name contains an unpaired UTF-16 surrogate'),
  },
  {
    name: 'NaN for a DECIMAL column',
    call: (env) => insertAccount(env, { balance: Number.NaN }),
    expected: validationError('accounts', 'balance', 'expected a finite number, got NaN'),
  },
  {
    name: '-Infinity for a DECIMAL column',
    call: (env) => insertAccount(env, { balance: Number.NEGATIVE_INFINITY }),
    expected: validationError('accounts', 'balance', 'expected a finite number, got -Infinity'),
  },
  {
    name: 'a formatted amount for a DECIMAL column',
    call: (env) => insertAccount(env, { balance: '1,000.00' }),
    expected: validationError('accounts', 'balance', 'expected a decimal number or numeric string, got the string "1,000.00"'),
  },
  {
    name: "the string 'true' for a BOOL column",
    call: (env) => insertAccount(env, { active: 'true' }),
    expected: validationError('accounts', 'active', 'expected a boolean, got the string "true"'),
  },
  {
    name: '1 for a BOOL column',
    call: (env) => insertAccount(env, { active: 1 }),
    expected: validationError('accounts', 'active', 'expected a boolean, got number 1'),
  },
  {
    name: 'an invalid Date for a TIMESTAMPTZ column',
    call: (env) => insertAccount(env, { openedAt: new Date('2024-02-30T25:00:00Z') }),
    expected: validationError('accounts', 'openedAt', 'the Date is invalid'),
  },
  {
    name: 'a date string for a TIMESTAMPTZ column',
    call: (env) => insertAccount(env, { openedAt: '2024-01-01' }),
    expected: validationError('accounts', 'openedAt', 'expected a Date, got the string "2024-01-01"'),
  },
  {
    name: 'a string for a BYTES column',
    call: (env) => insertAccount(env, { avatar: '\\x00ff' }),
    expected: validationError('accounts', 'avatar', 'expected a Buffer or Uint8Array'),
  },
  {
    name: 'an array of numbers for a BYTES column',
    call: (env) => insertAccount(env, { avatar: [0, 255] }),
    expected: validationError('accounts', 'avatar', 'expected a Buffer or Uint8Array, got an array'),
  },
  {
    name: 'an ArrayBuffer (not a view) for a BYTES column',
    call: (env) => insertAccount(env, { avatar: new ArrayBuffer(4) }),
    expected: validationError('accounts', 'avatar', 'expected a Buffer or Uint8Array, got an object'),
  },
  {
    name: 'a NUL character in a TEXT column',
    call: (env) => insertAccount(env, { owner: 'ada\u0000admin' }),
    expected: validationError('accounts', 'owner', 'the string contains a NUL character'),
  },
  {
    name: 'an unpaired surrogate in a TEXT column (the driver would store U+FFFD)',
    call: (env) => insertAccount(env, { owner: 'ada \uDC00' }),
    expected: validationError('accounts', 'owner', 'the string contains an unpaired UTF-16 surrogate'),
  },
  {
    name: 'a required column left out',
    call: (env) => env.accounts.insert({ balance: '1', active: true, tags: [] } as never),
    expected: validationError('accounts', 'owner', 'a value is required: the column is NOT NULL and has no default'),
  },
  {
    name: 'null for a NOT NULL column',
    call: (env) => insertAccount(env, { owner: null }),
    expected: validationError('accounts', 'owner', 'null is not allowed: the column is NOT NULL'),
  },
  {
    name: 'null for a NOT NULL column in an update',
    call: (env) => env.accounts.update({ owner: 'ada' }, { balance: null as never }),
    expected: validationError('accounts', 'balance', 'null is not allowed'),
  },
  {
    name: 'an unknown column in the values',
    call: (env) => insertAccount(env, { colour: 'red' }),
    expected: validationError('accounts', 'colour', 'unknown column in the values'),
  },
  {
    name: 'a __proto__ key in the values',
    call: (env) => insertAccount(env, JSON.parse('{"__proto__": {"owner": "mallory"}}') as object),
    expected: validationError('accounts', '__proto__', "could reach an object's prototype"),
  },
  {
    name: 'an array of rows given to insert()',
    call: (env) => env.accounts.insert([VALID_ACCOUNT] as never),
    expected: validationError('accounts', undefined, 'the values must be an object'),
  },
  {
    name: 'a single row given to insertMany()',
    call: (env) => env.accounts.insertMany(VALID_ACCOUNT as never),
    expected: validationError('accounts', undefined, 'insertMany takes an array of rows'),
  },
  {
    name: 'insertMany() with one bad row among good ones',
    call: (env) => env.accounts.insertMany([VALID_ACCOUNT, { ...VALID_ACCOUNT, active: 'no' as never }]),
    expected: validationError('accounts', 'active', 'expected a boolean'),
  },
  {
    name: 'a float for a rowId key',
    call: (env) => env.ledger.findById(2.5),
    expected: validationError('ledger', 'id', 'expected a safe integer, got 2.5'),
  },
  {
    name: 'upsert with a conflict target that is not unique',
    call: (env) => env.accounts.upsert(VALID_ACCOUNT, { conflict: 'owner' }),
    expected: validationError('accounts', 'owner', 'the upsert conflict target must be the primary key, a unique column or a unique index'),
  },
  {
    name: 'upsert with an unknown upsert option',
    call: (env) => env.accounts.upsert(VALID_ACCOUNT, { onConflict: 'id' } as never),
    expected: validationError('accounts', undefined, 'unknown upsert option "onConflict"'),
  },
];
