import { type DynamicModule, Module } from '@nestjs/common';
import { CockroachModule } from '../src';
import { HealthController } from './health/health.controller';

/** The sample app. `databaseUrl` comes from main.ts (the embedded server or COCKROACH_URL). */
@Module({})
export class AppModule {
  static register(databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [CockroachModule.forRoot({ url: databaseUrl, applicationName: 'sample-app' })],
      controllers: [HealthController],
    };
  }
}
