import { defineTable, int, rowId, text, timestamptz, uuid, uuidKey } from '../../src/index.js';

/**
 * A bank account. `balance` is in cents: an INT8, so it reads back as a
 * string under the default INT8 policy and never loses a digit.
 */
export const accountsTable = defineTable('accounts', {
  id: uuidKey(),
  owner: text(),
  balance: int().default(0),
  createdAt: timestamptz().defaultSql('now()'),
});

/**
 * One committed transfer. `rowId()` is `INT8 DEFAULT unique_rowid()` on
 * CockroachDB (ids beyond 2^53, hence strings) and an identity column on PostgreSQL.
 */
export const transfersTable = defineTable(
  'transfers',
  {
    id: rowId(),
    source: uuid(),
    target: uuid(),
    amount: int(),
    createdAt: timestamptz().defaultSql('now()'),
  },
  { indexes: [{ columns: ['source'] }, { columns: ['target'] }] },
);
