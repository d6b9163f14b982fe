import { fileURLToPath } from 'node:url';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { CockroachModule, DatabaseExceptionFilter, type CockroachOptions } from '../src/index.js';
import { CockroachHealthIndicator } from '../src/terminus/index.js';
import { AccountsModule } from './accounts/accounts.module.js';
import { HealthController } from './health/health.controller.js';
import { ReportsModule } from './reports/reports.module.js';
import { TodosModule } from './todos/todos.module.js';
import { UsersModule } from './users/users.module.js';

/**
 * The sample's migrations. They are SQL files, which tsc does not copy: this
 * file runs compiled from build/sample-app/, so the path climbs back to the
 * sources' sample-app/migrations/.
 */
export const SAMPLE_MIGRATIONS = fileURLToPath(new URL('../../sample-app/migrations/', import.meta.url));

/**
 * The sample app. Its schema comes from the migrations, applied at start-up
 * (`runOnStart`; replicas started together apply each one once).
 * `databaseUrl` comes from main.ts (the embedded server or COCKROACH_URL);
 * `overrides` lets the reliability tests tune the connection (pool size,
 * application name, shutdown timeout) without a second app.
 */
@Module({})
export class AppModule {
  static register(databaseUrl: string, overrides: Omit<CockroachOptions, 'url'> = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CockroachModule.forRoot({
          applicationName: 'sample-app',
          migrations: { directory: SAMPLE_MIGRATIONS, runOnStart: true },
          ...overrides,
          url: databaseUrl,
        }),
        AccountsModule,
        UsersModule,
        TodosModule,
        ReportsModule,
        TerminusModule,
      ],
      controllers: [HealthController],
      providers: [CockroachHealthIndicator, { provide: APP_FILTER, useClass: DatabaseExceptionFilter }],
    };
  }
}
