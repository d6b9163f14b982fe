import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { startDatabaseServer } from '../test/support/database-server.js';
import { contention } from './contention.bench.js';
import { controlLatency } from './control-latency.bench.js';
import { queryOverhead } from './query-overhead.bench.js';
import { repositoryOverhead } from './repository-overhead.bench.js';
import { transactionOverhead } from './transaction-overhead.bench.js';

const BENCHMARKS: Record<string, (url: string) => Promise<void>> = {
  query: queryOverhead,
  transaction: transactionOverhead,
  repository: repositoryOverhead,
  contention,
  'control-latency': controlLatency,
};

/**
 * `npm run bench [-- name…]`: starts the same server the tests use and runs
 * the named benchmarks on it, or all of them.
 */
async function main(): Promise<void> {
  const requested = process.argv.slice(2);
  const unknown = requested.filter((name) => !(name in BENCHMARKS));
  if (unknown.length > 0) throw new Error(`Unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}`);
  const selected = requested.length > 0 ? requested : Object.keys(BENCHMARKS);

  Logger.overrideLogger(['error']);
  const server = await startDatabaseServer();
  console.log(`Database server: ${server.kind}`);
  try {
    for (const name of selected) await BENCHMARKS[name]!(server.url);
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
