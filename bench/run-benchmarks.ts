import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { startDatabaseServer } from '../test/support/database-server';
import { queryOverhead } from './query-overhead.bench';
import { transactionOverhead } from './transaction-overhead.bench';

/** `npm run bench`: starts the same server the tests use and runs every benchmark on it. */
async function main(): Promise<void> {
  Logger.overrideLogger(['error']);
  const server = await startDatabaseServer();
  console.log(`Database server: ${server.kind}`);
  try {
    await queryOverhead(server.url);
    await transactionOverhead(server.url);
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
