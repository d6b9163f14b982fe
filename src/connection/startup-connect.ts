import type { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectionError } from '../errors.js';
import type { ConnectionPool } from './connection.pool.js';
import type { ResolvedConnectionOptions } from './connection-options.js';
import { mentionsSecret, scrubSecret } from './secret.scrubber.js';
import { parseServerVersion, UnrecognisedServerError, type ServerInfo } from './server-info.js';

/**
 * OpenSSL's certificate-verification failures, as Node puts them in an
 * error's `code`. Listed in full because several name no certificate: an
 * untrusted CA usually gives UNABLE_TO_VERIFY_LEAF_SIGNATURE (the server
 * sends only its own certificate), which the pattern below missed, so a
 * wrong `sslrootcert` was retried 10 times, 3 s apart.
 */
const CERTIFICATE_VERIFY_FAILURES = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_CRL',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECRYPT_CRL_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CRL_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CRL_NOT_YET_VALID',
  'CRL_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'ERROR_IN_CRL_LAST_UPDATE_FIELD',
  'ERROR_IN_CRL_NEXT_UPDATE_FIELD',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
]);

/**
 * TLS was asked for (`sslmode=require` or stricter, or `ssl`) and the server
 * answered that it has none. pg raises this with no code, so its own fixed
 * message is the only mark; a server that is up and says "no TLS" will say
 * it again on every retry.
 */
function serverRefusedTls(error: unknown): boolean {
  return error instanceof Error && !('code' in error) && error.message === 'The server does not support SSL connections';
}

/**
 * Errors that no amount of waiting fixes: wrong credentials (SQLSTATE class
 * 28), a database that does not exist (3D000), a certificate that does not
 * verify (OpenSSL's codes above, Node's ERR_TLS_* such as
 * ERR_TLS_CERT_ALTNAME_INVALID). Retrying those only delays the message the
 * operator needs.
 */
function isPermanent(error: unknown): boolean {
  const code = error instanceof Error && 'code' in error ? String(error.code) : '';
  return (
    error instanceof UnrecognisedServerError ||
    serverRefusedTls(error) ||
    code.startsWith('28') ||
    code === '3D000' ||
    CERTIFICATE_VERIFY_FAILURES.has(code) ||
    /CERT|TLS|SELF_SIGNED|HOSTNAME/.test(code)
  );
}

/**
 * PostgreSQL refuses a connection to a missing database (3D000); CockroachDB
 * accepts it and fails only at the first table, so "a missing database fails
 * at once" needs this check there. SHOW DATABASES lists every database
 * whatever the session's current one (pg_catalog resolves against it).
 */
const COCKROACH_DATABASE_PROBE =
  'SELECT EXISTS (SELECT 1 FROM [SHOW DATABASES] WHERE database_name = current_database()) AS database_exists';

/** CockroachDB let us connect to a database that does not exist. */
class MissingDatabaseError extends Error {
  readonly code = '3D000';
  constructor(database: string) {
    super(`database "${database}" does not exist`);
  }
}

/**
 * Opens the first connection, retrying transient failures (server still
 * starting, network not up yet) like `@nestjs/typeorm` does, and reads the
 * server's dialect and version.
 */
export async function connectAtStartup(
  pool: ConnectionPool,
  options: ResolvedConnectionOptions,
  logger: Logger,
): Promise<ServerInfo> {
  const { attempts, delayMs } = options.connectRetry;
  const { host, port, database, user } = options.target;
  const where = `${user}@${host}:${port}/${database} (connection "${options.name}")`;
  for (let attempt = 1; ; attempt++) {
    try {
      const client = await pool.acquire();
      try {
        const result = await client.query<{ version: string }>('SELECT version() AS version');
        const server = parseServerVersion(result.rows[0]!.version);
        if (server.dialect === 'cockroach') {
          const probe = await client.query<{ database_exists: boolean }>(COCKROACH_DATABASE_PROBE);
          if (!probe.rows[0]!.database_exists) throw new MissingDatabaseError(database);
        }
        return server;
      } finally {
        pool.release(client);
      }
    } catch (error) {
      const reason = scrubSecret(describeError(error), options.password);
      const permanent = isPermanent(error);
      if (permanent || attempt >= attempts) {
        throw new ConnectionError(
          `Could not connect to ${where} after ${attempt} attempt${attempt === 1 ? '' : 's'}: ${reason}`,
          options.target,
          attempt,
          // The driver's error stays attached for its code and stack, unless the server's words repeat the password.
          { cause: mentionsSecret(error, options.password) ? undefined : error },
        );
      }
      logger.warn(`Unable to connect to ${where}: ${reason}. Retrying (${attempt + 1}/${attempts}) in ${delayMs} ms`);
      await sleep(delayMs);
    }
  }
}

/** Node reports a refused dual-stack connect as an AggregateError with an empty message. */
function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return [...new Set(error.errors.map(describeError))].join('; ');
  }
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
