import 'reflect-metadata';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { beginTestTransaction, rollbackTestTransaction } from '../../src/testing/index.js';
import { startSampleApp, type SampleApp } from './sample-app.fixture.js';

// Each test runs in a test transaction that is rolled back after it: no test sees another's rows.
let sample: SampleApp;
before(async () => {
  sample = await startSampleApp('sample_users');
});
after(() => sample.close());
beforeEach(() => beginTestTransaction(sample.db));
afterEach(() => rollbackTestTransaction(sample.db));

async function counts(): Promise<{ users: string; tokens: string }> {
  const { rows } = await sample.db.query<{ users: string; tokens: string }>(
    'SELECT (SELECT count(*) FROM users)::TEXT AS users, (SELECT count(*) FROM login_tokens)::TEXT AS tokens',
  );
  return rows[0]!;
}

describe('sample app: users', () => {
  it('POST /users creates the user and a one-day login token together', async () => {
    const before = Date.now();
    const response = await sample.http.post('/users').send({ email: 'ada@example.com', name: 'Ada' }).expect(201);
    const { user, token } = response.body;
    assert.equal(user.email, 'ada@example.com');
    assert.equal(token.userId, user.id);
    assert.ok(token.token.length >= 32);
    const lifetimeMs = Date.parse(token.expiresAt) - before;
    assert.ok(Math.abs(lifetimeMs - 24 * 3600 * 1000) < 60_000, `token lives one day, got ${lifetimeMs} ms`);

    const stored = await sample.db.query<{ user_id: string }>('SELECT "userId"::TEXT AS user_id FROM login_tokens WHERE token = $1', [token.token]);
    assert.deepEqual(stored.rows, [{ user_id: user.id }]);
    const read = await sample.http.get(`/users/${user.id}`).expect(200);
    assert.equal(read.body.name, 'Ada');
    // Uncommitted: invisible outside the test transaction.
    assert.deepEqual(await sample.testDb.admin('SELECT 1 FROM users'), []);
  });

  it('answers 409 for a taken email, leaving neither a second user nor an orphan token', async () => {
    assert.deepEqual(await counts(), { users: '0', tokens: '0' }); // the previous test's rows were rolled back
    await sample.http.post('/users').send({ email: 'ada@example.com', name: 'Ada' }).expect(201);
    const response = await sample.http.post('/users').send({ email: 'ada@example.com', name: 'Other Ada' }).expect(409);
    assert.match(response.body.message, /already exists/);
    assert.deepEqual(await counts(), { users: '1', tokens: '1' });
  });

  it('answers 400 for a missing field and 404 / 400 for unknown / malformed ids', async () => {
    await sample.http.post('/users').send({ email: 'grace@example.com' }).expect(400);
    await sample.http.post('/users').send(['not', 'an', 'object']).expect(400);
    assert.deepEqual(await counts(), { users: '0', tokens: '0' });
    await sample.http.get('/users/00000000-0000-4000-8000-000000000000').expect(404);
    const bad = await sample.http.get('/users/42').expect(400);
    assert.deepEqual([bad.body.table, bad.body.column], ['users', 'id']);
  });
});
