import { parseServerVersion } from '../../src/connection/server-info.js';
import type { TestDatabase } from './test-database.js';

/**
 * CockroachDB runs PL/pgSQL functions only from 23.2. On an older server the
 * suite cannot provoke its deterministic 40001s, and says so instead of
 * failing on a syntax error.
 */
export function plpgsqlUnavailableReason(versionString: string): string | undefined {
  const server = parseServerVersion(versionString);
  const { major, minor } = server.version;
  if (server.dialect !== 'cockroach' || major > 23 || (major === 23 && minor >= 2)) return undefined;
  return `the flaky() test function needs PL/pgSQL, which CockroachDB has from 23.2 (server is ${major}.${minor}); run the suite on CockroachDB 23.2 or later`;
}

/** Runs one statement; `reset` uses the admin connection unless given another (e.g. the test transaction's). */
export type RunStatement = (text: string, params?: unknown[]) => Promise<unknown>;

/**
 * A server-side function that raises SQLSTATE 40001 on its first `failures`
 * calls, counted with a sequence (sequences ignore rollbacks), then returns
 * the call number. Deterministic restart errors straight from the server.
 */
export async function createFlakyFunction(
  db: TestDatabase,
  name = 'flaky',
): Promise<{ reset(failures: number, run?: RunStatement): Promise<void> }> {
  const [{ version }] = (await db.admin<{ version: string }>('SELECT version() AS version')) as [{ version: string }];
  const unavailable = plpgsqlUnavailableReason(version);
  if (unavailable) throw new Error(unavailable);
  await db.admin(`CREATE SEQUENCE ${name}_calls`);
  await db.admin(`CREATE TABLE ${name}_config (failures INT8 NOT NULL)`);
  await db.admin(`INSERT INTO ${name}_config VALUES (0)`);
  await db.admin(`
    CREATE FUNCTION ${name}() RETURNS INT8 LANGUAGE plpgsql AS $$
    DECLARE
      n INT8;
    BEGIN
      n := nextval('${name}_calls');
      IF n <= (SELECT failures FROM ${name}_config) THEN
        RAISE EXCEPTION 'injected restart %', n USING ERRCODE = '40001';
      END IF;
      RETURN n;
    END
    $$`);
  return {
    reset: async (failures, run = db.admin) => {
      await run(`UPDATE ${name}_config SET failures = $1`, [failures]);
      await run(`SELECT setval('${name}_calls', 1, false)`);
    },
  };
}
