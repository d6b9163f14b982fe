import type { INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AppModule } from '../../sample-app/app.module.js';
import { CockroachDatabase } from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** The whole sample app on a fresh database, as `npm start` builds it, plus an HTTP client for it. */
export interface SampleApp {
  app: INestApplication;
  http: ReturnType<typeof request>;
  testDb: TestDatabase;
  /** The app's database, for the testing kit (`beginTestTransaction(sample.db)`). */
  db: CockroachDatabase;
  close(): Promise<void>;
}

/** `extraControllers` / `extraProviders` add test-only routes to the app. */
export async function startSampleApp(
  prefix: string,
  extraControllers: Array<Type<unknown>> = [],
  extraProviders: Array<Type<unknown>> = [],
): Promise<SampleApp> {
  const testDb = await createTestDatabase(prefix);
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.register(testDb.url)],
    controllers: extraControllers,
    providers: extraProviders,
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1'); // a real socket: concurrent requests share it instead of each opening a server
  return {
    app,
    http: request(app.getHttpServer()),
    testDb,
    db: app.get(CockroachDatabase),
    close: async () => {
      await app.close();
      await testDb.drop();
    },
  };
}
