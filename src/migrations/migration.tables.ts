import pg from 'pg';
import type { CockroachDatabase } from '../database/cockroach-database.service.js';
import { MigrationError } from '../errors.js';

const { escapeIdentifier } = pg;

/** The history table (node-pg-migrate's) and the two companions this library adds. */
export interface MigrationTables {
  schema: string;
  historyName: string;
  lockName: string;
  checksumsName: string;
  /** Quoted and schema-qualified, ready for SQL. */
  history: string;
  lock: string;
  checksums: string;
}

/** One applied migration as the history records it. */
export interface AppliedMigration {
  name: string;
  /** `null` for a migration applied by plain node-pg-migrate, before checksums were kept. */
  checksum: string | null;
}

/** Names the tables in the connection's current schema (where node-pg-migrate would otherwise assume `public`). */
export async function resolveMigrationTables(db: CockroachDatabase, tableName: string): Promise<MigrationTables> {
  const { rows } = await db.query<{ schema: string }>('SELECT current_schema() AS schema');
  const schema = rows[0]?.schema;
  // node-pg-migrate quotes the schema into its SQL without escaping; refuse anything that would need it.
  if (!schema || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(schema)) {
    throw new MigrationError(`The connection's current schema (${schema ?? 'none'}) must be a plain identifier to hold the migration history`);
  }
  const qualify = (name: string) => `${escapeIdentifier(schema)}.${escapeIdentifier(name)}`;
  const names = { historyName: tableName, lockName: `${tableName}_lock`, checksumsName: `${tableName}_checksums` };
  return {
    schema,
    ...names,
    history: qualify(names.historyName),
    lock: qualify(names.lockName),
    checksums: qualify(names.checksumsName),
  };
}

export async function tableExists(db: CockroachDatabase, tables: MigrationTables, name: string): Promise<boolean> {
  const { rows } = await db.query(
    'SELECT 1 FROM information_schema.tables WHERE table_catalog = current_database() AND table_schema = $1 AND table_name = $2',
    [tables.schema, name],
  );
  return rows.length > 0;
}

/**
 * Runs a `CREATE TABLE IF NOT EXISTS` that several replicas may send at the
 * same moment: PostgreSQL can then fail one of them with a unique violation
 * on its catalog, CockroachDB with a retry error. Either way the table is
 * there afterwards, which is all that matters.
 */
export async function createTableIfMissing(db: CockroachDatabase, tables: MigrationTables, name: string, ddl: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.query(ddl);
      return;
    } catch (error) {
      if (await tableExists(db, tables, name)) return;
      if (attempt >= 5) throw error;
    }
  }
}

/** The applied migrations in the order they were applied, with their recorded checksums. */
export async function readAppliedMigrations(db: CockroachDatabase, tables: MigrationTables): Promise<AppliedMigration[]> {
  if (!(await tableExists(db, tables, tables.historyName))) return [];
  const withChecksums = await tableExists(db, tables, tables.checksumsName);
  const { rows } = await db.query<{ name: string; checksum: string | null }>(
    withChecksums
      ? `SELECT h.name, c.checksum FROM ${tables.history} h LEFT JOIN ${tables.checksums} c ON c.name = h.name ORDER BY h.run_on, h.id`
      : `SELECT name, NULL AS checksum FROM ${tables.history} ORDER BY run_on, id`,
  );
  return rows;
}
