import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  createTables,
  defineTable,
  int4,
  InvalidCursorError,
  Repository,
  rowId,
  text,
  timestamptz,
  type CockroachDatabase,
  type OrderBy,
  type Row,
} from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { connectRecording } from './recording-database.js';

const posts = defineTable('posts', { id: rowId(), author: text(), score: int4(), at: timestamptz() });
type Post = Row<typeof posts>;

let testDb: TestDatabase;
let db: CockroachDatabase;
let statements: string[];
let repo: Repository<typeof posts>;

before(async () => {
  testDb = await createTestDatabase('pages');
  ({ db, statements } = await connectRecording(testDb.url));
  await createTables(db, posts);
  repo = new Repository(db, posts);
  // 40 rows over 4 scores: plenty of ties for the primary-key tie-breaker to settle.
  await repo.insertMany(
    Array.from({ length: 40 }, (_, index) => ({ author: `author${index % 7}`, score: index % 4, at: new Date(Date.UTC(2024, 0, 1, 0, 0, index % 5)) })),
  );
});
after(async () => {
  await db.close();
  await testDb.drop();
});

async function allPages(orderBy: OrderBy<typeof posts>, limit: number, between?: (page: number) => Promise<void>): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let after: string | null = null;
  let pages = 0;
  do {
    const page: { rows: Post[]; next: string | null } = await repo.findPage({ orderBy, after, limit });
    pages++;
    ids.push(...page.rows.map((row) => row.id));
    after = page.next;
    if (between) await between(pages);
  } while (after !== null);
  return { ids, pages };
}

async function fullOrder(orderBy: OrderBy<typeof posts>): Promise<string[]> {
  return (await repo.find({ orderBy: { ...orderBy, id: 'asc' } })).map((row) => row.id);
}

describe('findPage reads in keyset order with the primary key as tie-breaker', () => {
  it('returns every row once, in order, with next null exactly on the last page', async () => {
    const { ids, pages } = await allPages({ score: 'asc' }, 7);
    assert.deepEqual(ids, await fullOrder({ score: 'asc' }));
    assert.equal(pages, 6, '40 rows in pages of 7');
    const exact = await allPages({ score: 'asc' }, 8);
    assert.equal(exact.pages, 5, 'a last full page has next: null, no empty page after it');
  });

  it('handles mixed directions and descending orders', async () => {
    assert.deepEqual((await allPages({ score: 'desc', author: 'asc' }, 6)).ids, await fullOrder({ score: 'desc', author: 'asc' }));
    assert.deepEqual((await allPages({ id: 'desc' }, 9)).ids, (await repo.find({ orderBy: { id: 'desc' } })).map((row) => row.id));
  });

  it('writes a row comparison for one direction and no OFFSET', async () => {
    const first = await repo.findPage({ where: { author: { ne: 'nobody' } }, orderBy: { score: 'asc' }, limit: 5 });
    statements.length = 0;
    await repo.findPage({ where: { author: { ne: 'nobody' } }, orderBy: { score: 'asc' }, limit: 5, after: first.next });
    assert.deepEqual(statements, [
      'SELECT "id", "author", "score", "at" FROM "posts" WHERE "author" <> $1::TEXT AND ("score", "id") > ($2::INT4, $3::INT8) ORDER BY "score" ASC, "id" ASC LIMIT $4::INT8',
    ]);
  });

  it('never skips or repeats a row under concurrent inserts between and during pages', async () => {
    const before = new Set(await fullOrder({ score: 'asc' }));
    let inserting = true;
    // A writer on another connection keeps inserting rows that sort everywhere, including before the cursor.
    const writer = (async () => {
      for (let index = 0; inserting; index++) {
        await repo.insert({ author: 'late', score: index % 4, at: new Date() });
      }
    })();
    const { ids } = await allPages({ score: 'asc' }, 4, async () => {
      await repo.insert({ author: 'between', score: 0, at: new Date() });
    });
    inserting = false;
    await writer;
    assert.equal(new Set(ids).size, ids.length, 'no row repeated');
    for (const id of before) assert.ok(ids.includes(id), `row ${id} that existed throughout was seen`);
    await testDb.admin(`DELETE FROM posts WHERE author IN ('late', 'between')`);
  });

  it('keeps microseconds in the cursor, so rows a microsecond apart are neither repeated nor skipped', async () => {
    // Six timestamps within one millisecond: as JavaScript Dates they would all be equal.
    const stamps = [1, 2, 3, 4, 5, 6].map((micros) => `2030-01-01 00:00:00.00000${micros}+00`);
    for (const stamp of stamps) await testDb.admin(`INSERT INTO posts (author, score, at) VALUES ('micro', 9, $1::TIMESTAMPTZ)`, [stamp]);
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: { rows: Post[]; next: string | null } = await repo.findPage({ where: { author: 'micro' }, orderBy: { at: 'asc' }, limit: 2, after });
      seen.push(...page.rows.map((row) => row.id));
      after = page.next;
    } while (after !== null);
    assert.equal(seen.length, 6);
    assert.equal(new Set(seen).size, 6);
  });
});

