import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { parseServerVersion } from '../../src/connection/server-info.js';
import type { TestDatabase } from './test-database.js';

/**
 * CockroachDB sessions with this application_name that are still open.
 * From 23.1 `SHOW CLUSTER SESSIONS` has a `status` column and also lists
 * recently closed sessions (ACTIVE, IDLE, CLOSED): counting those would
 * report a closed connection as still open. Older versions have no such
 * column and list open sessions only.
 */
export function openCockroachSessionsSql(versionString: string): string {
  const { major } = parseServerVersion(versionString).version;
  const open = major >= 23 ? " AND status <> 'CLOSED'" : '';
  return `SELECT session_id FROM [SHOW CLUSTER SESSIONS] WHERE application_name = $1${open}`;
}

const versions = new WeakMap<TestDatabase, Promise<string>>();
async function openSessionsSql(db: TestDatabase): Promise<string> {
  let version = versions.get(db);
  if (!version) {
    version = db.admin<{ version: string }>('SELECT version() AS version').then((rows) => rows[0]!.version);
    versions.set(db, version);
  }
  return openCockroachSessionsSql(await version);
}

/** Server sessions opened with this application_name and still open, on either dialect. */
export async function countSessions(db: TestDatabase, applicationName: string): Promise<number> {
  const rows =
    db.dialect === 'cockroach'
      ? await db.admin<{ n: string }>(`SELECT count(*)::INT8 AS n FROM (${await openSessionsSql(db)}) AS open_sessions`, [applicationName])
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
    await db.admin(`CANCEL SESSIONS IF EXISTS (${await openSessionsSql(db)})`, [applicationName]);
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
    await db.admin(`CANCEL SESSIONS IF EXISTS (${await openSessionsSql(db)} ORDER BY random() LIMIT 1)`, [applicationName]);
    return before > 0;
  }
  const rows = await db.admin(
    'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 ORDER BY random() LIMIT 1',
    [applicationName],
  );
  return rows.length > 0;
}
