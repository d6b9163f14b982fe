import 'reflect-metadata';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CockroachDatabase, CockroachError, UnsupportedFeatureError } from '../../src/index.js';
import { beginTestTransaction, rollbackTestTransaction } from '../../src/testing/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let testDb: TestDatabase;
let db: CockroachDatabase;

before(async () => {
  testDb = await createTestDatabase('test_control');
  await testDb.admin('CREATE TABLE notes (id INT8 PRIMARY KEY, body TEXT NOT NULL)');
  db = await CockroachDatabase.connect({ url: testDb.url });
});
after(async () => {
  await db.close();
  await testDb.drop();
});

async function committedNotes(): Promise<number> {
  return Number((await testDb.admin<{ n: string }>('SELECT count(*) AS n FROM notes'))[0]!.n);
}

/** Every way to end, open or nest a transaction that a leading keyword gives away, in the spellings people write. */
const TRANSACTION_CONTROL = [
  'COMMIT',
  'commit;',
  'END',
  'end transaction',
  'COMMIT AND CHAIN',
  'ROLLBACK',
  'ROLLBACK AND CHAIN',
  'ABORT',
  'BEGIN',
  'START TRANSACTION',
  'SAVEPOINT mine',
  'RELEASE mine',
  'RELEASE SAVEPOINT mine',
  'ROLLBACK TO SAVEPOINT mine',
  "PREPARE TRANSACTION 'mine'",
  "COMMIT PREPARED 'mine'",
  '  \n\tCOMMIT',
  '-- done\nCOMMIT',
  '/* done /* nested */ */ COMMIT',
  '; COMMIT',
];

describe('db.query refuses transaction control inside a test transaction', { timeout: 30_000 }, () => {
  beforeEach(() => beginTestTransaction(db));
  afterEach(() => rollbackTestTransaction(db));

  for (const text of TRANSACTION_CONTROL) {
    it(`refuses ${JSON.stringify(text)} with UnsupportedFeatureError, and the test transaction stays open`, async () => {
      await db.query("INSERT INTO notes VALUES (1, 'uncommitted')");
      await assert.rejects(db.query(text), (error: unknown) => {
        assert.ok(error instanceof UnsupportedFeatureError, String(error));
        assert.match(error.message, /test transaction/);
        assert.match(error.message, /db\.transaction|@Transactional/);
        return true;
      });
      // Still inside the test transaction: later statements run, and nothing was committed.
      assert.equal((await db.query('SELECT count(*)::INT AS n FROM notes')).rows[0]!['n'], 1);
      assert.equal(await committedNotes(), 0);
    });
  }

  it('refuses it inside an owned transaction too, and the owner rolls back', async () => {
    await assert.rejects(
      db.transaction(async () => {
        await db.query("INSERT INTO notes VALUES (2, 'owned')");
        await db.query('COMMIT');
      }),
      UnsupportedFeatureError,
    );
    assert.equal((await db.query('SELECT count(*)::INT AS n FROM notes')).rows[0]!['n'], 0);
    assert.equal(await committedNotes(), 0);
  });

  it('lets through statements that merely mention the keywords', async () => {
    const { rows } = await db.query("SELECT 'COMMIT' AS commit_word, 1 AS \"end\" -- ROLLBACK");
    assert.deepEqual(rows, [{ commit_word: 'COMMIT', end: 1 }]);
    await db.query('/* COMMIT */ SELECT 1');
    await db.query('PREPARE committed_notes AS SELECT count(*) FROM notes');
    await db.query('EXECUTE committed_notes');
    await db.query('DEALLOCATE committed_notes');
  });
});

describe('rollbackTestTransaction fails loudly when the test transaction had already ended', { timeout: 30_000 }, () => {
  afterEach(async () => {
    await rollbackTestTransaction(db).catch(() => undefined);
    await testDb.admin('DELETE FROM notes');
  });

  it('throws when a COMMIT hidden in a multi-statement query committed it, and unpins all the same', async () => {
    await beginTestTransaction(db);
    await db.query("INSERT INTO notes VALUES (3, 'escaped')");
    // The leading keyword is a SELECT: only the server can tell that the batch ended the transaction.
    await db.query('SELECT 1; COMMIT').catch(() => undefined);
    await assert.rejects(rollbackTestTransaction(db), (error: unknown) => {
      assert.ok(error instanceof CockroachError, String(error));
      assert.match(error.message, /test transaction was no longer open/);
      return true;
    });
    assert.equal(await committedNotes(), 1); // the row the COMMIT kept, which the error warns about
    // Unpinned: db runs on its pool again, and a new test transaction can begin.
    await db.query("INSERT INTO notes VALUES (4, 'on the pool')");
    assert.equal(await committedNotes(), 2);
    await beginTestTransaction(db);
    await rollbackTestTransaction(db);
  });

  it('returns normally for a test transaction aborted by a failed statement (still open on the server)', async () => {
    await beginTestTransaction(db);
    await db.query('SELECT 1/0').catch(() => undefined);
    await rollbackTestTransaction(db);
    assert.equal(await committedNotes(), 0);
  });
});