describe('a cursor is checked before any SQL', () => {
  it('refuses a forged, damaged or stale cursor with InvalidCursorError', async () => {
    const page = await repo.findPage({ where: { score: 1 }, orderBy: { score: 'asc' }, limit: 3 });
    const cursor = page.next!;
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as { v: number; f: string; k: unknown[] };
    const forge = (change: object) => Buffer.from(JSON.stringify({ ...decoded, ...change })).toString('base64url');
    statements.length = 0;
    const refused = (after: unknown, message: RegExp, options: { where?: object; orderBy?: object } = {}) =>
      assert.rejects(
        repo.findPage({ where: { score: 1 }, orderBy: { score: 'asc' }, limit: 3, ...options, after: after as string }),
        (error: unknown) => error instanceof InvalidCursorError && message.test(error.message),
      );
    await refused('not a cursor', /not a cursor this library wrote/);
    await refused(42, /expected the `next` string/);
    await refused(forge({ k: [1, 'DROP TABLE posts'] }), /id: expected an integer/);
    await refused(forge({ k: [1] }), /one value per sort column/);
    await refused(forge({ v: 2 }), /not a cursor this library wrote/);
    await refused(cursor, /made for another query/, { orderBy: { score: 'desc' } });
    await refused(cursor, /made for another query/, { where: { score: 2 } });
    assert.deepEqual(statements, []);
  });
});

describe('findPage remembers the plan of an order, never the validity of another', () => {
  it('reuses a valid order’s statement, and still refuses orders that only look like it', async () => {
    const first = await repo.findPage({ orderBy: { score: 'asc', author: 'desc' }, limit: 4 });
    statements.length = 0;
    for (let index = 0; index < 3; index++) await repo.findPage({ orderBy: { score: 'asc', author: 'desc' }, limit: 4, after: first.next });
    assert.equal(new Set(statements).size, 1, 'the same statement every time');
    assert.match(statements[0]!, /ORDER BY "score" ASC, "author" DESC, "id" ASC LIMIT/);
    statements.length = 0;
    // Each of these would share a naive key with the valid order above (names and directions run together).
    const lookalikes: unknown[] = [
      { 'score\u0000asc\u0000author': 'desc' },
      { score: 'asc\u0000author\u0000desc' },
      { score: 'ASC', author: 'desc' },
    ];
    for (const orderBy of lookalikes) {
      await assert.rejects(repo.findPage({ orderBy: orderBy as OrderBy<typeof posts>, limit: 4 }), (error: Error) => error.name === 'ValidationError');
    }
    assert.deepEqual(statements, []);
    // The same names in another order are another plan.
    assert.deepEqual((await allPages({ author: 'desc', score: 'asc' }, 9)).ids, await fullOrder({ author: 'desc', score: 'asc' }));
  });

  it('remembers an order as it was validated, even when a getter answers differently the next time', async () => {
    let reads = 0;
    const shifting = Object.defineProperty({}, 'author', { enumerable: true, get: () => (reads++ === 0 ? 'asc' : 'desc') });
    statements.length = 0;
    await repo.findPage({ orderBy: shifting as OrderBy<typeof posts>, limit: 3 });
    assert.match(statements[0]!, /ORDER BY "author" ASC, "id" ASC/);
    await repo.findPage({ orderBy: { author: 'desc' }, limit: 3 });
    assert.match(statements[1]!, /ORDER BY "author" DESC, "id" ASC/, 'a plain descending order gets its own plan');
  });
});

describe('iterate reads every row in keyset batches', () => {
  it('yields all rows in order, batchSize rows per statement, with no server-side cursor', async () => {
    statements.length = 0;
    const ids: string[] = [];
    for await (const row of repo.iterate({ score: { gte: 0 } }, { batchSize: 16 })) ids.push(row.id);
    assert.deepEqual(ids, (await repo.find({ where: { score: { gte: 0 } }, orderBy: { id: 'asc' } })).map((row) => row.id));
    const reads = statements.filter((text) => text.startsWith('SELECT "id"') && text.includes('LIMIT'));
    assert.equal(reads.length, Math.ceil(ids.length / 16));
    assert.ok(!statements.some((text) => /DECLARE|FETCH/i.test(text)), 'no server-side cursor');
  });

  it('stops reading when the caller breaks', async () => {
    const [top] = await repo.find({ orderBy: { score: 'desc' }, limit: 1 });
    statements.length = 0;
    for await (const row of repo.iterate(undefined, { batchSize: 5, orderBy: { score: 'desc' } })) {
      assert.equal(row.score, top!.score);
      break;
    }
    assert.equal(statements.length, 1);
  });
});
