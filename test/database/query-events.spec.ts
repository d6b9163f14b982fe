import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CockroachDatabase, type QueryEvent } from '../../src/index.js';
import { CapturedLogger } from '../support/captured-logger.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let testDb: TestDatabase;
before(async () => {
  testDb = await createTestDatabase('query_events');
});
after(() => testDb.drop());

describe('onQuery reports how each statement ended', () => {
  const events: QueryEvent[] = [];
  let db: CockroachDatabase;
  before(async () => {
    db = await CockroachDatabase.connect({ url: testDb.url, onQuery: (event) => events.push(event) });
  });
  after(() => db.close());

  it('gives the duration and row count of a statement that succeeded', async () => {
    events.length = 0;
    await db.query('SELECT g FROM generate_series(1, 3) AS g WHERE g > $1', [0]);
    assert.equal(events.length, 1);
    const [event] = events;
    assert.equal(event!.rowCount, 3);
    assert.deepEqual(event!.values, [0]);
    assert.equal(event!.error, undefined);
    assert.ok(event!.durationMs >= 0 && event!.durationMs < 60_000);
  });

  it('gives the error of a statement that failed, and no row count', async () => {
    events.length = 0;
    await assert.rejects(db.query('SELECT * FROM no_such_table'));
    assert.equal(events.length, 1);
    assert.equal(events[0]!.rowCount, null);
    assert.equal((events[0]!.error as { code?: string }).code, '42P01');
  });

  it('reports transaction control too, each statement once', async () => {
    events.length = 0;
    await db.runTransaction(() => db.query('SELECT 1'));
    assert.equal(events.length, 3, events.map((event) => event.text).join(' | '));
    assert.ok(events.every((event) => event.error === undefined));
  });
});

describe('slowQueryMs', () => {
  const logger = new CapturedLogger();
  let db: CockroachDatabase;
  before(async () => {
    logger.install();
    db = await CockroachDatabase.connect({ url: testDb.url, slowQueryMs: 150 });
  });
  after(async () => {
    await db.close();
    logger.restore();
  });

  it('warns with the SQL text and the duration of a slower statement, never its values', async () => {
    logger.lines.length = 0;
    await db.query('SELECT pg_sleep(0.3), $1::TEXT AS secret', ['value-that-must-not-be-logged']);
    await db.query('SELECT 1');
    const warnings = logger.lines.filter((line) => line.startsWith('warn:'));
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0]!, /Slow statement on "default": \d+ ms: SELECT pg_sleep\(0\.3\), \$1::TEXT AS secret/);
    assert.doesNotMatch(warnings[0]!, /value-that-must-not-be-logged/);
  });

  it('names a slow failure by its class and SQLSTATE, not its message', async () => {
    logger.lines.length = 0;
    // Fails after the sleep, with a message that quotes the value.
    await assert.rejects(db.query('SELECT (s.v || $1)::INT8 FROM (SELECT pg_sleep(0.3)::TEXT AS v) AS s', ['secret-literal']), /secret-literal/);
    const warnings = logger.lines.filter((line) => line.startsWith('warn:'));
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0]!, /failed \(error 22P02\)/);
    assert.doesNotMatch(warnings[0]!, /secret-literal/);
  });
});
