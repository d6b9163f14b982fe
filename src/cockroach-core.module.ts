import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { getDatabaseToken, getOptionsToken } from './cockroach.constants.js';
import { CockroachDatabase } from './database/cockroach-database.service.js';
import type {
  CockroachAsyncOptions,
  CockroachFactoryOptions,
  CockroachOptions,
  CockroachOptionsFactory,
} from './interfaces/cockroach-options.interface.js';
import { optionKeys, refuseUnknownKeys } from './common/option-keys.js';
import { ConfigurationError } from './errors.js';
import { ApplicationBinding } from './transaction/application-binding.js';

const ASYNC_OPTION_KEYS = optionKeys({
  name: true,
  isGlobal: true,
  imports: true,
  useFactory: true,
  inject: true,
  useClass: true,
  useExisting: true,
} satisfies Record<keyof CockroachAsyncOptions, true>);
import { runStartupMigrations, SchemaDriftCheck } from './migrations/startup-schema.hooks.js';

/**
 * Owns one connection's providers. `CockroachModule` is the thin public face;
 * this module is registered once per connection. The database closes itself
 * in `onApplicationShutdown`.
 */
@Module({})
export class CockroachCoreModule {
  static forRoot(options: CockroachOptions): DynamicModule {
    requireObject(options, 'options', 'expected an object');
    const optionsProvider: Provider = { provide: getOptionsToken(options.name), useValue: options };
    return this.assemble(options.name, options.isGlobal, [], [optionsProvider], false);
  }

  static forRootAsync(options: CockroachAsyncOptions): DynamicModule {
    requireObject(options, 'options', 'expected an object');
    refuseUnknownKeys(options, ASYNC_OPTION_KEYS);
    return this.assemble(options.name, options.isGlobal, options.imports ?? [], this.asyncOptionsProviders(options), true);
  }

  private static assemble(
    name: string | undefined,
    isGlobal: boolean | undefined,
    imports: NonNullable<CockroachAsyncOptions['imports']>,
    optionProviders: Provider[],
    fromFactory: boolean,
  ): DynamicModule {
    if (isGlobal !== undefined && typeof isGlobal !== 'boolean') {
      throw new ConfigurationError('isGlobal', `expected a boolean, got ${typeof isGlobal}`);
    }
    const optionsToken = getOptionsToken(name);
    const databaseProvider: Provider = {
      provide: getDatabaseToken(name),
      useFactory: async (options: CockroachFactoryOptions) => {
        // A factory that forgot to return its options must not quietly connect to localhost with the defaults.
        requireObject(options, 'forRootAsync', `the options factory returned ${options === null ? 'null' : typeof options}, not an options object`);
        if (fromFactory) refuseFixedKeys(options);
        const db = await CockroachDatabase.connect({ ...options, name });
        await runStartupMigrations(db);
        return db;
      },
      inject: [optionsToken],
    };
    // Binds this application's @Transactional instances to this database (never another application's).
    const bindingProvider: Provider = {
      provide: `${String(getOptionsToken(name))}:binding`,
      useFactory: (db: CockroachDatabase, modules: ModulesContainer) => new ApplicationBinding(db.host, modules),
      inject: [getDatabaseToken(name), ModulesContainer],
    };
    const schemaCheck: Provider = {
      provide: SchemaDriftCheck,
      useFactory: (db: CockroachDatabase) => new SchemaDriftCheck(db),
      inject: [getDatabaseToken(name)],
    };
    return {
      module: CockroachCoreModule,
      global: isGlobal ?? true,
      imports,
      providers: [...optionProviders, databaseProvider, bindingProvider, schemaCheck],
      exports: [databaseProvider],
    };
  }

  private static asyncOptionsProviders(options: CockroachAsyncOptions): Provider[] {
    const token = getOptionsToken(options.name);
    const given = [options.useFactory, options.useClass, options.useExisting].filter((source) => source !== undefined);
    if (given.length > 1) {
      throw new ConfigurationError('forRootAsync', 'give only one of useFactory, useClass or useExisting');
    }
    if (options.useFactory) {
      return [{ provide: token, useFactory: options.useFactory, inject: options.inject ?? [] }];
    }
    const factoryClass = options.useClass ?? options.useExisting;
    if (!factoryClass) {
      throw new ConfigurationError('forRootAsync', 'give one of useFactory, useClass or useExisting');
    }
    const fromFactory: Provider = {
      provide: token,
      useFactory: (factory: CockroachOptionsFactory) => factory.createCockroachOptions(),
      inject: [factoryClass],
    };
    return options.useClass ? [{ provide: factoryClass, useClass: factoryClass }, fromFactory] : [fromFactory];
  }
}

/** The connection's name and scope are fixed before a `forRootAsync` factory runs: returning them would be silently ignored. */
function refuseFixedKeys(options: object): void {
  for (const fixed of ['name', 'isGlobal'] as const) {
    if (fixed in options) {
      throw new ConfigurationError(fixed, `is fixed before the options factory runs: give it to forRootAsync({ ${fixed}, … }), not in the factory's result`);
    }
  }
}

function requireObject(value: unknown, option: string, problem: string): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ConfigurationError(option, problem);
}
