import {
  array,
  bool,
  bytes,
  decimal,
  defineTable,
  enumOf,
  int,
  json,
  rowId,
  text,
  timestamptz,
  uuid,
  uuidKey,
  varchar,
  type InsertRow,
} from '../../../src/index.js';

/** Every column kind the library has, so a bad value of each kind has a real column to aim at. */
export const accounts = defineTable(
  'accounts',
  {
    id: uuidKey(),
    owner: text(),
    email: text().unique().nullable(),
    balance: decimal(),
    visits: int().default(0),
    active: bool(),
    openedAt: timestamptz().defaultSql('now()'),
    ref: uuid().nullable(),
    avatar: bytes().nullable(),
    profile: json<Record<string, unknown>>().nullable(),
    tags: array(text()),
    scores: array(int()).default([]),
    plan: enumOf(['free', 'pro']).default('free'),
    nickname: varchar(8).nullable(),
  },
  { invertedIndexes: [{ column: 'profile' }] },
);

/** A server-generated INT8 key (unique_rowid() on CockroachDB, identity on PostgreSQL). */
export const ledger = defineTable(
  'ledger',
  {
    id: rowId(),
    account: uuid(),
    amount: decimal(),
    memo: text().nullable(),
    at: timestamptz(),
  },
  { indexes: [{ columns: ['account'] }] },
);

/** A composite primary key. */
export const memberships = defineTable('memberships', {
  team: text().primaryKey(),
  member: text().primaryKey(),
  role: text(),
});

export const TABLES = [accounts, ledger, memberships] as const;

/** A valid account: rows spread a bad value over it, so exactly one thing is wrong. */
export const VALID_ACCOUNT: InsertRow<typeof accounts> = { owner: 'valid', balance: '1.00', active: true, tags: [] };

export const SEED_ACCOUNTS: ReadonlyArray<InsertRow<typeof accounts>> = [
  {
    id: '0b7f2a4e-6a3c-4c47-9d3e-1f2a3b4c5d6e',
    owner: 'ada',
    email: 'ada@example.com',
    balance: '1234567890.123456789',
    visits: '9223372036854775807',
    active: true,
    openedAt: new Date('2024-02-29T12:34:56.789Z'),
    ref: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
    avatar: Buffer.from([0, 1, 2, 254, 255]),
    profile: { name: 'Ada', langs: ['en', 'fr'], nested: { deep: [1, 2.5, null, true] } },
    tags: ['admin', 'quote"s', "it's", 'semi;colon'],
    scores: ['-9223372036854775808', '0', '42'],
  },
  {
    id: '1c8e3b5f-7b4d-4d58-8e4f-2a3b4c5d6e7f',
    owner: "Robert'); DROP TABLE accounts; --",
    balance: -0.5,
    active: false,
    openedAt: new Date('1999-12-31T23:59:59.999Z'),
    tags: [],
  },
  {
    id: '2d9f4c60-8c5e-4e69-9f50-3b4c5d6e7f80',
    owner: 'ünïcødé 😀',
    email: 'u@example.com',
    balance: '0',
    visits: 7n,
    active: true,
    openedAt: new Date('2030-01-01T00:00:00.000Z'),
    avatar: new Uint8Array(0),
    profile: {},
    tags: ['', ' '],
    scores: [1, 2, 3],
  },
];

export const SEED_LEDGER: ReadonlyArray<InsertRow<typeof ledger>> = [
  { account: '0b7f2a4e-6a3c-4c47-9d3e-1f2a3b4c5d6e', amount: '100.00', memo: 'opening', at: new Date('2024-03-01T00:00:00Z') },
  { account: '0b7f2a4e-6a3c-4c47-9d3e-1f2a3b4c5d6e', amount: '-0.01', at: new Date('2024-03-02T00:00:00Z') },
  { account: '1c8e3b5f-7b4d-4d58-8e4f-2a3b4c5d6e7f', amount: '1e-9', memo: 'tiny', at: new Date('2024-03-03T00:00:00Z') },
];

export const SEED_MEMBERSHIPS: ReadonlyArray<InsertRow<typeof memberships>> = [
  { team: 'core', member: 'ada', role: 'lead' },
  { team: 'core', member: 'bob', role: 'dev' },
  { team: 'ops', member: 'ada', role: 'on-call' },
];
