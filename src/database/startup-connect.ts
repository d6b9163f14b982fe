import type { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectionError } from '../errors';
import type { ConnectionPool } from './connection.pool';
import type { ResolvedCockroachOptions } from './options.resolver';
import { scrubSecret } from './secret.scrubber';
import { parseServerVersion, type ServerInfo } from './server-info';

/**
 * Errors that no amount of waiting fixes: wrong credentials (SQLSTATE class
 * 28), a database that does not exist (3D000), a certificate that does not
 * verify. Retrying those only delays the message the operator needs.
 */
function isPermanent(error: unknown): boolean {
  const code = error instanceof Error && 'code' in error ? String(error.code) : '';
  return code.startsWith('28') || code === '3D000' || /CERT|TLS|SELF_SIGNED|HOSTNAME/.test(code);
}

/**
 * Opens the first connection, retrying transient failures (server still
 * starting, network not up yet) like `@nestjs/typeorm` does, and reads the
 * server's dialect and version.
 */
export async function connectAtStartup(
  pool: ConnectionPool,
  options: ResolvedCockroachOptions,
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
        return parseServerVersion(result.rows[0]!.version);
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
          { cause: error },
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
