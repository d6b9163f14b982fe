import { Logger } from '@nestjs/common';
import { runner, type MigrationBuilder, type RunnerOption } from 'node-pg-migrate';
import pg from 'pg';
import type { CockroachDatabase } from '../database/cockroach-database.service.js';
import { MigrationError } from '../errors.js';
import { loadMigrationFiles, type MigrationFile } from './migration-files.loader.js';
import { acquireMigrationLease } from './migration.lease.js';
import {
  createTableIfMissing,
  readAppliedMigrations,
  resolveMigrationTables,
  type AppliedMigration,
  type MigrationTables,
} from './migration.tables.js';
import { resolveMigrationsOptions, type ResolvedMigrationsOptions, type RunMigrationsOptions } from '../common/migrations.options.js';

const { escapeLiteral } = pg;
const logger = new Logger('CockroachMigrations');

/** Where one migration file stands against the history. */
export interface MigrationState {
  name: string;
  /** `changed`: applied, but the file differs from what was applied. `missing`: applied, but its file is gone. */
  state: 'applied' | 'pending' | 'changed' | 'missing';
  file: string | undefined;
}

/**
 * Applies the pending migrations of `options.directory`, each in its own
 * transaction, and returns their names in the order applied (`[]` when the
 * database is up to date). Any number of processes may call it at once: one
 * applies, the others wait for the lock and then find nothing left to do.
 * All files are read and checked before the first one runs.
 */
export async function runMigrations(db: CockroachDatabase, options: RunMigrationsOptions): Promise<string[]> {
  const resolved = resolveMigrationsOptions(options, '');
  refuseInsideTransaction(db);
  const files = await loadMigrationFiles(resolved.directory);
  return withMigrationLock(db, resolved, async (tables, assertHeld) => {
    const applied = await readAppliedMigrations(db, tables);
    const pending = pendingMigrations(files, applied);
    await recordMissingChecksums(db, tables, files, applied);
    const done: string[] = [];
    for (const file of pending) {
      assertHeld();
      const started = Date.now();
      logger.log(`Applying migration ${file.name}`);
      await applyOne(db, resolved, tables, files, file, 'up');
      logger.log(`Applied migration ${file.name} (${Date.now() - started} ms)`);
      done.push(file.name);
    }
    return done;
  });
}

/** @internal Reverts the last applied migration (the CLI's `migrate down`); returns its name, or `undefined` when none is applied. */
export async function revertLastMigration(db: CockroachDatabase, options: RunMigrationsOptions): Promise<string | undefined> {
  const resolved = resolveMigrationsOptions(options, '');
  refuseInsideTransaction(db);
  const files = await loadMigrationFiles(resolved.directory);
  return withMigrationLock(db, resolved, async (tables) => {
    const last = (await readAppliedMigrations(db, tables)).at(-1);
    if (!last) return undefined;
    const file = files.find((candidate) => candidate.name === last.name);
    if (!file) throw new MigrationError(`Cannot revert ${last.name}: no file ${last.name}.sql in ${resolved.directory}`);
    checkUnchanged(file, last);
    if (file.down === undefined) {
      throw new MigrationError(`Cannot revert ${file.name}: ${file.path} has no "-- Down Migration" section`, file.path);
    }
    logger.log(`Reverting migration ${file.name}`);
    await applyOne(db, resolved, tables, files, file, 'down');
    return file.name;
  });
}

/** @internal Every migration, file or history, and where it stands (the CLI's `migrate status`). Takes no lock. */
export async function migrationStatus(db: CockroachDatabase, options: RunMigrationsOptions): Promise<MigrationState[]> {
  const resolved = resolveMigrationsOptions(options, '');
  const files = await loadMigrationFiles(resolved.directory);
  const tables = await resolveMigrationTables(db, resolved.tableName);
  const applied = new Map((await readAppliedMigrations(db, tables)).map((row) => [row.name, row]));
  const states: MigrationState[] = files.map((file) => {
    const record = applied.get(file.name);
    const state = !record ? 'pending' : record.checksum !== null && record.checksum !== file.checksum ? 'changed' : 'applied';
    return { name: file.name, state, file: file.path };
  });
  for (const name of applied.keys()) {
    if (!files.some((file) => file.name === name)) states.push({ name, state: 'missing', file: undefined });
  }
  return states;
}

