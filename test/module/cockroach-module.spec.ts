import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Inject, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  CockroachDatabase,
  CockroachModule,
  getDatabaseToken,
  InjectDatabase,
  type CockroachFactoryOptions,
  type CockroachOptionsFactory,
} from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const CONFIG = 'APP_CONFIG';

@Module({ providers: [{ provide: CONFIG, useFactory: () => ({ databaseUrl: '' }) }], exports: [CONFIG] })
class ConfigModule {}

/** An abstract class as an injection token, as Nest allows. */
abstract class DatabaseSettings {
  abstract readonly url: string;
}

@Module({ providers: [{ provide: DatabaseSettings, useFactory: () => ({ url: primary.url }) }], exports: [DatabaseSettings] })
class SettingsModule {}

@Injectable()
class OptionsFromClass implements CockroachOptionsFactory {
  createCockroachOptions(): CockroachFactoryOptions {
    return { url: primary.url, applicationName: 'from-class' };
  }
}

@Injectable()
class TwoDatabasesService {
  constructor(
    readonly main: CockroachDatabase,
    @InjectDatabase('reports') readonly reports: CockroachDatabase,
  ) {}
}

let primary: TestDatabase;
let secondary: TestDatabase;

before(async () => {
  [primary, secondary] = await Promise.all([createTestDatabase('module_a'), createTestDatabase('module_b')]);
});
after(async () => {
  await Promise.all([primary.drop(), secondary.drop()]);
});

async function currentDatabase(db: CockroachDatabase): Promise<string> {
  const { rows } = await db.query<{ name: string }>('SELECT current_database() AS name');
  return rows[0]!.name;
}

describe('CockroachModule', () => {
  it('boots with forRoot and injects CockroachDatabase by class', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [CockroachModule.forRoot({ url: primary.url })] }).compile();
    const db = moduleRef.get(CockroachDatabase);
    assert.equal(await currentDatabase(db), primary.name);
    assert.equal(db.dialect, primary.dialect);
    await moduleRef.close();
  });

  it('boots with forRootAsync and a factory that injects a config provider', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        CockroachModule.forRootAsync({
          imports: [ConfigModule],
          inject: [CONFIG],
          useFactory: (config: { databaseUrl: string }) => {
            config.databaseUrl = primary.url;
            return { url: config.databaseUrl, pool: { max: 3 } };
          },
        }),
      ],
    }).compile();
    const db = moduleRef.get(CockroachDatabase);
    assert.equal(await currentDatabase(db), primary.name);
    assert.equal(db.poolStats().max, 3);
    await moduleRef.close();
  });

  it('accepts everything Nest’s own inject accepts: { token, optional } and abstract classes', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        CockroachModule.forRootAsync({
          imports: [SettingsModule],
          inject: [DatabaseSettings, { token: 'NOT_PROVIDED', optional: true }],
          useFactory: (settings: DatabaseSettings, missing: unknown) => {
            assert.equal(missing, undefined, 'an optional dependency that is not provided arrives as undefined');
            return { url: settings.url };
          },
        }),
      ],
    }).compile();
    assert.equal(await currentDatabase(moduleRef.get(CockroachDatabase)), primary.name);
    await moduleRef.close();
  });

  it('boots with forRootAsync and useClass', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [CockroachModule.forRootAsync({ useClass: OptionsFromClass })],
    }).compile();
    const db = moduleRef.get(CockroachDatabase);
    const { rows } = await db.query<{ name: string }>('SHOW application_name');
    assert.equal(Object.values(rows[0]!)[0], 'from-class');
    await moduleRef.close();
  });

  it('boots with forRootAsync and useExisting', async () => {
    @Module({ providers: [OptionsFromClass], exports: [OptionsFromClass] })
    class OptionsModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [CockroachModule.forRootAsync({ imports: [OptionsModule], useExisting: OptionsFromClass })],
    }).compile();
    assert.equal(await currentDatabase(moduleRef.get(CockroachDatabase)), primary.name);
    await moduleRef.close();
  });

  it('serves two named connections side by side', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        CockroachModule.forRoot({ url: primary.url }),
        CockroachModule.forRootAsync({ name: 'reports', useFactory: () => ({ url: secondary.url }) }),
      ],
      providers: [TwoDatabasesService],
    }).compile();
    const service = moduleRef.get(TwoDatabasesService);
    assert.equal(await currentDatabase(service.main), primary.name);
    assert.equal(await currentDatabase(service.reports), secondary.name);
    assert.equal(service.reports.name, 'reports');
    assert.equal(moduleRef.get(getDatabaseToken('reports')), service.reports);
    assert.notEqual(service.main, service.reports);
    await moduleRef.close();
  });

  it('makes the database injectable in other modules by default (isGlobal)', async () => {
    @Injectable()
    class Consumer {
      constructor(@Inject(CockroachDatabase) readonly db: CockroachDatabase) {}
    }
    @Module({ providers: [Consumer], exports: [Consumer] })
    class FeatureModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [CockroachModule.forRoot({ url: primary.url }), FeatureModule],
    }).compile();
    assert.equal(await currentDatabase(moduleRef.get(Consumer).db), primary.name);
    await moduleRef.close();
  });

  it('keeps the database private to the importing module with isGlobal: false', async () => {
    @Injectable()
    class Consumer {
      constructor(@Inject(CockroachDatabase) readonly db: CockroachDatabase) {}
    }
    @Module({ providers: [Consumer] })
    class FeatureModule {}
    await assert.rejects(
      Test.createTestingModule({
        imports: [CockroachModule.forRoot({ url: primary.url, isGlobal: false }), FeatureModule],
      }).compile(),
      /can't resolve dependencies of the Consumer/i,
    );
  });
});
