import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import type { TestDatabase } from './test-database.js';

/** Server sessions opened with this application_name, on either dialect. */
export async function countSessions(db: TestDatabase, applicationName: string): Promise<number> {
  const rows =
    db.dialect === 'cockroach'
      ? await db.admin<{ n: string }>(
          'SELECT count(*)::INT8 AS n FROM [SHOW CLUSTER SESSIONS] WHERE application_name = $1',
          [applicationName],
        )
      : await db.admin<{ n: string }>(
          'SELECT count(*)::INT8 AS n FROM pg_stat_activity WHERE application_name = $1',
          [applicationName],
        );
  return Number(rows[0]!.n);
}

/** Kills every server session with this application_name, as an operator or a failing node would. */
export async function killSessions(db: TestDatabase, applicationName: string): Promise<number> {
  if (db.dialect === 'cockroach') {
    const before = await countSessions(db, applicationName);
    await db.admin(
      'CANCEL SESSIONS IF EXISTS (SELECT session_id FROM [SHOW CLUSTER SESSIONS] WHERE application_name = $1)',
      [applicationName],
    );
    return before;
  }
  const rows = await db.admin(
    'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
    [applicationName],
  );
  return rows.length;
}

/**
 * Polls until the condition holds and returns the value that met it; fails
 * the test, naming the last value seen, if it never holds within the
 * timeout (generous: the machine is shared and noisy).
 */
export async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!done(value)) {
    if (Date.now() >= deadline) {
      throw new assert.AssertionError({ message: `the condition never held within ${timeoutMs} ms; last value: ${inspect(value)}` });
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await probe();
  }
  return value;
}

/** Kills one randomly chosen server session with this application_name; returns whether there was one. */
export async function killRandomSession(db: TestDatabase, applicationName: string): Promise<boolean> {
  if (db.dialect === 'cockroach') {
    const before = await countSessions(db, applicationName);
    await db.admin(
      'CANCEL SESSIONS IF EXISTS (SELECT session_id FROM [SHOW CLUSTER SESSIONS] WHERE application_name = $1 ORDER BY random() LIMIT 1)',
      [applicationName],
    );
    return before > 0;
  }
  const rows = await db.admin(
    'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 ORDER BY random() LIMIT 1',
    [applicationName],
  );
  return rows.length > 0;
}
