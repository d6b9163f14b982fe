import type { CockroachDatabase } from '../database/cockroach-database.service.js';
import type { PoolStats } from '../connection/pool-stats.js';
import type { Dialect } from '../connection/server-info.js';

export interface DatabaseHealth {
  status: 'up' | 'down';
  connection: string;
  dialect: Dialect;
  serverVersion: string;
  /** Round trip of `SELECT 1`, when up. */
  latencyMs?: number;
  /** Why it is down. */
  error?: string;
  pool: PoolStats;
}

/**
 * Pings the database and reports what a `/health` endpoint shows. Never
 * throws, and never hangs: the ping has the control statements' deadline
 * (`statementTimeoutMs` if set, else `controlStatementTimeoutMs`); waiting for
 * a connection is bounded by `pool.connectionTimeoutMillis`.
 */
export async function checkDatabaseHealth(db: CockroachDatabase): Promise<DatabaseHealth> {
  const { major, minor, patch } = db.server.version;
  const base = { connection: db.name, dialect: db.dialect, serverVersion: `${major}.${minor}.${patch}` };
  const started = performance.now();
  try {
    await db.ping();
    return { status: 'up', ...base, latencyMs: Math.round((performance.now() - started) * 100) / 100, pool: db.poolStats() };
  } catch (error) {
    return { status: 'down', ...base, error: error instanceof Error ? error.message : String(error), pool: db.poolStats() };
  }
}
