import type { TestDatabase } from './test-database.js';

/**
 * A table whose rows make the server raise an error at COMMIT, not in the
 * body: a DEFERRABLE INITIALLY DEFERRED constraint trigger (PostgreSQL only;
 * CockroachDB has no constraint triggers) raises the SQLSTATE in the row's
 * `code` on its first `failures` firings, counted with a sequence (sequences
 * ignore rollbacks), then lets the commit through.
 */
export async function createCommitFault(db: TestDatabase): Promise<{ reset(failures: number): Promise<void> }> {
  await db.admin('CREATE SEQUENCE commit_fault_calls');
  await db.admin('CREATE TABLE commit_fault_config (failures INT8 NOT NULL)');
  await db.admin('INSERT INTO commit_fault_config VALUES (0)');
  await db.admin('CREATE TABLE commit_faults (id INT8 PRIMARY KEY, code TEXT NOT NULL)');
  await db.admin(`
    CREATE FUNCTION raise_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF nextval('commit_fault_calls') <= (SELECT failures FROM commit_fault_config) THEN
        RAISE EXCEPTION 'injected at commit: %', NEW.code USING ERRCODE = NEW.code;
      END IF;
      RETURN NULL;
    END
    $$`);
  await db.admin(`
    CREATE CONSTRAINT TRIGGER raise_at_commit AFTER INSERT ON commit_faults
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION raise_at_commit()`);
  return {
    reset: async (failures) => {
      await db.admin('DELETE FROM commit_faults');
      await db.admin('UPDATE commit_fault_config SET failures = $1', [failures]);
      await db.admin("SELECT setval('commit_fault_calls', 1, false)");
    },
  };
}
