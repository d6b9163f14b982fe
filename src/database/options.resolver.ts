import { optionKeys, refuseUnknownKeys } from '../common/option-keys.js';
import { resolveMigrationsOptions, type ResolvedMigrationsOptions } from '../common/migrations.options.js';
import { describe, optionalInteger } from '../common/option-values.js';
import { resolveConnectionOptions, type ResolvedConnectionOptions } from '../connection/connection-options.js';
import { ConfigurationError } from '../errors.js';
import type { CockroachOptions, SchemaCheckMode } from '../interfaces/cockroach-options.interface.js';
import { resolveRetryOptions, type ResolvedRetryOptions } from '../transaction/transaction-options.js';

export type { ConnectionTarget } from '../connection/connection-options.js';

/** Options after defaults and validation; everything the service needs, nothing optional. */
export interface ResolvedCockroachOptions extends ResolvedConnectionOptions {
  retry: ResolvedRetryOptions;
  shutdownTimeoutMs: number;
  migrations: ResolvedMigrationsOptions | undefined;
  schemaCheck: SchemaCheckMode;
}

const SCHEMA_CHECK_MODES: readonly SchemaCheckMode[] = ['warn', 'error', 'off'];

/** Every module option; any other key is a typo, refused at start-up rather than ignored. */
const OPTION_KEYS = optionKeys({
  name: true,
  url: true,
  host: true,
  port: true,
  user: true,
  password: true,
  database: true,
  ssl: true,
  applicationName: true,
  int8: true,
  pool: true,
  connectRetry: true,
  retry: true,
  shutdownTimeoutMs: true,
  onQuery: true,
  statementTimeoutMs: true,
  controlStatementTimeoutMs: true,
  slowQueryMs: true,
  isGlobal: true,
  migrations: true,
  schemaCheck: true,
} satisfies Record<keyof CockroachOptions, true>);

/**
 * Validates options once, at start-up, so a typo fails the boot with the
 * option named instead of surfacing later as a confusing driver error.
 */
export function resolveOptions(options: CockroachOptions): ResolvedCockroachOptions {
  if (options === null || typeof options !== 'object') {
    throw new ConfigurationError('options', 'expected an object');
  }
  refuseUnknownKeys(options, OPTION_KEYS);
  const connection = resolveConnectionOptions(options);
  // Without migrations the app may create its tables in a start-up hook after the check ran: no check unless asked.
  const schemaCheck = options.schemaCheck ?? (options.migrations === undefined ? 'off' : 'warn');
  if (!SCHEMA_CHECK_MODES.includes(schemaCheck)) {
    throw new ConfigurationError('schemaCheck', `expected one of ${SCHEMA_CHECK_MODES.map((m) => `'${m}'`).join(', ')}, got ${describe(schemaCheck)}`);
  }
  return {
    ...connection,
    retry: resolveRetryOptions(options.retry, undefined, 'retry.'),
    shutdownTimeoutMs: optionalInteger('shutdownTimeoutMs', options.shutdownTimeoutMs, 0, 600_000) ?? 10_000,
    migrations: options.migrations === undefined ? undefined : resolveMigrationsOptions(options.migrations, 'migrations.'),
    schemaCheck,
  };
}
