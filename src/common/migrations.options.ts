import { optionKeys, refuseUnknownKeys } from './option-keys.js';
import { ConfigurationError } from '../errors.js';

/** `CockroachModule.forRoot({ migrations })`: where the migrations are and whether to apply them at start-up. */
export interface MigrationsOptions {
  /** The directory of the migration files; a relative path is resolved from the current working directory. */
  directory: string;
  /** Apply the pending migrations while the module starts, before the app takes requests. Default `false`. */
  runOnStart?: boolean;
  /**
   * The table that records applied migrations. Default `pgmigrations` (node-pg-migrate's),
   * so a project that used node-pg-migrate keeps its history. Two companion tables,
   * `<tableName>_lock` and `<tableName>_checksums`, sit beside it.
   */
  tableName?: string;
  /**
   * How long (ms) the migration lock lasts without a heartbeat. A replica that dies
   * while migrating blocks the others for at most this long. Default `30000`.
   */
  lockLeaseMs?: number;
}

/** `runMigrations(db, options)`: the same options, minus `runOnStart`. */
export type RunMigrationsOptions = Omit<MigrationsOptions, 'runOnStart'>;

/** @internal */
export interface ResolvedMigrationsOptions {
  directory: string;
  runOnStart: boolean;
  tableName: string;
  lockLeaseMs: number;
}

const KNOWN_KEYS = optionKeys({ directory: true, runOnStart: true, tableName: true, lockLeaseMs: true } satisfies Record<keyof MigrationsOptions, true>);
// Kept to plain identifiers: node-pg-migrate interpolates the name into its SQL, and the
// companion tables add a suffix that must still fit PostgreSQL's 63-byte limit.
const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,50}$/;

/**
 * @internal Validates `migrations` options before anything touches the database.
 * `prefix` is how the caller names the object (`migrations.` in the module options).
 */
export function resolveMigrationsOptions(options: unknown, prefix: string): ResolvedMigrationsOptions {
  const name = prefix.replace(/\.$/, '') || 'options';
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ConfigurationError(name, 'expected an object with at least a directory');
  }
  const given = options as Record<string, unknown>;
  refuseUnknownKeys(given, KNOWN_KEYS, prefix);
  const { directory, runOnStart, tableName, lockLeaseMs } = given;
  if (typeof directory !== 'string' || directory.length === 0) {
    throw new ConfigurationError(`${prefix}directory`, 'expected the path of the migrations directory');
  }
  if (runOnStart !== undefined && typeof runOnStart !== 'boolean') {
    throw new ConfigurationError(`${prefix}runOnStart`, `expected a boolean, got ${typeof runOnStart}`);
  }
  if (tableName !== undefined && (typeof tableName !== 'string' || !TABLE_NAME.test(tableName))) {
    throw new ConfigurationError(`${prefix}tableName`, 'expected a plain identifier (letters, digits, _; at most 51 characters)');
  }
  if (lockLeaseMs !== undefined && (typeof lockLeaseMs !== 'number' || !Number.isInteger(lockLeaseMs) || lockLeaseMs < 500 || lockLeaseMs > 3_600_000)) {
    throw new ConfigurationError(`${prefix}lockLeaseMs`, 'expected an integer from 500 to 3600000');
  }
  return {
    directory,
    runOnStart: runOnStart ?? false,
    tableName: tableName ?? 'pgmigrations',
    lockLeaseMs: lockLeaseMs ?? 30_000,
  };
}
