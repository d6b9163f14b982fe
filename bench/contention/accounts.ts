import type { TestDatabase } from '../../test/support/test-database.js';

/**
 * Large enough that a few seconds of transfers of at most MAX_AMOUNT never
 * drain an account, so no run is shaped by refusals.
 */
const OPENING_BALANCE = 1_000_000_000;
export const MAX_AMOUNT = 100;

/** Touches the table on every new connection, so catalog lookups happen before the clock starts. */
export const WARM_UP_STATEMENT = 'SELECT balance FROM accounts WHERE id = $1';
export const WARM_UP_VALUES = [1];

/**
 * A fresh `accounts` table of `count` rows for every run, so each run starts
 * from the same state: no dead row versions left by the last.
 *
 * Two PostgreSQL details keep H the number of contended rows, not something
 * coarser. Under SERIALIZABLE, PostgreSQL records reads as predicate locks;
 * a sequential scan locks the whole table (hence ANALYZE, so the planner uses
 * the primary key), and an index scan locks the whole index leaf page it
 * read. An UPDATE that cannot stay on its heap page (not HOT) inserts into
 * that leaf page and so conflicts with every reader of any of its few hundred
 * keys: measured at H=1000, W=16, about three serialization failures in four
 * were such false conflicts. Half-empty heap pages (fillfactor 50) keep every
 * update HOT. CockroachDB has no such setting and needs none.
 */
export async function resetAccounts(database: TestDatabase, count: number): Promise<void> {
  const storage = database.dialect === 'postgres' ? ' WITH (fillfactor = 50)' : '';
  await database.admin('DROP TABLE IF EXISTS accounts');
  await database.admin(`CREATE TABLE accounts (id INT8 PRIMARY KEY, balance INT8 NOT NULL)${storage}`);
  await database.admin('INSERT INTO accounts (id, balance) SELECT g, $2 FROM generate_series(1, $1::INT8) AS g', [count, OPENING_BALANCE]);
  await database.admin('ANALYZE accounts');
}

/** Transfers move money, never create or destroy it: a cheap check that every strategy kept its transactions whole. */
export async function checkMoneyConserved(database: TestDatabase, count: number): Promise<void> {
  const [row] = await database.admin<{ accounts: string; total: string }>(
    'SELECT count(*)::TEXT AS accounts, sum(balance)::TEXT AS total FROM accounts',
  );
  const expected = BigInt(count) * BigInt(OPENING_BALANCE);
  if (row?.accounts !== String(count) || row.total !== String(expected)) {
    throw new Error(`Money was not conserved: ${row?.accounts} accounts holding ${row?.total}, expected ${count} holding ${expected}`);
  }
}
