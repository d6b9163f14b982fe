import 'reflect-metadata';
import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  CockroachDatabase,
  CockroachModule,
  type CockroachAsyncOptions,
  type CockroachFactoryOptions,
  type CockroachOptions,
  type CockroachOptionsFactory,
} from '../../../src/index.js';
import { configurationError, type BadInput, type BadInputEnv } from './bad-input.js';

/** Valid options aimed at the sentinel (which counts connections), with one attempt so a wrong acceptance fails fast. */
function base(env: BadInputEnv): CockroachOptions {
  return { url: env.sentinelUrl, connectRetry: { attempts: 1, delayMs: 0 }, onQuery: env.record };
}

async function bootForRoot(options: CockroachOptions): Promise<void> {
  const moduleRef = await Test.createTestingModule({ imports: [CockroachModule.forRoot(options)] }).compile();
  await moduleRef.close();
}

async function bootForRootAsync(options: CockroachAsyncOptions): Promise<void> {
  const moduleRef = await Test.createTestingModule({ imports: [CockroachModule.forRootAsync(options)] }).compile();
  await moduleRef.close();
}

async function connect(options: CockroachOptions): Promise<void> {
  const db = await CockroachDatabase.connect(options);
  await db.close();
}

/** Options read from an environment are strings: the classic way a number arrives as text. */
const FROM_ENV = { POOL_MAX: '10', SHUTDOWN: '10s' } as const;

@Injectable()
class BadOptionsFactory implements CockroachOptionsFactory {
  createCockroachOptions(): CockroachFactoryOptions {
    return { shutdownTimeoutMs: -1 };
  }
}

