import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  array,
  bool,
  bytes,
  CockroachDatabase,
  createTables,
  decimal,
  defineTable,
  int,
  json,
  Repository,
  rowId,
  text,
  timestamptz,
  uuid,
  uuidKey,
  type InsertRow,
} from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const BEYOND_SAFE = 9007199254740993n; // 2^53 + 1: the first integer a double cannot hold

interface Profile {
  name: string;
  address: { city: string; geo: { lat: number; lng: number } };
  languages: string[];
  manager: null | { name: string };
  history: Array<{ year: number; roles: string[] }>;
}

const everyType = defineTable('every_type', {
  id: rowId(),
  ref: uuid(),
  label: text(),
  count: int(),
  flag: bool(),
  at: timestamptz(),
  amount: decimal(),
  blob: bytes(),
  profile: json<Profile>(),
  names: array(text()),
  numbers: array(int()),
  refs: array(uuid()),
  flags: array(bool()),
  amounts: array(decimal()),
  moments: array(timestamptz()),
  sparse: array(text().nullable()),
  note: text().nullable(),
  extra: json<unknown>().nullable(),
});

const documents = defineTable('documents', {
  id: uuidKey(),
  title: text(),
  body: json<{ sections: Array<{ heading: string; words: number }> }>(),
});

const sample: InsertRow<typeof everyType> = {
  ref: '0b5a1f6e-2f4e-4c59-9c1e-0f5a2b7c9d11',
  label: `quotes ' " \\ and unicode ✓ {braces}, commas`,
  count: '9223372036854775807',
  flag: true,
  at: new Date('2024-02-29T12:34:56.789Z'),
  amount: '12345678901234567890.123456789',
  blob: Buffer.from([0, 1, 2, 254, 255]),
  profile: {
    name: 'Ada',
    address: { city: 'London', geo: { lat: 51.5072, lng: -0.1276 } },
    languages: ['en', 'fr'],
    manager: null,
    history: [{ year: 1843, roles: ['analyst', 'writer'] }],
  },
  names: ['plain', 'with "quotes"', 'with,comma', 'NULL', '', 'back\\slash', '{braces}'],
  numbers: [BEYOND_SAFE, '-9223372036854775808', 0],
  refs: ['7c9e6679-7425-40de-944b-e07fc1f90ae7', '00000000-0000-0000-0000-000000000000'],
  flags: [true, false, true],
  amounts: ['0.1', '98765432109876543210.000000001'],
  moments: [new Date('2000-01-01T00:00:00.000Z')],
  sparse: ['a', null, 'c'],
  note: null,
  extra: [1, 'two', { three: [3] }],
};

let testDb: TestDatabase;
let db: CockroachDatabase;
let repo: Repository<typeof everyType>;

before(async () => {
  testDb = await createTestDatabase('roundtrip');
  db = await CockroachDatabase.connect({ url: testDb.url });
  await createTables(db, everyType, documents);
  if (testDb.dialect === 'postgres') {
    // unique_rowid() values exceed 2^53 from the start; make the identity column do the same.
    await testDb.admin(`ALTER TABLE every_type ALTER COLUMN id RESTART WITH ${BEYOND_SAFE}`);
  }
  repo = new Repository(db, everyType);
});
after(async () => {
  await db.close();
  await testDb.drop();
});

describe('every column type round-trips through insert and findById', () => {
  it('returns the inserted row with its generated rowId beyond 2^53, kept exact', async () => {
    const inserted = await repo.insert(sample);
    assert.equal(typeof inserted.id, 'string');
    assert.ok(BigInt(inserted.id) >= BEYOND_SAFE, `${inserted.id} is beyond 2^53`);
    if (testDb.dialect === 'postgres') assert.equal(inserted.id, String(BEYOND_SAFE));
    assert.deepEqual(inserted, { id: inserted.id, ...sample, count: '9223372036854775807', numbers: [String(BEYOND_SAFE), '-9223372036854775808', '0'] });
    assert.deepEqual(await repo.findById(inserted.id), inserted);
  });

  it('finds a rowId given as a bigint or a string alike', async () => {
    const inserted = await repo.insert(sample);
    assert.deepEqual(await repo.findById(BigInt(inserted.id)), inserted);
    assert.equal(await repo.findById('1'), null);
  });

  it('keeps every digit of DECIMAL values and DECIMAL arrays', async () => {
    const inserted = await repo.insert({ ...sample, amount: 0.5, amounts: ['1.000000000000000000001'] });
    assert.equal(inserted.amount, '0.5');
    assert.deepEqual(inserted.amounts, ['1.000000000000000000001']);
  });

  it('stores nested JSON documents and any JSON value, including top-level arrays', async () => {
    const inserted = await repo.insert({ ...sample, extra: { deep: { deeper: { deepest: [null, true, 1.5, 'x'] } } } });
    assert.deepEqual((await repo.findById(inserted.id))!.extra, { deep: { deeper: { deepest: [null, true, 1.5, 'x'] } } });
    const documentRepo = new Repository(db, documents);
    const document = await documentRepo.insert({ title: 'guide', body: { sections: [{ heading: 'intro', words: 120 }] } });
    assert.match(document.id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(await documentRepo.findById(document.id), document);
  });

  it("returns INT8 columns as BigInt when the connection's policy is 'bigint'", async () => {
    const bigintDb = await CockroachDatabase.connect({ url: testDb.url, int8: 'bigint' });
    try {
      const bigintRepo = new Repository<typeof everyType, 'bigint'>(bigintDb, everyType);
      const inserted = await bigintRepo.insert(sample);
      const id: bigint = inserted.id;
      assert.equal(typeof id, 'bigint');
      assert.deepEqual(inserted.numbers, [BEYOND_SAFE, -9223372036854775808n, 0n]);
      assert.equal(await bigintRepo.count({ id }), 1);
    } finally {
      await bigintDb.close();
    }
  });
});
