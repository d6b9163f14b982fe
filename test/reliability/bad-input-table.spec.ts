import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CockroachDatabase,
  CockroachError,
  ConfigurationError,
  InvalidCursorError,
  NestedTransactionError,
  Repository,
  TransactionRequiredError,
  UnsupportedFeatureError,
  ValidationError,
  TransactionalMethodError,
  type QueryEvent,
} from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { BAD_INPUTS_BY_AREA } from './bad-inputs/all-rows.js';
import type { BadInput, BadInputEnv, ExpectedError } from './bad-inputs/bad-input.js';
import { accounts, ledger, memberships, SEED_ACCOUNTS, SEED_LEDGER, SEED_MEMBERSHIPS, TABLES } from './bad-inputs/fixtures.js';
import { startConnectionSentinel, type ConnectionSentinel } from './connection-sentinel.js';
import { snapshotDatabase, type DatabaseSnapshot } from './database-snapshot.js';

const ERROR_CLASSES: Record<ExpectedError['kind'], abstract new (...args: never[]) => CockroachError> = {
  ConfigurationError,
  ValidationError,
  NestedTransactionError,
  UnsupportedFeatureError,
  TransactionalMethodError,
  TransactionRequiredError,
  InvalidCursorError,
  CockroachError,
};

/** Statements sent only to begin, end or rescue a transaction. */
const TRANSACTION_CONTROL = /^(BEGIN|SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK|COMMIT)\b/i;

type Outcome = { threw: true; error: unknown } | { threw: false; value: unknown };

/** Every statement any connection of this file sent, through the library's own `onQuery` hook. */
const statements: string[] = [];
const record = (event: QueryEvent): void => {
  statements.push(event.text);
};

let testDb: TestDatabase;
let sentinel: ConnectionSentinel;
let db: CockroachDatabase;
let env: BadInputEnv;
let baseline: DatabaseSnapshot;

const rows = BAD_INPUTS_BY_AREA.flatMap(([area, list]) => list.map((row) => ({ area, row })));

async function settle(call: () => unknown): Promise<Outcome> {
  try {
    return { threw: false, value: await call() };
  } catch (error) {
    return { threw: true, error };
  }
}

/** Runs the row's bad call (inside its outer transaction, if any) and returns what it did and what it sent. */
async function runRow(row: BadInput): Promise<{ outcome: Outcome; sent: string[] }> {
  const result: { outcome: Outcome; sent: string[] } = { outcome: { threw: false, value: undefined }, sent: [] };
  const badCall = async () => {
    const from = statements.length;
    result.outcome = await settle(() => row.call(env));
    result.sent = statements.slice(from);
  };
  if (row.inside) await row.inside(env, badCall);
  else await badCall();
  return result;
}

function checkError(outcome: Outcome, row: BadInput): void {
  const { expected } = row;
  if (!outcome.threw) assert.fail(`expected ${expected.kind} (${expected.message}), but the call succeeded`);
  const { error } = outcome;
  if (!(error instanceof CockroachError)) {
    assert.fail(`expected ${expected.kind}, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  }
  assert.equal(error.constructor, ERROR_CLASSES[expected.kind], `expected ${expected.kind}, got ${error.name}: ${error.message}`);
  assert.equal(error.name, expected.kind);
  assert.ok(error.message.includes(expected.message), `message ${JSON.stringify(error.message)} lacks ${JSON.stringify(expected.message)}`);
  switch (expected.kind) {
    case 'ConfigurationError':
      assert.ok(error instanceof ConfigurationError);
      assert.equal(error.option, expected.option, 'the option named');
      assert.ok(error.message.startsWith(`Invalid option "${expected.option}": `), 'the message names the option');
      break;
    case 'TransactionalMethodError':
      assert.ok(error instanceof TransactionalMethodError);
      assert.equal(error.method, expected.method, 'the method named');
      assert.ok(!/option/i.test(error.message), 'a method that cannot carry a transaction is not called an option');
      break;
    case 'ValidationError':
      assert.ok(error instanceof ValidationError);
      assert.equal(error.table, expected.table, 'the table named');
      assert.equal(error.column, expected.column, 'the column named');
      break;
    case 'InvalidCursorError':
      assert.ok(error instanceof InvalidCursorError);
      assert.equal(error.table, expected.table, 'the table named');
      break;
    default:
      break;
  }
  if (row.secret !== undefined) {
    assert.ok(!error.message.includes(row.secret), 'the message does not reveal the secret');
    assert.ok(!String(error.stack).includes(row.secret), 'the stack does not reveal the secret');
  }
}

function checkSent(sent: readonly string[], row: BadInput): void {
  if ((row.sends ?? 'nothing') === 'nothing') {
    assert.deepEqual(sent, [], 'no statement was sent: the input was refused before any SQL');
  } else {
    const other = sent.filter((text) => !TRANSACTION_CONTROL.test(text));
    assert.deepEqual(other, [], 'only transaction control was sent');
  }
}

describe('bad input table: each bad input yields its documented typed error, and no table changes', () => {
  before(async () => {
    assert.ok(rows.length >= 60, `the table has ${rows.length} rows; it promises at least 60`);
    testDb = await createTestDatabase('badtable');
    sentinel = await startConnectionSentinel();
    db = await CockroachDatabase.connect({ url: testDb.url, onQuery: record });
    await db.createTables(...TABLES);
    const repositories = {
      accounts: new Repository(db, accounts),
      ledger: new Repository(db, ledger),
      memberships: new Repository(db, memberships),
    };
    await repositories.accounts.insertMany(SEED_ACCOUNTS);
    await repositories.ledger.insertMany(SEED_LEDGER);
    await repositories.memberships.insertMany(SEED_MEMBERSHIPS);
    assert.ok(statements.length > 0, 'the recorder sees statements, so "nothing sent" is not vacuous');
    env = { db, ...repositories, record, sentinelUrl: sentinel.url };
    baseline = await snapshotDatabase(testDb);
    assert.deepEqual(Object.keys(baseline.tables), ['accounts', 'ledger', 'memberships']);
    for (const table of Object.values(baseline.tables)) assert.equal(table.rows, 3, 'every table is seeded');
  });

  after(async () => {
    await db?.close();
    await sentinel?.close();
    await testDb?.drop();
  });

  for (const { area, row } of rows) {
    it(`[${area}] ${row.name}`, async (t) => {
      if (row.dialect !== undefined && row.dialect !== db.dialect) return t.skip(`${row.dialect} only`);
      const connectionsBefore = sentinel.connections;
      const { outcome, sent } = await runRow(row);
      checkError(outcome, row);
      checkSent(sent, row);
      assert.equal(sentinel.connections - connectionsBefore, 0, 'no connection was attempted: the options were refused first');
    });
  }

  it('leaves every table exactly as it was, and creates or drops none', async () => {
    assert.deepEqual(await snapshotDatabase(testDb), baseline);
  });
});
