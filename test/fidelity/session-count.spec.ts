import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { countSessions, eventually, openCockroachSessionsSql } from '../support/sessions.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let testDb: TestDatabase;
before(async () => {
  testDb = await createTestDatabase('sessions');
});
after(() => testDb.drop());

describe('session-count helpers count only open sessions', () => {
  it("filters out CockroachDB 23.1+'s CLOSED sessions, and asks older servers (no status column) nothing about status", () => {
    assert.equal(
      openCockroachSessionsSql('CockroachDB CCL v23.1.0 (x86_64-pc-linux-gnu, built 2023/05/01, go1.19)'),
      "SELECT session_id FROM [SHOW CLUSTER SESSIONS] WHERE application_name = $1 AND status <> 'CLOSED'",
    );
    assert.equal(
      openCockroachSessionsSql('CockroachDB CCL v22.2.9 (x86_64-pc-linux-gnu, built 2023/05/01, go1.19)'),
      'SELECT session_id FROM [SHOW CLUSTER SESSIONS] WHERE application_name = $1',
    );
  });

  it('stops counting a connection once it is closed', async () => {
    const applicationName = 'session-count-probe';
    const client = new pg.Client({ connectionString: testDb.url, application_name: applicationName });
    await client.connect();
    assert.equal(await countSessions(testDb, applicationName), 1);
    await client.end();
    assert.equal(await eventually(() => countSessions(testDb, applicationName), (n) => n === 0, 10_000), 0);
  });
});
