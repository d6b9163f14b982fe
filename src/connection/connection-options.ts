import type { ClientConfig } from 'pg';
import { parseIntoClientConfig } from 'pg-connection-string';
import { optionKeys, refuseUnknownKeys } from '../common/option-keys.js';
import { optionalFunction, optionalInteger, optionalRecord, optionalString, requireNonEmptyString } from '../common/option-values.js';
import { ConfigurationError } from '../errors.js';
import type {
  CockroachConnectRetryOptions,
  CockroachOptions,
  CockroachPoolOptions,
  Int8Mode,
  QueryEvent,
} from '../interfaces/cockroach-options.interface.js';
import { DEFAULT_CONNECTION_NAME } from './connection-name.js';
import { DEFAULT_CONTROL_TIMEOUT_MS } from './statement-deadline.js';

/** Where a connection goes, minus the secret: safe to print. */
export interface ConnectionTarget {
  host: string;
  port: number;
  database: string;
  user: string;
}

/** What the connection layer needs of the module options, validated and defaulted. */
export interface ResolvedConnectionOptions {
  name: string;
  target: ConnectionTarget;
  /** Present only so messages can be scrubbed of it. */
  password: string | undefined;
  /** What the `pg` client is given, URL parameters (sslmode, options, …) included. */
  client: ClientConfig;
  int8: Int8Mode;
  pool: {
    max: number;
    min: number;
    idleTimeoutMillis: number;
    connectionTimeoutMillis: number;
    maxLifetimeSeconds: number;
    maxLifetimeJitterSeconds: number;
  };
  connectRetry: { attempts: number; delayMs: number };
  onQuery: ((event: QueryEvent) => void) | undefined;
  statementTimeoutMs: number | undefined;
  controlStatementTimeoutMs: number;
  slowQueryMs: number | undefined;
}

/** First keepalive probe after this long idle: well under the 4-minute idle timeout of the strictest common load balancer. */
export const KEEPALIVE_INITIAL_DELAY_MS = 30_000;

const INT8_MODES: readonly Int8Mode[] = ['string', 'bigint', 'number'];

const POOL_KEYS = optionKeys({
  max: true,
  min: true,
  idleTimeoutMillis: true,
  connectionTimeoutMillis: true,
  maxLifetimeSeconds: true,
  maxLifetimeJitterSeconds: true,
} satisfies Record<keyof CockroachPoolOptions, true>);

const CONNECT_RETRY_KEYS = optionKeys({ attempts: true, delayMs: true } satisfies Record<keyof CockroachConnectRetryOptions, true>);

/** pg's own default port, for a URL that names none: a URL means what it means to `psql` and `pg`. */
const PG_DEFAULT_PORT = 5432;

