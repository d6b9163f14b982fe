import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CockroachDatabase, CockroachError, sql, type QueryEvent } from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

describe('sql tagged template', () => {
  it('turns every interpolated value into a numbered placeholder', () => {
    const query = sql`SELECT * FROM t WHERE a = ${1} AND b = ${'x'}`;
    assert.equal(query.text, 'SELECT * FROM t WHERE a = $1 AND b = $2');
    assert.deepEqual(query.values, [1, 'x']);
  });

  it('numbers placeholders across nested fragments and joins', () => {
    const conditions = [sql`a = ${1}`, sql`b = ${2}`];
    const query = sql`SELECT * FROM ${sql.identifier('my "table"')} WHERE ${sql.join(conditions, sql` AND `)} LIMIT ${3}`;
    assert.equal(query.text, 'SELECT * FROM "my ""table""" WHERE a = $1 AND b = $2 LIMIT $3');
    assert.deepEqual(query.values, [1, 2, 3]);
  });

  describe('against the server', () => {
    let testDb: TestDatabase;
    let db: CockroachDatabase;
    before(async () => {
      testDb = await createTestDatabase('sqltag');
      db = await CockroachDatabase.connect({ url: testDb.url, onQuery: (event) => sent.push(event) });
    });
    const sent: QueryEvent[] = [];

    it('refuses a second argument next to a sql-tagged query (TypeScript too), sending nothing', async () => {
      const before = sent.length;
      // @ts-expect-error a sql-tagged query carries its own values.
      const call = db.query(sql`SELECT ${1}::int AS one`, [2]);
      await assert.rejects(call, (error: unknown) => error instanceof CockroachError && /pass no second argument/.test(error.message));
      assert.equal(sent.length, before, 'no statement was sent');
    });
    after(async () => {
      await db.close();
      await testDb.drop();
    });

    it('binds a value carrying SQL as data, never as code', async () => {
      await db.query('CREATE TABLE notes (body TEXT)');
      const hostile = "x'); DROP TABLE notes; --";
      await db.query(sql`INSERT INTO notes (body) VALUES (${hostile})`);
      const { rows } = await db.query(sql`SELECT body FROM notes WHERE body = ${hostile}`);
      assert.deepEqual(rows, [{ body: hostile }]);
    });
  });
});
