import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  array,
  createTables,
  defineTable,
  int,
  json,
  Repository,
  text,
  uuid,
  uuidKey,
  ValidationError,
  type FindOptions,
  type InsertRow,
  type Where,
} from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { connectRecording } from './recording-database.js';

const notes = defineTable('notes', {
  id: uuidKey(),
  title: text(),
  views: int().default(0),
  owner: uuid().nullable(),
  tags: array(text()),
  refs: array(uuid()).default([]),
  body: json<Record<string, unknown>>().nullable(),
});

type NoteInsert = InsertRow<typeof notes>;
const VALID: NoteInsert = { title: 'ok', tags: ['a'] };
const SQL_AS_NAME = 'title" = \'x\'; DROP TABLE notes; --';

let testDb: TestDatabase;

before(async () => {
  testDb = await createTestDatabase('badinput');
  const { db } = await connectRecording(testDb.url);
  try {
    await createTables(db, notes);
  } finally {
    await db.close();
  }
});
after(() => testDb.drop());

/**
 * A case with a connection and a statement recorder of its own, so it can
 * neither pass on statements another case sent nor be blamed for them. The
 * connection is closed before the recorder is read: whatever the case set
 * going has been sent (or never will be) by then.
 */
function refusesWithoutSql(name: string, run: (repo: Repository<typeof notes>) => Promise<void>): void {
  it(name, async () => {
    const { db, statements } = await connectRecording(testDb.url);
    try {
      await run(new Repository(db, notes));
    } finally {
      await db.close();
    }
    assert.deepEqual(statements, [], 'no statement reached the server');
  });
}

/** Asserts the call is refused with a ValidationError naming `column`, and that no statement reached the server. */
async function refused(call: () => Promise<unknown>, column: string | undefined, pattern?: RegExp): Promise<void> {
  await assert.rejects(call, (error: unknown) => {
    assert.ok(error instanceof ValidationError, `expected a ValidationError, got ${String(error)}`);
    assert.equal(error.table, 'notes');
    assert.equal(error.column, column);
    if (pattern) assert.match(error.message, pattern);
    return true;
  });
}

