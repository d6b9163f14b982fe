import type { TestDatabase } from './test-database.js';

/**
 * A server-side function that raises SQLSTATE 40001 on its first `failures`
 * calls, counted with a sequence (sequences ignore rollbacks), then returns
 * the call number. Deterministic restart errors straight from the server.
 */
export async function createFlakyFunction(db: TestDatabase, name = 'flaky'): Promise<{ reset(failures: number): Promise<void> }> {
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
    reset: async (failures) => {
      await db.admin(`UPDATE ${name}_config SET failures = $1`, [failures]);
      await db.admin(`SELECT setval('${name}_calls', 1, false)`);
    },
  };
}
