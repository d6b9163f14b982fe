import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Test } from '@nestjs/testing';
import { CockroachDatabase, CockroachModule, ConfigurationError, ConnectionError } from '../../src/index.js';
import { CapturedLogger } from '../support/captured-logger.js';
import { freePort } from '../support/free-port.js';
import { registerSecret } from '../support/secret-guard.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const SECRET = 'S3cr3t-Pa55word!';
registerSecret(SECRET); // also watched in every log line by the whole-run guard

let testDb: TestDatabase;
const logger = new CapturedLogger();
before(async () => {
  testDb = await createTestDatabase('connect');
  logger.install();
});
after(async () => {
  logger.restore();
  await testDb.drop();
});

function withCredentials(url: string, user: string, password: string): string {
  const parsed = new URL(url);
  parsed.username = user;
  parsed.password = password;
  return parsed.toString();
}

function assertNoSecret(error: unknown): void {
  const seen = [String(error), error instanceof Error ? error.stack : '', ...logger.lines].join('\n');
  assert.ok(!seen.includes(SECRET), 'the password leaked into an error or a log line');
  assert.ok(!seen.includes(encodeURIComponent(SECRET)), 'the encoded password leaked into an error or a log line');
}

describe('start-up failures', () => {
  it('fails fast with ConnectionError on a wrong password, naming host, port and database but not the password', async () => {
    const url = withCredentials(testDb.url, new URL(testDb.url).username, SECRET);
    const error = await CockroachDatabase.connect({ url, connectRetry: { attempts: 5, delayMs: 1000 } }).catch((e: unknown) => e);
    assert.ok(error instanceof ConnectionError, `expected ConnectionError, got ${String(error)}`);
    const { hostname, port } = new URL(testDb.url);
    assert.match(error.message, new RegExp(`${hostname}:${port}/${testDb.name}`));
    assert.equal(error.attempts, 1, 'authentication failures are not retried');
    assertNoSecret(error);
  });

  it('fails fast when TLS is required and the server has none', async () => {
    const url = new URL(withCredentials(testDb.url, new URL(testDb.url).username, SECRET));
    url.searchParams.set('sslmode', 'require');
    const error = await CockroachDatabase.connect({ url: url.toString(), connectRetry: { attempts: 5, delayMs: 1000 } }).catch((e: unknown) => e);
    assert.ok(error instanceof ConnectionError, `expected ConnectionError, got ${String(error)}`);
    assert.match(error.message, /does not support SSL/);
    assert.equal(error.attempts, 1, 'a server without TLS is not retried');
    assertNoSecret(error);
  });

  it('retries an unreachable port as configured, then fails with ConnectionError', async () => {
    const port = await freePort();
    logger.lines.length = 0;
    const error = await CockroachDatabase.connect({
      host: '127.0.0.1',
      port,
      password: SECRET,
      database: 'shop',
      connectRetry: { attempts: 3, delayMs: 10 },
    }).catch((e: unknown) => e);
    assert.ok(error instanceof ConnectionError);
    assert.equal(error.attempts, 3);
    assert.deepEqual(error.target, { host: '127.0.0.1', port, database: 'shop', user: 'root' });
    assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}/shop`));
    assert.match(error.message, /ECONNREFUSED/);
    assert.equal(logger.lines.filter((line) => line.includes('Retrying')).length, 2);
    assertNoSecret(error);
  });

  it('fails the Nest boot with the same typed error', async () => {
    const port = await freePort();
    const url = `postgresql://root:${encodeURIComponent(SECRET)}@127.0.0.1:${port}/app`;
    await assert.rejects(
      Test.createTestingModule({
        imports: [CockroachModule.forRoot({ url, connectRetry: { attempts: 1 } })],
      }).compile(),
      (error: unknown) => {
        assert.ok(error instanceof ConnectionError);
        assertNoSecret(error);
        return true;
      },
    );
  });

  it('rejects an invalid option at start-up with ConfigurationError naming it, before connecting', async () => {
    await assert.rejects(
      Test.createTestingModule({ imports: [CockroachModule.forRoot({ url: testDb.url, pool: { max: 0 } })] }).compile(),
      (error: unknown) => error instanceof ConfigurationError && error.option === 'pool.max',
    );
  });

  it('never echoes a malformed URL, which may hold the password', async () => {
    const error = await CockroachDatabase.connect({ url: `mysql://root:${SECRET}@host/db` }).catch((e: unknown) => e);
    assert.ok(error instanceof ConfigurationError);
    assert.equal(error.option, 'url');
    assertNoSecret(error);
  });
});
