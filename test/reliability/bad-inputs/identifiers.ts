import { array, defineTable, int, json, sql, text, uuidKey, type FindOptions } from '../../../src/index.js';
import { validationError, type BadInput } from './bad-input.js';
import type { accounts } from './fixtures.js';

const INVALID_NAME = 'use letters, digits and underscores, not starting with a digit';

/** Find options the type checker would refuse, as untyped input would arrive. */
const untyped = (options: unknown) => options as FindOptions<typeof accounts>;

export const IDENTIFIER_ROWS: readonly BadInput[] = [
  {
    name: 'defineTable: SQL as the table name',
    call: () => defineTable('accounts; DROP TABLE accounts', { id: uuidKey() }),
    expected: validationError('accounts; DROP TABLE accounts', undefined, `invalid table name "accounts; DROP TABLE accounts": ${INVALID_NAME}`),
  },
  {
    name: 'defineTable: a table name with a double quote',
    call: () => defineTable('acc"ounts', { id: uuidKey() }),
    expected: validationError('acc"ounts', undefined, 'invalid table name'),
  },
  {
    name: 'defineTable: an empty table name',
    call: () => defineTable('', { id: uuidKey() }),
    expected: validationError('', undefined, 'invalid table name ""'),
  },
  {
    name: 'defineTable: a table name starting with a digit',
    call: () => defineTable('1accounts', { id: uuidKey() }),
    expected: validationError('1accounts', undefined, 'invalid table name'),
  },
  {
    name: 'defineTable: a table name with a non-ASCII letter',
    call: () => defineTable('comptés', { id: uuidKey() }),
    expected: validationError('comptés', undefined, 'invalid table name'),
  },
  {
    name: 'defineTable: a table name longer than 63 bytes (PostgreSQL would truncate it)',
    call: () => defineTable('t'.repeat(64), { id: uuidKey() }),
    expected: validationError('t'.repeat(64), undefined, 'is longer than 63 bytes'),
  },
  {
    name: 'defineTable: SQL as a column name',
    call: () => defineTable('people', { id: uuidKey(), 'name" TEXT); DROP TABLE accounts; --': text() }),
    expected: validationError('people', 'name" TEXT); DROP TABLE accounts; --', 'invalid column name'),
  },
  {
    name: 'defineTable: a column name with a semicolon',
    call: () => defineTable('people', { id: uuidKey(), 'first;name': text() }),
    expected: validationError('people', 'first;name', 'invalid column name "first;name"'),
  },
  {
    name: 'defineTable: a column name longer than 63 bytes',
    call: () => defineTable('people', { id: uuidKey(), ['c'.repeat(64)]: text() }),
    expected: validationError('people', 'c'.repeat(64), 'column name'),
  },
  {
    name: 'defineTable: a column named constructor',
    call: () => defineTable('people', { id: uuidKey(), constructor: text() }),
    expected: validationError('people', 'constructor', 'it would collide with the row object\'s prototype'),
  },
  {
    name: 'defineTable: a column named __proto__',
    call: () => defineTable('people', { id: uuidKey(), ['__proto__']: text() }),
    expected: validationError('people', '__proto__', 'cannot be a column name'),
  },
  {
    name: 'defineTable: a column that is not a column builder',
    call: () => defineTable('people', { id: uuidKey(), name: 'TEXT' as never }),
    expected: validationError('people', 'name', 'not a column: build columns with text(), int(), uuidKey(), …'),
  },
  {
    name: 'defineTable: no columns',
    call: () => defineTable('people', {}),
    expected: validationError('people', undefined, 'a table needs at least one column'),
  },
  {
    name: 'defineTable: an unknown table option',
    call: () => defineTable('people', { id: uuidKey() }, { primaryKey: ['id'] } as never),
    expected: validationError('people', undefined, 'unknown table option "primaryKey"'),
  },
  {
    name: 'defineTable: an index on an unknown column',
    call: () => defineTable('people', { id: uuidKey(), name: text() }, { indexes: [{ columns: ['nmae' as 'name'] }] }),
    expected: validationError('people', 'nmae', 'names an unknown column'),
  },
  {
    name: 'defineTable: an index name with SQL in it',
    call: () => defineTable('people', { id: uuidKey(), name: text() }, { indexes: [{ columns: ['name'], name: 'idx; DROP TABLE accounts' }] }),
    expected: validationError('people', undefined, 'invalid index name'),
  },
  {
    name: 'defineTable: a default index name that would exceed 63 bytes',
    call: () => defineTable('p'.repeat(40), { id: uuidKey(), ['n'.repeat(30)]: text() }, { indexes: [{ columns: ['n'.repeat(30)] }] }),
    expected: validationError('p'.repeat(40), undefined, 'give `name` explicitly for long names'),
  },
  {
    name: 'defineTable: an inverted index on a TEXT column',
    call: () => defineTable('people', { id: uuidKey(), name: text() }, { invertedIndexes: [{ column: 'name' as never }] }),
    expected: validationError('people', 'name', 'an inverted index needs a JSON or array column'),
  },
  {
    name: 'defineTable: a literal default of the wrong type',
    call: () => defineTable('people', { id: uuidKey(), visits: int().default(1.5) }),
    expected: validationError('people', 'visits', 'expected a safe integer, got 1.5'),
  },
  {
    name: 'defineTable: a nullable primary key',
    call: () => defineTable('people', { id: uuidKey().nullable() }),
    expected: validationError('people', 'id', 'a primary-key column cannot be nullable'),
  },
  {
    name: 'defineTable: a unique JSON column',
    call: () => defineTable('people', { id: uuidKey(), doc: json().unique() }),
    expected: validationError('people', 'doc', 'a JSONB column cannot be a key or unique'),
  },
  {
    name: 'column: SQL smuggled into defaultSql()',
    call: () => text().defaultSql('now(); DROP TABLE accounts' as never),
    expected: validationError(undefined, undefined, 'defaultSql("now(); DROP TABLE accounts") is not allowed on a text column'),
  },
  {
    name: 'column: array(json())',
    call: () => array(json() as never),
    expected: validationError(undefined, undefined, 'array(json()) is not allowed'),
  },
  {
    name: 'column: array(array(text()))',
    call: () => array(array(text()) as never),
    expected: validationError(undefined, undefined, 'arrays are one-dimensional'),
  },
  {
    name: 'sql.identifier(): an empty name',
    call: () => sql`SELECT * FROM ${sql.identifier('')}`,
    expected: validationError(undefined, undefined, 'sql.identifier() needs a non-empty string without NUL characters, got ""'),
  },
  {
    name: 'sql.identifier(): a name with a NUL character (the wire protocol would cut the query there)',
    call: () => sql`SELECT * FROM ${sql.identifier('accounts\u0000; DROP TABLE accounts')}`,
    expected: validationError(undefined, undefined, 'sql.identifier() needs a non-empty string without NUL characters'),
  },
  {
    name: 'sql.identifier(): not a string',
    call: () => sql.identifier(42 as never),
    expected: validationError(undefined, undefined, 'got number'),
  },
  {
    name: 'orderBy: an unknown column',
    call: (env) => env.accounts.find(untyped({ orderBy: { colour: 'asc' } })),
    expected: validationError('accounts', 'colour', 'unknown column in orderBy'),
  },
  {
    name: 'orderBy: SQL as the column',
    call: (env) => env.accounts.find(untyped({ orderBy: { '1; DROP TABLE accounts; --': 'asc' } })),
    expected: validationError('accounts', '1; DROP TABLE accounts; --', 'unknown column in orderBy'),
  },
  {
    name: 'orderBy: SQL as the direction',
    call: (env) => env.accounts.find({ orderBy: { owner: 'desc; DROP TABLE accounts' as 'desc' } }),
    expected: validationError('accounts', 'owner', `orderBy direction must be 'asc' or 'desc', got "desc; DROP TABLE accounts"`),
  },
  {
    name: 'orderBy: the direction in capitals',
    call: (env) => env.accounts.find({ orderBy: { owner: 'ASC' as 'asc' } }),
    expected: validationError('accounts', 'owner', `orderBy direction must be 'asc' or 'desc', got "ASC"`),
  },
  {
    name: 'orderBy: a column name string instead of an object',
    call: (env) => env.accounts.find(untyped({ orderBy: 'owner' })),
    expected: validationError('accounts', undefined, 'orderBy must be an object'),
  },
  {
    name: 'limit: negative',
    call: (env) => env.accounts.find({ limit: -1 }),
    expected: validationError('accounts', undefined, 'limit must be a non-negative integer, got -1'),
  },
  {
    name: 'limit: not an integer',
    call: (env) => env.accounts.find({ limit: 2.5 }),
    expected: validationError('accounts', undefined, 'limit must be a non-negative integer, got 2.5'),
  },
  {
    name: 'limit: Infinity',
    call: (env) => env.accounts.find({ limit: Number.POSITIVE_INFINITY }),
    expected: validationError('accounts', undefined, 'limit must be a non-negative integer, got Infinity'),
  },
  {
    name: 'limit: a string with SQL',
    call: (env) => env.accounts.find({ limit: '10; DROP TABLE accounts' as never }),
    expected: validationError('accounts', undefined, 'limit must be a non-negative integer, got string'),
  },
  {
    name: 'offset: NaN',
    call: (env) => env.accounts.find({ offset: Number.NaN }),
    expected: validationError('accounts', undefined, 'offset must be a non-negative integer, got NaN'),
  },
  {
    name: 'find: an unknown option',
    call: (env) => env.accounts.find(untyped({ order: { owner: 'asc' } })),
    expected: validationError('accounts', undefined, 'unknown find option "order" (expected where, orderBy, limit, offset, select, lock, skipLocked, noWait)'),
  },
  {
    name: 'upsert: SQL as the conflict target',
    call: (env) => env.accounts.upsert({ owner: 'x', balance: '1', active: true, tags: [] }, { conflict: 'id) DO NOTHING; --' as 'id' }),
    expected: validationError('accounts', 'id) DO NOTHING; --', 'unknown column in the upsert conflict target'),
  },
];
