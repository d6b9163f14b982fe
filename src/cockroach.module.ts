import { type DynamicModule, Module } from '@nestjs/common';
import { CockroachCoreModule } from './cockroach-core.module';
import type { CockroachAsyncOptions, CockroachOptions } from './interfaces/cockroach-options.interface';

/**
 * The module users import: `forRoot` / `forRootAsync` once per connection,
 * `forFeature` in the modules that want repositories.
 */
@Module({})
export class CockroachModule {
  static forRoot(options: CockroachOptions): DynamicModule {
    return { module: CockroachModule, imports: [CockroachCoreModule.forRoot(options)] };
  }

  static forRootAsync(options: CockroachAsyncOptions): DynamicModule {
    return { module: CockroachModule, imports: [CockroachCoreModule.forRootAsync(options)] };
  }
}