async function withMigrationLock<T>(
  db: CockroachDatabase,
  options: ResolvedMigrationsOptions,
  body: (tables: MigrationTables, assertHeld: () => void) => Promise<T>,
): Promise<T> {
  const tables = await resolveMigrationTables(db, options.tableName);
  const lease = await acquireMigrationLease(db, tables, options.lockLeaseMs, (holder) =>
    logger.log(`Waiting for the migration lock held by ${holder}`),
  );
  try {
    await createTableIfMissing(
      db,
      tables,
      tables.checksumsName,
      `CREATE TABLE IF NOT EXISTS ${tables.checksums} (name TEXT PRIMARY KEY, checksum TEXT NOT NULL)`,
    );
    return await body(tables, () => lease.assertHeld());
  } finally {
    await lease.release();
  }
}

/** The files not applied yet, after checking that the history and the files agree. */
function pendingMigrations(files: MigrationFile[], applied: AppliedMigration[]): MigrationFile[] {
  const appliedNames = new Set(applied.map((row) => row.name));
  let lastAppliedIndex = -1;
  for (const record of applied) {
    const index = files.findIndex((file) => file.name === record.name);
    if (index < 0) {
      throw new MigrationError(`Migration ${record.name} is applied but its file ${record.name}.sql is no longer in the directory`);
    }
    checkUnchanged(files[index]!, record);
    lastAppliedIndex = Math.max(lastAppliedIndex, index);
  }
  const pending = files.filter((file) => !appliedNames.has(file.name));
  const late = pending.find((file) => files.indexOf(file) < lastAppliedIndex);
  if (late) {
    throw new MigrationError(
      `Migration ${late.path} is not applied but sorts before ${files[lastAppliedIndex]!.name}, which is: give it a later version`,
      late.path,
    );
  }
  return pending;
}

function checkUnchanged(file: MigrationFile, record: AppliedMigration): void {
  if (record.checksum !== null && record.checksum !== file.checksum) {
    throw new MigrationError(
      `Migration file ${file.path} has changed since it was applied (checksum ${file.checksum.slice(0, 12)}…, applied ${record.checksum.slice(0, 12)}…): ` +
        'write a new migration instead of editing an applied one',
      file.path,
    );
  }
}

