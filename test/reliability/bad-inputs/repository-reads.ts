import type { FindOptions, PageOptions, RowPatch, Where } from '../../../src/index.js';
import { invalidCursorError, transactionRequiredError, validationError, type BadInput, type BadInputEnv } from './bad-input.js';
import { VALID_ACCOUNT, type accounts } from './fixtures.js';

type Accounts = typeof accounts;

/** Options the type checker would refuse: how untyped input (query strings, parsed JSON) reaches the repository. */
const untyped = <T>(value: unknown) => value as T;

/** A real cursor of the first page ordered by owner, read before the bad call (so its SELECT is not the call's). */
let ownerCursor = '';
const afterReadingOwnerCursor = async (env: BadInputEnv, badCall: () => Promise<void>) => {
  ownerCursor = (await env.accounts.findPage({ orderBy: { owner: 'asc' }, limit: 1 })).next!;
  await badCall();
};

const forged = (content: unknown) => Buffer.from(JSON.stringify(content)).toString('base64url');

/** Runs the bad call inside a real transaction, for rows whose only fault is elsewhere. */
const inTransaction = (env: BadInputEnv, badCall: () => Promise<void>) => env.db.runTransaction(badCall);

export const REPOSITORY_READ_ROWS: readonly BadInput[] = [
  {
    name: 'an unknown column in select',
    call: (env) => env.accounts.find({ select: ['owner', 'password'] as never }),
    expected: validationError('accounts', 'password', 'unknown column in select'),
  },
  {
    name: 'select that is not an array',
    call: (env) => env.accounts.find(untyped<FindOptions<Accounts>>({ select: 'owner' })),
    expected: validationError('accounts', undefined, 'select takes a non-empty array of column names'),
  },
  {
    name: 'an unknown column in findPage orderBy',
    call: (env) => env.accounts.findPage({ orderBy: untyped({ colour: 'asc' }), limit: 10 }),
    expected: validationError('accounts', 'colour', 'unknown column in orderBy'),
  },
  {
    name: 'findPage ordered by a nullable column',
    call: (env) => env.accounts.findPage({ orderBy: { email: 'asc' }, limit: 10 }),
    expected: validationError('accounts', 'email', 'findPage cannot order by a nullable column'),
  },
  {
    name: 'findPage without orderBy',
    call: (env) => env.accounts.findPage(untyped<PageOptions<Accounts>>({ limit: 10 })),
    expected: validationError('accounts', undefined, 'findPage needs orderBy'),
  },
  {
    name: 'findPage with a limit as a string',
    call: (env) => env.accounts.findPage({ orderBy: { owner: 'asc' }, limit: untyped('10') }),
    expected: validationError('accounts', undefined, 'limit must be an integer from 1 to 10000, got string'),
  },
  {
    name: 'findPage with a forged cursor',
    call: (env) => env.accounts.findPage({ orderBy: { owner: 'asc' }, limit: 10, after: 'eyJ2IjoxfQ' }),
    expected: invalidCursorError('accounts', 'it is not a cursor this library wrote'),
  },
  {
    name: 'findPage with a cursor holding SQL instead of a UUID',
    inside: afterReadingOwnerCursor,
    call: (env) => {
      const decoded = JSON.parse(Buffer.from(ownerCursor, 'base64url').toString()) as { k: unknown[] };
      return env.accounts.findPage({ orderBy: { owner: 'asc' }, limit: 10, after: forged({ ...decoded, k: [decoded.k[0], "'; DROP TABLE accounts; --"] }) });
    },
    expected: invalidCursorError('accounts', 'id: expected a UUID'),
  },
  {
    name: 'findPage with a stale cursor (made for another order)',
    inside: afterReadingOwnerCursor,
    call: (env) => env.accounts.findPage({ orderBy: { owner: 'desc' }, limit: 10, after: ownerCursor }),
    expected: invalidCursorError('accounts', 'it was made for another query'),
  },
  {
    name: 'iterate with a batchSize of 0',
    call: async (env) => {
      for await (const row of env.accounts.iterate(undefined, { batchSize: 0 })) return row;
      return undefined;
    },
    expected: validationError('accounts', undefined, 'batchSize must be an integer from 1 to 10000, got 0'),
  },
  {
    name: 'a locking findById outside a transaction',
    call: (env) => env.accounts.findById('0b7f2a4e-6a3c-4c47-9d3e-1f2a3b4c5d6e', { lock: 'update' }),
    expected: transactionRequiredError('a locking read (lock: \'update\') needs a transaction'),
  },
  {
    name: 'a locking find outside a transaction',
    call: (env) => env.accounts.find({ lock: 'share', skipLocked: true }),
    expected: transactionRequiredError('needs a transaction'),
  },
  {
    name: 'an unknown lock strength',
    call: (env) => env.accounts.findOne({ owner: 'ada' }, { lock: untyped('exclusive') }),
    inside: inTransaction,
    sends: 'transaction-control',
    expected: validationError('accounts', undefined, "lock must be 'update' or 'share', got \"exclusive\""),
  },
  {
    name: 'skipLocked and noWait together',
    call: (env) => env.accounts.find({ lock: 'update', skipLocked: true, noWait: true }),
    inside: inTransaction,
    sends: 'transaction-control',
    expected: validationError('accounts', undefined, 'skipLocked and noWait exclude each other'),
  },
  {
    name: 'skipLocked without lock',
    call: (env) => env.accounts.find({ skipLocked: true }),
    expected: validationError('accounts', undefined, "skipLocked needs lock: 'update' or 'share'"),
  },
  {
    name: 'an enum value not in the enum',
    call: (env) => env.accounts.insert({ ...VALID_ACCOUNT, plan: untyped('enterprise') }),
    expected: validationError('accounts', 'plan', 'the string "enterprise" is not one of "free", "pro"'),
  },
  {
    name: 'an enum value not in the enum, in a filter',
    call: (env) => env.accounts.count({ plan: { in: ['free', untyped('gold')] } }),
    expected: validationError('accounts', 'plan', 'element 1: the string "gold" is not one of "free", "pro"'),
  },
  {
    name: 'a string longer than its VARCHAR bound',
    call: (env) => env.accounts.update({ owner: 'ada' }, { nickname: 'much too long' }),
    expected: validationError('accounts', 'nickname', "the string has 13 characters, more than the column's 8"),
  },
  {
    name: '$or that is not an array',
    call: (env) => env.accounts.find({ where: untyped<Where<Accounts>>({ $or: { owner: 'ada' } }) }),
    expected: validationError('accounts', undefined, '$or takes a non-empty array of filters'),
  },
  {
    name: 'an empty filter inside $or',
    call: (env) => env.accounts.delete({ $or: [{ owner: 'ada' }, {}] }),
    expected: validationError('accounts', undefined, 'every filter in $or must name a column'),
  },
  {
    name: 'between with one bound',
    call: (env) => env.accounts.find({ where: { visits: { between: untyped([1]) } } }),
    expected: validationError('accounts', 'visits', 'between takes [low, high]'),
  },
  {
    name: 'like with a number',
    call: (env) => env.accounts.find({ where: { owner: { like: untyped(5) } } }),
    expected: validationError('accounts', 'owner', 'like takes a pattern string'),
  },
  {
    name: 'an increment of the wrong type',
    call: (env) => env.accounts.update({ owner: 'ada' }, { visits: { increment: untyped('lots') } }),
    expected: validationError('accounts', 'visits', 'expected an integer'),
  },
  {
    name: 'an increment on a text column',
    call: (env) => env.accounts.update({ owner: 'ada' }, untyped<RowPatch<Accounts>>({ owner: { increment: 1 } })),
    expected: validationError('accounts', 'owner', 'expected a string, got an object'),
  },
];