export const MODULE_OPTION_ROWS: readonly BadInput[] = [
  {
    name: 'forRoot: a mysql:// URL',
    call: () => bootForRoot({ url: 'mysql://root@localhost:3306/bank' }),
    expected: configurationError('url', 'expected a postgresql:// connection string'),
  },
  {
    name: 'forRoot: an empty URL',
    call: () => bootForRoot({ url: '' }),
    expected: configurationError('url', 'expected a non-empty string, got ""'),
  },
  {
    name: 'connect: an unreadable URL holding a password, which the message must not echo',
    call: () => connect({ url: 'postgresql://app:s3cret-pw@db:notaport/bank' }),
    expected: configurationError('url', 'could not be read'),
    secret: 's3cret-pw',
  },
  {
    name: 'connect: a URL that is not a string',
    call: () => connect({ url: 26257 as never }),
    expected: configurationError('url', 'expected a non-empty string, got 26257'),
  },
  {
    name: 'forRoot: pool.max 0',
    call: (env) => bootForRoot({ ...base(env), pool: { max: 0 } }),
    expected: configurationError('pool.max', 'expected an integer from 1 to 10000, got 0'),
  },
  {
    name: 'forRoot: pool.max negative',
    call: (env) => bootForRoot({ ...base(env), pool: { max: -5 } }),
    expected: configurationError('pool.max', 'got -5'),
  },
  {
    name: 'forRoot: pool.max not an integer',
    call: (env) => bootForRoot({ ...base(env), pool: { max: 2.5 } }),
    expected: configurationError('pool.max', 'got 2.5'),
  },
  {
    name: 'forRoot: pool.max as a string from the environment',
    call: (env) => bootForRoot({ ...base(env), pool: { max: FROM_ENV.POOL_MAX as never } }),
    expected: configurationError('pool.max', 'got "10"'),
  },
  {
    name: 'forRoot: pool.min above pool.max',
    call: (env) => bootForRoot({ ...base(env), pool: { max: 2, min: 5 } }),
    expected: configurationError('pool.min', 'must not exceed pool.max (2), got 5'),
  },
  {
    name: 'forRoot: pool that is not an object',
    call: (env) => bootForRoot({ ...base(env), pool: 5 as never }),
    expected: configurationError('pool', 'expected an object'),
  },
  {
    name: 'forRoot: a lifetime jitter longer than the lifetime',
    call: (env) => bootForRoot({ ...base(env), pool: { maxLifetimeSeconds: 60, maxLifetimeJitterSeconds: 90 } }),
    expected: configurationError('pool.maxLifetimeJitterSeconds', 'expected an integer from 0 to 60, got 90'),
  },
  {
    name: 'forRoot: an unknown int8 mode',
    call: (env) => bootForRoot({ ...base(env), int8: 'float' as never }),
    expected: configurationError('int8', "expected one of 'string', 'bigint', 'number', got float"),
  },
  {
    name: 'forRoot: an int8 mode in the wrong case',
    call: (env) => bootForRoot({ ...base(env), int8: 'BigInt' as never }),
    expected: configurationError('int8', 'got BigInt'),
  },
  {
    name: 'forRoot: connectRetry.attempts 0',
    call: (env) => bootForRoot({ ...base(env), connectRetry: { attempts: 0 } }),
    expected: configurationError('connectRetry.attempts', 'expected an integer from 1 to 1000, got 0'),
  },
  {
    name: 'forRoot: connectRetry.delayMs negative',
    call: (env) => bootForRoot({ ...base(env), connectRetry: { delayMs: -100 } }),
    expected: configurationError('connectRetry.delayMs', 'got -100'),
  },
  {
    name: 'forRoot: connectRetry that is not an object',
    call: (env) => bootForRoot({ ...base(env), connectRetry: 'forever' as never }),
    expected: configurationError('connectRetry', 'expected an object'),
  },
  {
    name: 'forRoot: shutdownTimeoutMs negative',
    call: (env) => bootForRoot({ ...base(env), shutdownTimeoutMs: -1 }),
    expected: configurationError('shutdownTimeoutMs', 'expected an integer from 0 to 600000, got -1'),
  },
  {
    name: 'forRoot: shutdownTimeoutMs as a duration string',
    call: (env) => bootForRoot({ ...base(env), shutdownTimeoutMs: FROM_ENV.SHUTDOWN as never }),
    expected: configurationError('shutdownTimeoutMs', 'got "10s"'),
  },
  {
    name: 'forRoot: applicationName that is not a string',
    call: (env) => bootForRoot({ ...base(env), applicationName: 42 as never }),
    expected: configurationError('applicationName', 'expected a non-empty string, got 42'),
  },
  {
    name: 'forRoot: a bad applicationName next to a URL that names the application',
    call: (env) => bootForRoot({ ...base(env), url: `${env.sentinelUrl}?application_name=teller`, applicationName: 42 as never }),
    expected: configurationError('applicationName', 'got 42'),
  },
  {
    name: 'connect: a numeric password, which the message must not echo',
    call: (env) => connect({ ...base(env), password: 918273645 as never }),
    expected: configurationError('password', 'expected a non-empty string, got number'),
    secret: '918273645',
  },
  {
    name: 'forRoot: port as a string',
    call: () => bootForRoot({ host: '127.0.0.1', port: '26257' as never }),
    expected: configurationError('port', 'expected an integer from 1 to 65535, got "26257"'),
  },
  {
    name: 'forRoot: an empty connection name',
    call: (env) => bootForRoot({ ...base(env), name: '' }),
    expected: configurationError('name', 'expected a non-empty string'),
  },
  {
    name: 'forRoot: ssl as a string',
    call: (env) => bootForRoot({ ...base(env), ssl: 'require' as never }),
    expected: configurationError('ssl', 'expected a boolean or a TLS options object'),
  },
  {
    name: 'forRoot: onQuery that is not a function',
    call: (env) => bootForRoot({ ...base(env), onQuery: 'console.log' as never }),
    expected: configurationError('onQuery', 'expected a function'),
  },
  {
    name: 'forRoot: statementTimeoutMs 0',
    call: (env) => bootForRoot({ ...base(env), statementTimeoutMs: 0 }),
    expected: configurationError('statementTimeoutMs', 'expected an integer from 1 to'),
  },
  {
    name: 'forRoot: controlStatementTimeoutMs as a string',
    call: (env) => bootForRoot({ ...base(env), controlStatementTimeoutMs: '5s' as never }),
    expected: configurationError('controlStatementTimeoutMs', 'got "5s"'),
  },
  {
    name: 'forRoot: slowQueryMs negative',
    call: (env) => bootForRoot({ ...base(env), slowQueryMs: -1 }),
    expected: configurationError('slowQueryMs', 'got -1'),
  },
  {
    name: 'forRoot: retry.timeoutMs 0',
    call: (env) => bootForRoot({ ...base(env), retry: { timeoutMs: 0 } }),
    expected: configurationError('retry.timeoutMs', 'got 0'),
  },
  {
    name: 'forRoot: retry.maxAttempts 0',
    call: (env) => bootForRoot({ ...base(env), retry: { maxAttempts: 0 } }),
    expected: configurationError('retry.maxAttempts', 'expected an integer from 1 to 1000, got 0'),
  },
  {
    name: 'forRoot: retry that is not an object',
    call: (env) => bootForRoot({ ...base(env), retry: 'fast' as never }),
    expected: configurationError('retry', 'expected an object'),
  },
  {
    name: 'forRoot: isGlobal as the string "false"',
    call: (env) => bootForRoot({ ...base(env), isGlobal: 'false' as never }),
    expected: configurationError('isGlobal', 'expected a boolean, got string'),
  },
  {
    name: 'forRoot: no options at all',
    call: () => bootForRoot(undefined as never),
    expected: configurationError('options', 'expected an object'),
  },
  {
    name: 'forRootAsync: a factory returning pool.max 0',
    call: (env) => bootForRootAsync({ useFactory: () => ({ ...base(env), pool: { max: 0 } }) }),
    expected: configurationError('pool.max', 'got 0'),
  },
  {
    name: 'forRootAsync: an async factory returning an unknown int8 mode',
    call: (env) => bootForRootAsync({ useFactory: async () => ({ ...base(env), int8: 'double' as never }) }),
    expected: configurationError('int8', 'got double'),
  },
  {
    name: 'forRootAsync: a factory that forgets to return its options',
    call: () => bootForRootAsync({ useFactory: () => undefined as never }),
    expected: configurationError('forRootAsync', 'the options factory returned undefined'),
  },
  {
    name: 'forRootAsync: useClass whose factory returns a negative shutdownTimeoutMs',
    call: () => bootForRootAsync({ useClass: BadOptionsFactory }),
    expected: configurationError('shutdownTimeoutMs', 'got -1'),
  },
  {
    name: 'forRootAsync: neither useFactory, useClass nor useExisting',
    call: () => bootForRootAsync({ inject: [] }),
    expected: configurationError('forRootAsync', 'give one of useFactory, useClass or useExisting'),
  },
  {
    name: 'forRootAsync: both useFactory and useClass',
    call: (env) => bootForRootAsync({ useFactory: () => base(env), useClass: BadOptionsFactory }),
    expected: configurationError('forRootAsync', 'give only one of useFactory, useClass or useExisting'),
  },
  {
    name: 'forRoot: an unknown top-level key (urll)',
    call: (env) => bootForRoot({ ...base(env), urll: 'postgresql://x' } as CockroachOptions),
    expected: configurationError('urll', 'unknown option (did you mean "url"?)'),
  },
  {
    name: 'forRoot: an unknown pool key (pool.maxConnections)',
    call: (env) => bootForRoot({ ...base(env), pool: { maxConnections: 5 } } as CockroachOptions),
    expected: configurationError('pool.maxConnections', 'unknown option; expected one of max, min'),
  },
  {
    name: 'forRoot: an unknown retry key (retry.maxAttemps)',
    call: (env) => bootForRoot({ ...base(env), retry: { maxAttemps: 3 } } as CockroachOptions),
    expected: configurationError('retry.maxAttemps', 'unknown option (did you mean "retry.maxAttempts"?)'),
  },
  {
    name: 'forRoot: an unknown connectRetry key (connectRetry.retries)',
    call: (env) => bootForRoot({ ...base(env), connectRetry: { retries: 1 } } as CockroachOptions),
    expected: configurationError('connectRetry.retries', 'unknown option'),
  },
  {
    name: 'forRootAsync: a factory returning an unknown nested key (pool.idleTimeout)',
    call: (env) => bootForRootAsync({ useFactory: () => ({ ...base(env), pool: { idleTimeout: 1000 } }) as CockroachFactoryOptions }),
    expected: configurationError('pool.idleTimeout', 'unknown option'),
  },
  {
    name: 'forRootAsync: a factory returning the connection name, which is fixed before it runs',
    call: (env) => bootForRootAsync({ useFactory: () => ({ ...base(env), name: 'other' }) as CockroachFactoryOptions }),
    expected: configurationError('name', 'is fixed before the options factory runs'),
  },
  {
    name: 'forRootAsync: an unknown key of its own (useFactroy)',
    call: (env) => bootForRootAsync({ useFactroy: () => base(env) } as CockroachAsyncOptions),
    expected: configurationError('useFactroy', 'unknown option (did you mean "useFactory"?)'),
  },
  {
    name: 'forRoot: url undefined (an unset environment variable) and no host',
    call: () => bootForRoot({ url: process.env.NESTJS_COCKROACHDB_SURELY_UNSET_VARIABLE, connectRetry: { attempts: 10, delayMs: 3000 } }),
    expected: configurationError('url', 'is undefined and no host is given'),
  },
];
