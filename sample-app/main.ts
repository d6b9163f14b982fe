import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { startDatabaseServer } from '../test/support/database-server.js';
import { AppModule } from './app.module.js';

/**
 * `npm start`: runs the sample app on COCKROACH_URL when it is set, else on a
 * throwaway embedded PostgreSQL server (the same harness the tests use).
 */
async function bootstrap(): Promise<void> {
  const logger = new Logger('SampleApp');
  const server = await startDatabaseServer();
  logger.log(server.kind === 'external' ? 'Using the database at COCKROACH_URL' : `Started a throwaway database server (${server.kind})`);

  const app = await NestFactory.create(AppModule.register(server.url));
  const port = Number(process.env.PORT ?? 3000);
  await app.listen(port, '127.0.0.1');
  logger.log(`Listening on http://localhost:${port} (try curl localhost:${port}/health; the README walks through the rest)`);

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.log(`${signal}: shutting down`);
      void app
        .close()
        .then(() => server.stop())
        .finally(() => process.exit(0));
    });
  }
}

void bootstrap().catch((error: unknown) => {
  new Logger('SampleApp').error(error instanceof Error ? error.stack : String(error));
  process.exit(1);
});
