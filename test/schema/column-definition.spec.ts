import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  array,
  bool,
  bytes,
  decimal,
  defineTable,
  int,
  json,
  rowId,
  text,
  timestamptz,
  uuid,
  uuidKey,
  ValidationError,
  type InsertRow,
  type PrimaryKeyValue,
  type Row,
} from '../../src/index.js';

interface Profile {
  name: string;
  address: { city: string };
}

const people = defineTable('people', {
  id: rowId(),
  key: uuid().unique(),
  name: text(),
  nickname: text().nullable(),
  visits: int().default(0),
  admin: bool().default(false),
  joined: timestamptz().defaultSql('now()'),
  balance: decimal(),
  avatar: bytes().nullable(),
  profile: json<Profile>(),
  tags: array(text()),
  scores: array(int()),
});

/** Compile-time equality: `Equal<A, B>` is `true` only when the types match exactly. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | void {}

describe('column builders and inferred types', () => {
  it('infers row types from the columns, INT8 and DECIMAL as strings by default', () => {
    type Person = Row<typeof people>;
    assertType<Equal<Person['id'], string>>();
    assertType<Equal<Person['nickname'], string | null>>();
    assertType<Equal<Person['visits'], string>>();
    assertType<Equal<Person['joined'], Date>>();
    assertType<Equal<Person['balance'], string>>();
    assertType<Equal<Person['avatar'], Buffer | null>>();
    assertType<Equal<Person['profile'], Profile>>();
    assertType<Equal<Person['tags'], string[]>>();
    assertType<Equal<Person['scores'], string[]>>();
  });

  it('follows the INT8 policy when the repository states it', () => {
    assertType<Equal<Row<typeof people, 'bigint'>['id'], bigint>>();
    assertType<Equal<Row<typeof people, 'number'>['scores'], number[]>>();
    assertType<Equal<Row<typeof people, 'bigint'>['name'], string>>();
  });

  it('makes generated, defaulted and nullable columns optional on insert, and nothing else', () => {
    const minimal: InsertRow<typeof people> = { key: '7c9e6679-7425-40de-944b-e07fc1f90ae7', name: 'Ada', balance: '1.50', profile: { name: 'Ada', address: { city: 'London' } }, tags: [], scores: [1n, '2', 3] };
    assert.equal(minimal.name, 'Ada');
    // @ts-expect-error `name` is NOT NULL without a default, so an insert must give it
    const missing: InsertRow<typeof people> = { key: minimal.key, balance: '1', profile: minimal.profile, tags: [], scores: [] };
    assert.ok(missing);
    assertType<Equal<PrimaryKeyValue<typeof people>, string | bigint | number>>();
  });

  it('refuses array(json()) at definition, in the type checker and at runtime', () => {
    // @ts-expect-error CockroachDB has no arrays of JSONB
    assert.throws(() => array(json()), (error: unknown) => error instanceof ValidationError && /array\(json\(\)\)/.test(error.message));
  });

  it('refuses nested arrays at definition', () => {
    // @ts-expect-error arrays are one-dimensional
    assert.throws(() => array(array(text())), ValidationError);
  });

  it('refuses keys, defaults and unique on an array element', () => {
    assert.throws(() => array(text().unique()), ValidationError);
  });

  it('takes defaultSql only from the allow-list for the column type', () => {
    assert.doesNotThrow(() => uuid().defaultSql('gen_random_uuid()'));
    // @ts-expect-error text columns have no SQL defaults
    assert.throws(() => text().defaultSql('now()'), ValidationError);
    // @ts-expect-error not on the allow-list
    assert.throws(() => timestamptz().defaultSql("now()'); DROP TABLE x; --"), ValidationError);
  });

  it('keeps builders immutable, so a shared column can be reused', () => {
    const base = text();
    const nullable = base.nullable();
    assert.equal(base.spec.nullable, false);
    assert.equal(nullable.spec.nullable, true);
  });
});

describe('defineTable', () => {
  it('refuses a string of SQL as a table or column name', () => {
    assert.throws(() => defineTable('users; DROP TABLE users; --', { id: uuidKey() }), ValidationError);
    assert.throws(
      () => defineTable('users', { id: uuidKey(), 'name" TEXT); DROP TABLE users; --': text() }),
      (error: unknown) => error instanceof ValidationError && error.table === 'users',
    );
  });

  it('refuses __proto__ and constructor as column names', () => {
    const columns = JSON.parse('{"__proto__": 1}') as Record<string, never>;
    assert.throws(() => defineTable('t', { ...columns, id: uuidKey() }), ValidationError);
    assert.throws(() => defineTable('t', { constructor: text() }), ValidationError);
  });

  it('refuses names PostgreSQL would truncate', () => {
    assert.throws(() => defineTable('t'.repeat(64), { id: uuidKey() }), /longer than 63 bytes/);
  });

  it('validates literal defaults against the column type when the table is defined', () => {
    assert.throws(
      () => defineTable('t', { id: uuidKey(), n: int().default('12abc') }),
      (error: unknown) => error instanceof ValidationError && error.table === 't' && error.column === 'n',
    );
    assert.throws(() => defineTable('t', { id: uuidKey(), n: int().default(2 ** 63 + 1) }), ValidationError);
  });

  it('refuses a nullable primary key', () => {
    assert.throws(() => defineTable('t', { id: uuid().nullable().primaryKey() }), /primary-key column cannot be nullable/);
  });

  it('refuses indexes on unknown columns and inverted indexes on scalar columns', () => {
    assert.throws(() => defineTable('t', { id: uuidKey() }, { indexes: [{ columns: ['nope' as 'id'] }] }), ValidationError);
    // @ts-expect-error an inverted index needs a JSON or array column
    assert.throws(() => defineTable('t', { id: uuidKey(), name: text() }, { invertedIndexes: [{ column: 'name' }] }), ValidationError);
  });
});