/** Migrations applied by plain node-pg-migrate, or before checksums were kept: their file as it is now becomes the reference. */
async function recordMissingChecksums(db: CockroachDatabase, tables: MigrationTables, files: MigrationFile[], applied: AppliedMigration[]) {
  for (const record of applied.filter((row) => row.checksum === null)) {
    const file = files.find((candidate) => candidate.name === record.name)!;
    await db.query(`INSERT INTO ${tables.checksums} (name, checksum) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, [file.name, file.checksum]);
  }
}

/**
 * One migration through node-pg-migrate, on a connection of its own, in its
 * own transaction (`singleTransaction: false`); its checksum row is written
 * in that same transaction, so the record and the change commit together.
 * node-pg-migrate's advisory lock is off (`noLock`): the lease replaces it.
 */
async function applyOne(
  db: CockroachDatabase,
  options: ResolvedMigrationsOptions,
  tables: MigrationTables,
  files: MigrationFile[],
  file: MigrationFile,
  direction: 'up' | 'down',
): Promise<void> {
  // Without the module's statementTimeoutMs: it bounds the app's queries, and a migration (an index build,
  // a backfill) may rightly take longer. A statement_timeout in the URL's options still applies.
  const client = new pg.Client({ ...db.options.client, statement_timeout: undefined });
  client.on('error', () => undefined);
  await client.connect();
  try {
    if (db.dialect === 'cockroach') await keepDdlInTransaction(client);
    const settings: RunnerOption = {
      dbClient: client,
      dir: options.directory,
      migrationsTable: tables.historyName,
      migrationsSchema: tables.schema,
      direction,
      file: file.name,
      count: 1,
      noLock: true,
      singleTransaction: false,
      checkOrder: false,
      // Our own log lines name each migration; its failure comes back as the thrown MigrationError.
      logger: { info: () => undefined, warn: (message) => logger.warn(message), error: () => undefined },
      migrationLoaderStrategies: [{ extensions: ['.sql'], loader: async (paths) => paths.map((path) => migrationUnit(files, tables, path)) }],
    };
    const ran = await runner(settings);
    if (ran.length !== 1 || ran[0]!.name !== file.name) {
      throw new MigrationError(`node-pg-migrate did not run ${file.name} (${direction}); it ran ${ran.map((m) => m.name).join(', ') || 'nothing'}`, file.path);
    }
  } catch (error) {
    // node-pg-migrate leaves a failed transaction open on the connection.
    await client.query('ROLLBACK').catch(() => undefined);
    if (error instanceof MigrationError) throw error;
    throw new MigrationError(describeFailure(file.name, direction, error), file.path, { cause: error });
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * A node-pg-migrate migration unit for a checked file: its SQL as read and
 * checksummed (not re-read), plus the checksum row, written in the
 * migration's own transaction.
 */
function migrationUnit(files: MigrationFile[], tables: MigrationTables, path: string) {
  const file = files.find((candidate) => candidate.path === path);
  if (!file) throw new MigrationError(`Migration file ${path} appeared after the migrations were checked; run again`, path);
  const name = escapeLiteral(file.name);
  const { down } = file;
  return {
    id: path,
    filePaths: [path],
    actions: {
      up: (pgm: MigrationBuilder) => {
        pgm.sql(file.up);
        pgm.sql(`INSERT INTO ${tables.checksums} (name, checksum) VALUES (${name}, ${escapeLiteral(file.checksum)})`);
      },
      down:
        down === undefined
          ? (false as const)
          : (pgm: MigrationBuilder) => {
              pgm.sql(down);
              pgm.sql(`DELETE FROM ${tables.checksums} WHERE name = ${name}`);
            },
    },
  };
}

/**
 * From CockroachDB 25.1, `autocommit_before_ddl` (on by default) commits the
 * open transaction before each schema change: a migration would no longer be
 * one transaction, and a crash between its DDL and its history row would
 * leave it applied but unrecorded. Older versions lack the setting and never
 * autocommit, so "unknown variable" is fine.
 */
async function keepDdlInTransaction(client: pg.Client): Promise<void> {
  try {
    await client.query('SET autocommit_before_ddl = false');
  } catch (error) {
    if ((error as { code?: unknown }).code !== '42704') throw error;
  }
}

/**
 * @internal The failure as the user should read it. CockroachDB's XXA00 is
 * the one case where the transaction is half done: its rows (the history
 * record included) committed, its schema change was rolled back.
 */
export function describeFailure(name: string, direction: 'up' | 'down', error: unknown): string {
  const reason = error instanceof Error ? error.message : String(error);
  const message = `Migration ${name} (${direction}) failed: ${reason}`;
  if ((error as { code?: unknown } | null)?.code !== 'XXA00') return message;
  return (
    `${message}. CockroachDB committed the migration's transaction but rolled back its schema change, ` +
    'so the migration is recorded as applied without its schema change: see "When a migration fails on CockroachDB" in the README'
  );
}

function refuseInsideTransaction(db: CockroachDatabase): void {
  if (db.inTransaction) {
    throw new MigrationError('Migrations run each in a transaction of their own: call them outside any transaction of this database');
  }
}