describe('bad input is a ValidationError, and no SQL is sent', () => {
  refusesWithoutSql('refuses an unknown column in values', async (repo) => {
    await refused(() => repo.insert({ ...VALID, colour: 'red' } as NoteInsert), 'colour', /Table "notes", column "colour": unknown column in the values/);
    await refused(() => repo.update({ title: 'ok' }, { colour: 'red' } as object), 'colour');
    await refused(() => repo.upsert({ ...VALID, colour: 'red' } as NoteInsert), 'colour');
  });

  refusesWithoutSql('refuses an unknown column in a filter', async (repo) => {
    await refused(() => repo.find({ where: { colour: 'red' } as Where<typeof notes> }), 'colour', /unknown column in the filter/);
    await refused(() => repo.delete({ colour: 'red' } as Where<typeof notes>), 'colour');
    await refused(() => repo.count({ colour: 'red' } as Where<typeof notes>), 'colour');
  });

  refusesWithoutSql('refuses an unknown column in orderBy', async (repo) => {
    await refused(() => repo.find({ orderBy: { colour: 'asc' } } as FindOptions<typeof notes>), 'colour', /unknown column in orderBy/);
  });

  refusesWithoutSql('refuses a string of SQL as a column name, as an unknown column', async (repo) => {
    await refused(() => repo.find({ where: { [SQL_AS_NAME]: 'x' } as Where<typeof notes> }), SQL_AS_NAME, /unknown column/);
    await refused(() => repo.find({ orderBy: { [SQL_AS_NAME]: 'asc' } } as FindOptions<typeof notes>), SQL_AS_NAME);
    await refused(() => repo.insert({ ...VALID, [SQL_AS_NAME]: 'x' } as NoteInsert), SQL_AS_NAME);
    await refused(() => repo.upsert(VALID, { conflict: SQL_AS_NAME as 'id' }), SQL_AS_NAME);
  });

  refusesWithoutSql('refuses a non-UUID for a UUID key or column', async (repo) => {
    await refused(() => repo.findById('not-a-uuid'), 'id', /expected a UUID/);
    await refused(() => repo.findById("' OR 1=1 --"), 'id', /expected a UUID/);
    await refused(() => repo.insert({ ...VALID, id: '1234' }), 'id');
    await refused(() => repo.find({ where: { owner: { in: ['7c9e6679-7425-40de-944b-e07fc1f90ae7', 'nope'] } } }), 'owner');
    await refused(() => repo.insert({ ...VALID, refs: ['7c9e6679-7425-40de-944b-e07fc1f90ae7', 'nope'] }), 'refs', /element 1: expected a UUID/);
  });

  refusesWithoutSql('refuses a nested array', async (repo) => {
    await refused(() => repo.insert({ ...VALID, tags: [['a']] as unknown as string[] }), 'tags', /one-dimensional/);
    await refused(() => repo.find({ where: { tags: { contains: [['a']] as unknown as string[] } } }), 'tags', /one-dimensional/);
  });

  refusesWithoutSql('refuses wrong element types in an array', async (repo) => {
    await refused(() => repo.insert({ ...VALID, tags: ['a', 2] as unknown as string[] }), 'tags', /element 1: expected a string/);
    await refused(() => repo.insert({ ...VALID, tags: ['a', null] as unknown as string[] }), 'tags', /element 1: null is not allowed/);
    await refused(() => repo.insert({ ...VALID, tags: ['a', , 'c'] as unknown as string[] }), 'tags', /hole/);
  });

  refusesWithoutSql('refuses a circular JSON value', async (repo) => {
    const body: Record<string, unknown> = { a: 1 };
    body.self = { back: body };
    await refused(() => repo.insert({ ...VALID, body }), 'body', /\$\.self\.back is circular/);
  });

  refusesWithoutSql('refuses JSON holding a BigInt, a function, undefined, NaN or a class instance', async (repo) => {
    await refused(() => repo.insert({ ...VALID, body: { n: 1n } }), 'body', /\$\.n is a BigInt/);
    await refused(() => repo.insert({ ...VALID, body: { f: () => 1 } }), 'body', /function/);
    await refused(() => repo.insert({ ...VALID, body: { list: [1, undefined] } }), 'body', /\$\.list\[1\] is undefined/);
    await refused(() => repo.insert({ ...VALID, body: { n: Number.NaN } }), 'body', /NaN/);
    await refused(() => repo.insert({ ...VALID, body: { at: new Date() } }), 'body', /Date, not a plain object/);
    await refused(() => repo.find({ where: { body: { contains: { n: 1n } } } }), 'body', /BigInt/);
  });

  refusesWithoutSql('refuses a __proto__ or constructor key in a filter, in values and in a JSON document', async (repo) => {
    await refused(() => repo.find({ where: JSON.parse('{"__proto__": {"title": "x"}}') as Where<typeof notes> }), '__proto__', /could reach an object's prototype/);
    await refused(() => repo.delete(JSON.parse('{"constructor": 1}') as Where<typeof notes>), 'constructor');
    await refused(() => repo.find({ where: { title: JSON.parse('{"__proto__": 1}') as { eq: string } } }), '__proto__');
    await refused(() => repo.insert({ ...VALID, ...(JSON.parse('{"__proto__": 1}') as object) }), '__proto__');
    await refused(() => repo.insert({ ...VALID, body: JSON.parse('{"a": {"__proto__": {"polluted": true}}}') as Record<string, unknown> }), 'body', /__proto__/);
  });

  refusesWithoutSql('refuses integers out of the INT8 range, non-integers and unsafe numbers for int()', async (repo) => {
    await refused(() => repo.insert({ ...VALID, views: '9223372036854775808' }), 'views', /outside the INT8 range/);
    await refused(() => repo.insert({ ...VALID, views: -(2n ** 63n) - 1n }), 'views', /outside the INT8 range/);
    await refused(() => repo.insert({ ...VALID, views: 1.5 }), 'views', /safe integer/);
    await refused(() => repo.insert({ ...VALID, views: 2 ** 60 }), 'views', /safe integer/);
    await refused(() => repo.insert({ ...VALID, views: '12; DROP TABLE notes' }), 'views', /expected an integer/);
  });

  refusesWithoutSql('refuses NULL in a NOT NULL column, a missing required column and an undefined filter value', async (repo) => {
    await refused(() => repo.insert({ ...VALID, title: null as unknown as string }), 'title', /NOT NULL/);
    await refused(() => repo.insert({ tags: [] } as unknown as NoteInsert), 'title', /value is required/);
    await refused(() => repo.find({ where: { title: undefined } }), 'title', /undefined/);
  });

  refusesWithoutSql('refuses an unknown operator and an operator that does not suit the column', async (repo) => {
    await refused(() => repo.find({ where: { title: { regex: '%x' } as never } }), 'title', /unknown operator "regex"/);
    await refused(() => repo.find({ where: { tags: { gt: ['a'] } as never } }), 'tags', /unknown operator "gt"/);
    await refused(() => repo.find({ where: { body: { a: 1 } as never } }), 'body', /unknown operator "a"/);
    await refused(() => repo.find({ where: { title: { eq: null } as never } }), 'title', /isNull/);
  });

  refusesWithoutSql('refuses an invalid orderBy direction, and limit/offset that are not non-negative integers', async (repo) => {
    await refused(() => repo.find({ orderBy: { title: 'ASC; DROP TABLE notes' as 'asc' } }), 'title', /'asc' or 'desc'/);
    await refused(() => repo.find({ limit: -1 }), undefined, /limit must be a non-negative integer/);
    await refused(() => repo.find({ limit: 1.5 }), undefined, /limit/);
    await refused(() => repo.find({ offset: '10' as unknown as number }), undefined, /offset/);
    await refused(() => repo.find({ order: { title: 'asc' } } as FindOptions<typeof notes>), undefined, /unknown find option "order"/);
  });

  refusesWithoutSql('refuses an update or delete whose filter names no column', async (repo) => {
    await refused(() => repo.delete({}), undefined, /filter is empty/);
    await refused(() => repo.update({}, { title: 'x' }), undefined, /filter is empty/);
    await refused(() => repo.update({ title: 'x' }, {}), undefined, /patch sets no column/);
  });
});

describe('the recorder the checks above rely on', () => {
  it('does see statements sent to the server, so "no SQL sent" is not vacuous', async () => {
    const { db, statements } = await connectRecording(testDb.url);
    try {
      await new Repository(db, notes).insert(VALID);
    } finally {
      await db.close();
    }
    assert.equal(statements.length, 1);
    assert.match(statements[0]!, /^INSERT INTO "notes"/);
  });

  it('gives each case a recorder of its own: statements sent by one connection are not in another’s', async () => {
    const first = await connectRecording(testDb.url);
    const second = await connectRecording(testDb.url);
    try {
      await new Repository(first.db, notes).insert(VALID);
    } finally {
      await Promise.all([first.db.close(), second.db.close()]);
    }
    assert.equal(first.statements.length, 1);
    assert.deepEqual(second.statements, []);
  });
});
