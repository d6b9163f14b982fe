import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigurationError, type CockroachOptions } from '../../src/index.js';
import { resolveOptions } from '../../src/database/options.resolver.js';

describe('option defaults', () => {
  it('uses CockroachDB defaults: user root, port 26257, database defaultdb', () => {
    const resolved = resolveOptions({});
    assert.deepEqual(resolved.target, { host: 'localhost', port: 26257, user: 'root', database: 'defaultdb' });
    assert.equal(resolved.int8, 'string');
    assert.equal(resolved.pool.max, 10);
    assert.equal(resolved.pool.maxLifetimeSeconds, 1800);
    assert.equal(resolved.pool.maxLifetimeJitterSeconds, 180);
    assert.deepEqual(resolved.connectRetry, { attempts: 10, delayMs: 3000 });
  });

  it('reads a URL without a port as psql and pg do: PGPORT, else 5432', () => {
    const saved = process.env.PGPORT;
    try {
      delete process.env.PGPORT;
      const resolved = resolveOptions({ url: 'postgresql://db.internal/bank' });
      assert.deepEqual(resolved.target, { host: 'db.internal', port: 5432, user: 'root', database: 'bank' });
      assert.equal(resolved.client.port, 5432);
      process.env.PGPORT = '26000';
      assert.equal(resolveOptions({ url: 'postgresql://db.internal/bank' }).target.port, 26000);
      assert.equal(resolveOptions({ url: 'postgresql://db.internal/bank', port: 26300 }).target.port, 26300, 'a discrete port fills the gap');
      assert.equal(resolveOptions({ host: 'db.internal' }).target.port, 26257, 'discrete options keep CockroachDB’s port');
    } finally {
      if (saved === undefined) delete process.env.PGPORT;
      else process.env.PGPORT = saved;
    }
  });

  it('reads sslmode, options and application_name from the URL with pg’s own parser', () => {
    const resolved = resolveOptions({
      url: 'postgresql://app:pw@crdb:26000/bank?sslmode=verify-full&options=-c%20statement_timeout%3D5s&application_name=teller',
    });
    assert.deepEqual(resolved.target, { host: 'crdb', port: 26000, user: 'app', database: 'bank' });
    assert.equal(resolved.password, 'pw');
    assert.equal(resolved.client.options, '-c statement_timeout=5s');
    assert.equal(resolved.client.application_name, 'teller');
    assert.ok(resolved.client.ssl && typeof resolved.client.ssl === 'object', 'verify-full turns TLS on');
    assert.notEqual((resolved.client.ssl as { rejectUnauthorized?: boolean }).rejectUnauthorized, false);
  });
});

describe('option validation', () => {
  const invalid: Array<[string, CockroachOptions]> = [
    ['port', { port: 0 }],
    ['port', { port: 70000 }],
    ['port', { port: 1.5 }],
    ['host', { host: '' }],
    ['url', { url: 'mysql://root@localhost/db' }],
    ['url', { url: 'not a url' }],
    ['url', { url: 'postgresql://root@localhost/db?sslrootcert=/no/such/ca.crt' }],
    ['int8', { int8: 'float' as never }],
    ['pool.max', { pool: { max: 0 } }],
    ['pool.max', { pool: { max: Number.NaN } }],
    ['pool.min', { pool: { max: 2, min: 3 } }],
    ['pool.idleTimeoutMillis', { pool: { idleTimeoutMillis: -1 } }],
    ['pool.connectionTimeoutMillis', { pool: { connectionTimeoutMillis: '10s' as never } }],
    ['pool.maxLifetimeSeconds', { pool: { maxLifetimeSeconds: -5 } }],
    ['pool.maxLifetimeJitterSeconds', { pool: { maxLifetimeSeconds: 60, maxLifetimeJitterSeconds: 61 } }],
    ['connectRetry.attempts', { connectRetry: { attempts: 0 } }],
    ['connectRetry.delayMs', { connectRetry: { delayMs: -1 } }],
    ['ssl', { ssl: 'yes' as never }],
    ['applicationName', { applicationName: 42 as never }],
  ];
  for (const [option, options] of invalid) {
    it(`rejects ${option} = ${JSON.stringify(options)}`, () => {
      assert.throws(
        () => resolveOptions(options),
        (error: unknown) => error instanceof ConfigurationError && error.option === option && error.message.includes(option),
      );
    });
  }
});
