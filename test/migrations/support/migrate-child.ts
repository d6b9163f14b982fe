import { setTimeout as sleep } from 'node:timers/promises';
import { CockroachDatabase, runMigrations } from '../../../src/index.js';

/**
 * One "replica" for the concurrency specs: connects, waits for the shared
 * start time (so the replicas really start together), runs the migrations,
 * and prints `RESULT {"applied":[…]}` on stdout.
 * Arguments: url, directory, lockLeaseMs, startAt (epoch ms), applicationName.
 */
const [url, directory, leaseMs, startAt, applicationName] = process.argv.slice(2);

async function main(): Promise<void> {
  const db = await CockroachDatabase.connect({ url: url!, applicationName: applicationName!, connectRetry: { attempts: 1 } });
  try {
    await sleep(Math.max(0, Number(startAt) - Date.now()));
    const applied = await runMigrations(db, { directory: directory!, lockLeaseMs: Number(leaseMs) });
    process.stdout.write(`RESULT ${JSON.stringify({ applied })}\n`);
  } finally {
    await db.close();
  }
}

// An explicit exit: the exit code must say how the migration went, whatever still holds the event loop.
main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
