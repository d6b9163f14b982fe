import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CockroachDatabase } from '../database/cockroach-database.service.js';
import { MigrationError } from '../errors.js';
import { createTableIfMissing, type MigrationTables } from './migration.tables.js';

/** A held migration lock: renewed in the background until released. */
export interface MigrationLease {
  readonly holder: string;
  /** Throws when the lease was lost (this process stalled past its expiry and another took over). */
  assertHeld(): void;
  release(): Promise<void>;
}

const RETRYABLE = new Set(['40001', '40P01', '55P03']);

/**
 * The migration lock, for servers without advisory locks (CockroachDB has
 * none: cockroach#13546). One row in `<table>_lock` names the holder and an
 * expiry on the server's clock; whoever finds no row, or an expired one,
 * takes it. The holder renews it every third of the lease, so a replica that
 * dies (SIGKILL, node loss) holds the others back for at most `leaseMs`.
 * Works the same on PostgreSQL.
 */
export async function acquireMigrationLease(
  db: CockroachDatabase,
  tables: MigrationTables,
  leaseMs: number,
  onWait: (holder: string) => void,
): Promise<MigrationLease> {
  await createTableIfMissing(
    db,
    tables,
    tables.lockName,
    `CREATE TABLE IF NOT EXISTS ${tables.lock} (id INT8 PRIMARY KEY, holder TEXT NOT NULL, expires_at TIMESTAMPTZ NOT NULL)`,
  );
  const holder = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  let announced = false;
  for (;;) {
    const current = await tryTake(db, tables, holder, leaseMs);
    if (current === holder) break;
    if (!announced && current !== undefined) {
      announced = true;
      onWait(current);
    }
    // Jittered, so replicas that started together do not poll in lockstep.
    await sleep(Math.min(250, leaseMs / 4) * (0.5 + Math.random()));
  }
  return startHeartbeat(db, tables, holder, leaseMs);
}

/** One attempt; returns who holds the lock now (undefined when the answer is unknown, e.g. a conflict). */
async function tryTake(db: CockroachDatabase, tables: MigrationTables, holder: string, leaseMs: number): Promise<string | undefined> {
  try {
    const { rows } = await db.query<{ holder: string }>(
      `INSERT INTO ${tables.lock} (id, holder, expires_at) VALUES (1, $1, now() + $2::FLOAT8 * INTERVAL '1 millisecond')
       ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE ${tables.lock}.expires_at < now()
       RETURNING holder`,
      [holder, leaseMs],
    );
    if (rows.length > 0) return rows[0]!.holder;
    const { rows: held } = await db.query<{ holder: string }>(`SELECT holder FROM ${tables.lock} WHERE id = 1`);
    return held[0]?.holder;
  } catch (error) {
    // Replicas racing for the row conflict; the loser just tries again.
    if (RETRYABLE.has(String((error as { code?: unknown }).code))) return undefined;
    throw error;
  }
}

function startHeartbeat(db: CockroachDatabase, tables: MigrationTables, holder: string, leaseMs: number): MigrationLease {
  let lost: Error | undefined;
  let stopped = false;
  let renewing: Promise<void> = Promise.resolve();
  const renew = async () => {
    try {
      const { rowCount } = await db.query(
        `UPDATE ${tables.lock} SET expires_at = now() + $2::FLOAT8 * INTERVAL '1 millisecond' WHERE id = 1 AND holder = $1`,
        [holder, leaseMs],
      );
      if (rowCount === 0 && !stopped) lost ??= new MigrationError(`The migration lock in ${tables.lockName} was lost: this process stalled past its ${leaseMs} ms lease and another took over`);
    } catch (error) {
      // A failed renewal is not yet a lost lease: the next one may succeed before expiry.
      if (!RETRYABLE.has(String((error as { code?: unknown }).code))) db.logger.warn(`Could not renew the migration lock: ${(error as Error).message}`);
    }
  };
  const timer = setInterval(() => {
    renewing = renew();
  }, Math.max(100, Math.floor(leaseMs / 3)));
  timer.unref();
  return {
    holder,
    assertHeld: () => {
      if (lost) throw lost;
    },
    release: async () => {
      stopped = true;
      clearInterval(timer);
      await renewing;
      await db.query(`DELETE FROM ${tables.lock} WHERE id = 1 AND holder = $1`, [holder]);
    },
  };
}
