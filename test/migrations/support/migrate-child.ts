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
  // The outcome is printed and the exit code set before closing, so they stand even if close() never settles.
  try {
    await sleep(Math.max(0, Number(startAt) - Date.now()));
    const applied = await runMigrations(db, { directory: directory!, lockLeaseMs: Number(leaseMs) });
    await print(process.stdout, `RESULT ${JSON.stringify({ applied })}\n`);
    process.exitCode = 0;
  } catch (error) {
    await print(process.stderr, `FAILED ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
  await db.close();
}

/** Writes and waits until the pipe took it: `process.exit` would drop a pending write. */
function print(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve) => stream.write(text, () => resolve()));
}

process.exitCode = 1;
await main();
process.exit();
