import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { getDatabaseToken } from '../cockroach.constants.js';
import type { CockroachDatabase } from '../database/cockroach-database.service.js';
import { scrubSecret } from '../connection/secret.scrubber.js';
import { ConfigurationError } from '../errors.js';

export interface CockroachPingCheckOptions {
  /** The named connection to ping (default: the default connection). */
  connection?: string;
  /** Mark the database down when `SELECT 1` has not answered within this many ms. Default 1000. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 1000;

/**
 * A terminus health indicator for a CockroachDB (or PostgreSQL) connection:
 * list it in the providers of the module that imports `TerminusModule`.
 */
@Injectable()
export class CockroachHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly moduleRef: ModuleRef,
  ) {}

  /** `key` is up when `SELECT 1` answers within `timeoutMs`; down (terminus answers 503) otherwise. */
  async pingCheck<const Key extends string>(key: Key, options: CockroachPingCheckOptions = {}): Promise<HealthIndicatorResult<Key>> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new ConfigurationError('timeoutMs', 'expected a positive number of milliseconds');
    const indicator = this.health.check(key);
    const db = this.moduleRef.get<CockroachDatabase>(getDatabaseToken(options.connection), { strict: false });
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      // The ping is left to finish or fail on its own after a timeout; the pool ends it at shutdown.
      const ping = db.ping();
      ping.catch(() => undefined);
      await Promise.race([ping, timedOut]);
      return indicator.up({ dialect: db.dialect, responseTimeMs: Math.round(performance.now() - started) });
    } catch (error) {
      return indicator.down({ message: scrubSecret(error instanceof Error ? error.message : String(error), db.options.password) });
    } finally {
      clearTimeout(timer);
    }
  }
}
