import { type DynamicModule, Module } from '@nestjs/common';
import { CockroachCoreModule } from './cockroach-core.module.js';
import { createRepositoryProviders } from './cockroach.providers.js';
import type { CockroachAsyncOptions, CockroachOptions } from './interfaces/cockroach-options.interface.js';
import type { AnyTable } from './schema/table.definition.js';

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

  /**
   * Registers a `Repository` for each table on the connection (default: the
   * default one), injectable with `@InjectRepository(table, connectionName?)`.
   * The connection must be visible to the importing module (`isGlobal`, the default).
   */
  static forFeature(tables: readonly AnyTable[], connectionName?: string): DynamicModule {
    const providers = createRepositoryProviders(tables, connectionName);
    return { module: CockroachModule, providers, exports: providers };
  }
}