/** The connection part of the module options: where to connect, how, the pool, and the statement deadlines. */
export function resolveConnectionOptions(options: CockroachOptions): ResolvedConnectionOptions {
  const name = options.name ?? DEFAULT_CONNECTION_NAME;
  requireNonEmptyString('name', name);
  if ('url' in options && options.url === undefined && options.host === undefined) {
    // `url: process.env.DATABASE_URL` with the variable unset: fail now, not after retrying localhost for half a minute.
    throw new ConfigurationError('url', 'is undefined and no host is given (is the environment variable that should hold it unset?); give a postgresql:// URL or a host');
  }
  const discrete = {
    host: optionalString('host', options.host),
    port: optionalInteger('port', options.port, 1, 65535),
    user: optionalString('user', options.user),
    password: optionalString('password', options.password, true),
    database: optionalString('database', options.database),
  };
  const fromUrl = options.url === undefined ? {} : parseUrl(options.url);
  if (options.ssl !== undefined && typeof options.ssl !== 'boolean' && typeof options.ssl !== 'object') {
    throw new ConfigurationError('ssl', 'expected a boolean or a TLS options object');
  }
  const target: ConnectionTarget = {
    host: fromUrl.host || discrete.host || 'localhost',
    // A URL without a port means pg's default (PGPORT, else 5432), as it does to psql; discrete options default to CockroachDB's 26257.
    port: Number(fromUrl.port || discrete.port || (options.url === undefined ? 26257 : pgDefaultPort())),
    user: fromUrl.user || discrete.user || 'root',
    database: fromUrl.database || discrete.database || 'defaultdb',
  };
  const password = (typeof fromUrl.password === 'string' && fromUrl.password) || discrete.password;
  // Checked even when the URL names the application: a bad option must not pass just because it is overridden.
  const givenApplicationName = optionalString('applicationName', options.applicationName);
  const applicationName = fromUrl.application_name ?? givenApplicationName ?? 'nestjs-cockroachdb';

  const int8 = options.int8 ?? 'string';
  if (!INT8_MODES.includes(int8)) {
    throw new ConfigurationError('int8', `expected one of ${INT8_MODES.map((m) => `'${m}'`).join(', ')}, got ${String(int8)}`);
  }

  const pool: CockroachPoolOptions = optionalRecord('pool', options.pool);
  refuseUnknownKeys(pool, POOL_KEYS, 'pool.');
  const max = optionalInteger('pool.max', pool.max, 1, 10_000) ?? 10;
  const min = optionalInteger('pool.min', pool.min, 0, 10_000) ?? 0;
  if (min > max) throw new ConfigurationError('pool.min', `must not exceed pool.max (${max}), got ${min}`);
  const maxLifetimeSeconds = optionalInteger('pool.maxLifetimeSeconds', pool.maxLifetimeSeconds, 0, 86_400 * 7) ?? 1800;
  const maxLifetimeJitterSeconds =
    optionalInteger('pool.maxLifetimeJitterSeconds', pool.maxLifetimeJitterSeconds, 0, maxLifetimeSeconds) ??
    Math.floor(maxLifetimeSeconds / 10);

  const statementTimeoutMs = optionalInteger('statementTimeoutMs', options.statementTimeoutMs, 1, 2 ** 31 - 1 - 1000);
  const connectRetry: CockroachConnectRetryOptions = optionalRecord('connectRetry', options.connectRetry);
  refuseUnknownKeys(connectRetry, CONNECT_RETRY_KEYS, 'connectRetry.');

  return {
    name,
    target,
    password,
    client: {
      ...fromUrl,
      ...target,
      password,
      ssl: fromUrl.ssl ?? options.ssl,
      application_name: applicationName,
      // A start-up parameter: it holds on every connection the pool opens, from its first statement.
      ...(statementTimeoutMs === undefined ? {} : { statement_timeout: statementTimeoutMs }),
      // Keeps load balancers and NAT from silently dropping idle pooled
      // connections (they forget a flow after 4–10 minutes idle), and lets the
      // kernel notice a peer that is gone. README "Timeouts and network faults".
      keepAlive: true,
      keepAliveInitialDelayMillis: KEEPALIVE_INITIAL_DELAY_MS,
    },
    int8,
    pool: {
      max,
      min,
      idleTimeoutMillis: optionalInteger('pool.idleTimeoutMillis', pool.idleTimeoutMillis, 0, 2 ** 31 - 1) ?? 30_000,
      connectionTimeoutMillis:
        optionalInteger('pool.connectionTimeoutMillis', pool.connectionTimeoutMillis, 0, 2 ** 31 - 1) ?? 10_000,
      maxLifetimeSeconds,
      maxLifetimeJitterSeconds,
    },
    connectRetry: {
      attempts: optionalInteger('connectRetry.attempts', connectRetry.attempts, 1, 1000) ?? 10,
      delayMs: optionalInteger('connectRetry.delayMs', connectRetry.delayMs, 0, 600_000) ?? 3000,
    },
    onQuery: optionalFunction('onQuery', options.onQuery),
    statementTimeoutMs,
    controlStatementTimeoutMs:
      optionalInteger('controlStatementTimeoutMs', options.controlStatementTimeoutMs, 1, 2 ** 31 - 1) ?? DEFAULT_CONTROL_TIMEOUT_MS,
    slowQueryMs: optionalInteger('slowQueryMs', options.slowQueryMs, 0, 2 ** 31 - 1),
  };
}

function pgDefaultPort(): number {
  const fromEnvironment = Number(process.env.PGPORT);
  return Number.isInteger(fromEnvironment) && fromEnvironment > 0 && fromEnvironment <= 65535 ? fromEnvironment : PG_DEFAULT_PORT;
}

/** Reads a connection string with `pg`'s own parser, so `sslmode`, `sslrootcert` and `options` mean what they mean to `pg`. */
function parseUrl(url: unknown): ClientConfig {
  requireNonEmptyString('url', url);
  if (!/^postgres(ql)?:\/\//i.test(url)) {
    // The string may hold a password: never echo it back.
    throw new ConfigurationError('url', 'expected a postgresql:// connection string');
  }
  let config: ClientConfig;
  try {
    config = parseIntoClientConfig(url);
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    throw new ConfigurationError('url', `could not be read (${reason}), e.g. an sslrootcert file that does not exist`);
  }
  const port = config.port === undefined || String(config.port) === '' ? undefined : Number(config.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65535)) {
    throw new ConfigurationError('url', 'the port must be an integer from 1 to 65535');
  }
  return { ...config, port };
}

