import type { Where } from '../../../src/index.js';
import { validationError, type BadInput } from './bad-input.js';
import type { accounts } from './fixtures.js';

/** A filter the type checker would refuse: how untyped input (a request body, parsed JSON) reaches the repository. */
const untyped = (filter: unknown) => filter as Where<typeof accounts>;

export const FILTER_ROWS: readonly BadInput[] = [
  {
    name: 'an unknown column in find()',
    call: (env) => env.accounts.find({ where: untyped({ colour: 'red' }) }),
    expected: validationError('accounts', 'colour', 'unknown column in the filter'),
  },
  {
    name: 'a column name spelt with SQL in count()',
    call: (env) => env.accounts.count(untyped({ 'owner" = owner OR "1': 'x' })),
    expected: validationError('accounts', 'owner" = owner OR "1', 'unknown column in the filter'),
  },
  {
    name: 'a __proto__ key in a parsed filter',
    call: (env) => env.accounts.find({ where: untyped(JSON.parse('{"__proto__": {"owner": "ada"}}')) }),
    expected: validationError('accounts', '__proto__', "the key \"__proto__\" in the filter is refused: it could reach an object's prototype"),
  },
  {
    name: 'a constructor key in a delete filter',
    call: (env) => env.accounts.delete(untyped({ constructor: { name: 'Object' } })),
    expected: validationError('accounts', 'constructor', "could reach an object's prototype"),
  },
  {
    name: 'a prototype key in a count filter',
    call: (env) => env.accounts.count(untyped({ prototype: 1 })),
    expected: validationError('accounts', 'prototype', "could reach an object's prototype"),
  },
  {
    name: 'a __proto__ key inside an operator object',
    call: (env) => env.accounts.find({ where: { owner: JSON.parse('{"__proto__": {"eq": "ada"}}') as { eq: string } } }),
    expected: validationError('accounts', '__proto__', 'the key "__proto__" in the filter on "owner" is refused'),
  },
  {
    name: 'a symbol key in a filter',
    call: (env) => env.accounts.find({ where: untyped({ [Symbol('owner')]: 'ada' }) }),
    expected: validationError('accounts', undefined, 'the filter has symbol keys'),
  },
  {
    name: 'an array as the whole filter',
    call: (env) => env.accounts.count(untyped([['owner', 'ada']])),
    expected: validationError('accounts', undefined, 'the filter must be an object'),
  },
  {
    name: 'an unknown operator',
    call: (env) => env.accounts.find({ where: { owner: untyped({ regex: '%a%' }) as never } }),
    expected: validationError('accounts', 'owner', 'unknown operator "regex" for a text column'),
  },
  {
    name: 'an operator the column kind does not take (gt on a BOOL)',
    call: (env) => env.accounts.find({ where: { active: { gt: false } as never } }),
    expected: validationError('accounts', 'active', 'unknown operator "gt" for a bool column'),
  },
  {
    name: 'in with a single value instead of an array',
    call: (env) => env.accounts.find({ where: { owner: { in: 'ada' as never } } }),
    expected: validationError('accounts', 'owner', 'in takes an array of values'),
  },
  {
    name: 'notIn with an element of the wrong type',
    call: (env) => env.accounts.find({ where: { visits: { notIn: [1, 'two'] } } }),
    expected: validationError('accounts', 'visits', 'element 1: expected an integer'),
  },
  {
    name: 'in with a null element',
    call: (env) => env.accounts.find({ where: { ref: { in: ['7c9e6679-7425-40de-944b-e07fc1f90ae7', null as never] } } }),
    expected: validationError('accounts', 'ref', 'element 1: null is not allowed'),
  },
  {
    name: 'eq null (which would match nothing)',
    call: (env) => env.accounts.find({ where: { email: { eq: null as never } } }),
    expected: validationError('accounts', 'email', 'null compares with nothing; use null or { isNull: true }'),
  },
  {
    name: "isNull given 'yes'",
    call: (env) => env.accounts.find({ where: { email: { isNull: 'yes' as never } } }),
    expected: validationError('accounts', 'email', 'isNull takes true or false'),
  },
  {
    name: 'an operator object with no operator',
    call: (env) => env.accounts.find({ where: { owner: {} } }),
    expected: validationError('accounts', 'owner', 'the filter object has no operator'),
  },
  {
    name: 'an undefined filter value',
    call: (env) => env.accounts.delete({ owner: undefined }),
    expected: validationError('accounts', 'owner', 'the filter value is undefined'),
  },
  {
    name: 'a bare value for a JSON column (ambiguous with operators)',
    call: (env) => env.accounts.find({ where: untyped({ profile: 'Ada' }) }),
    expected: validationError('accounts', 'profile', 'filter a JSON column with { eq }, { contains } or { isNull }'),
  },
  {
    name: 'JSON containment holding a BigInt',
    call: (env) => env.accounts.find({ where: { profile: { contains: { id: 1n } } } }),
    expected: validationError('accounts', 'profile', '$.id is a BigInt'),
  },
  {
    name: 'array overlaps given a string',
    call: (env) => env.accounts.find({ where: { tags: { overlaps: 'admin' as never } } }),
    expected: validationError('accounts', 'tags', 'expected an array of text'),
  },
  {
    name: 'a comparison with a value of the wrong type (a string date)',
    call: (env) => env.accounts.find({ where: { openedAt: { gte: '2024-01-01' as never } } }),
    expected: validationError('accounts', 'openedAt', 'expected a Date'),
  },
  {
    name: 'a non-UUID in a count filter on the key',
    call: (env) => env.accounts.count({ id: '42' }),
    expected: validationError('accounts', 'id', 'expected a UUID'),
  },
  {
    name: 'delete with an empty filter',
    call: (env) => env.accounts.delete({}),
    expected: validationError('accounts', undefined, 'the filter is empty; name at least one column'),
  },
  {
    name: 'update with an empty filter',
    call: (env) => env.accounts.update({}, { active: false }),
    expected: validationError('accounts', undefined, 'the filter is empty'),
  },
  {
    name: 'update with a patch that sets nothing',
    call: (env) => env.accounts.update({ owner: 'ada' }, {}),
    expected: validationError('accounts', undefined, 'the patch sets no column'),
  },
  {
    name: 'update with a patch naming an unknown column',
    call: (env) => env.accounts.update({ owner: 'ada' }, { isAdmin: true } as never),
    expected: validationError('accounts', 'isAdmin', 'unknown column in the patch'),
  },
];
