import type { OnApplicationBootstrap } from '@nestjs/common';
import type { CockroachDatabase } from '../database/cockroach-database.service.js';
import { SchemaDriftError } from '../errors.js';
import { featureTablesOf } from './feature-tables.registry.js';
import { runMigrations } from './migration.runner.js';
import { findSchemaDrift } from './schema-drift.check.js';

/**
 * `migrations.runOnStart`: applies pending migrations right after the
 * connection opens, before any provider can use the database. A failure
 * closes the connection and fails the start-up.
 */
export async function runStartupMigrations(db: CockroachDatabase): Promise<void> {
  const migrations = db.options.migrations;
  if (!migrations?.runOnStart) return;
  try {
    const applied = await runMigrations(db, { directory: migrations.directory, tableName: migrations.tableName, lockLeaseMs: migrations.lockLeaseMs });
    db.logger.log(applied.length === 0 ? 'Migrations: up to date' : `Migrations: applied ${applied.join(', ')}`);
  } catch (error) {
    await db.close();
    throw error;
  }
}

/**
 * @internal `schemaCheck`: once every module is initialised (so every
 * `forFeature` table is known and `onModuleInit` set-up has run), compares
 * the tables with the live schema: a warning per difference, or a failed
 * start-up with `schemaCheck: 'error'`.
 */
export class SchemaDriftCheck implements OnApplicationBootstrap {
  constructor(private readonly db: CockroachDatabase) {}

  async onApplicationBootstrap(): Promise<void> {
    const mode = this.db.options.schemaCheck;
    const tables = featureTablesOf(this.db);
    if (mode === 'off' || tables.length === 0) return;
    const problems = await findSchemaDrift(this.db, tables);
    if (problems.length === 0) return;
    if (mode === 'error') throw new SchemaDriftError(problems);
    for (const problem of problems) this.db.logger.warn(`Schema drift: ${problem}`);
  }
}
