import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { Test } from '@nestjs/testing';
import { CockroachDatabase, CockroachModule, ConfigurationError, ConnectionError } from '../../src/index.js';
import { CapturedLogger } from '../support/captured-logger.js';
import { freePort } from '../support/free-port.js';
import { assertSecretAbsent, registerSecret } from '../support/secret-guard.js';
import { createTestDatabase, serverUrl, type TestDatabase, withDatabase } from '../support/test-database.js';

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

/** A PostgreSQL ErrorResponse message (wire protocol v3). */
function errorResponse(code: string, message: string): Buffer {
  const fields = Buffer.from(`SFATAL\0C${code}\0M${message}\0\0`);
  const header = Buffer.alloc(5);
  header.write('E', 0);
  header.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([header, fields]);
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

  it('fails fast with ConnectionError when the database does not exist, naming it, without retrying', async () => {
    const url = withDatabase(serverUrl(), `no_such_database_${testDb.name}`);
    const error = await CockroachDatabase.connect({ url, connectRetry: { attempts: 5, delayMs: 1000 } }).catch((e: unknown) => e);
    assert.ok(error instanceof ConnectionError, `expected ConnectionError, got ${String(error)}`);
    assert.equal(error.attempts, 1, 'a missing database is not retried');
    assert.equal(error.target.database, `no_such_database_${testDb.name}`);
    assert.match(error.message, new RegExp(`/no_such_database_${testDb.name}`));
    assert.match(error.message, /does not exist/);
    const password = decodeURIComponent(new URL(url).password);
    if (password) assertSecretAbsent(password, [error, ...logger.lines]);
  });

  it('scrubs the password from the retry log and the error, cause included, when the server’s message repeats it', async () => {
    // A server (a misbehaving proxy) that answers every login with an error quoting the password: the scrubber's real work.
    const server = createServer((socket) => {
      socket.on('error', () => undefined);
      socket.once('data', () => socket.end(errorResponse('08006', `login refused for password ${SECRET}`)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      logger.install(); // again: compiling a Nest testing module above replaced the logger
      logger.lines.length = 0;
      const error = await CockroachDatabase.connect({
        host: '127.0.0.1',
        port,
        password: SECRET,
        database: 'shop',
        connectRetry: { attempts: 2, delayMs: 10 },
      }).catch((e: unknown) => e);
      assert.ok(error instanceof ConnectionError, `expected ConnectionError, got ${String(error)}`);
      assert.match(error.message, /login refused for password \*+/, 'the server’s reason is kept, the password masked');
      assert.equal(logger.lines.filter((line) => line.includes('login refused for password')).length, 1, `the retry was logged: ${logger.lines.join('\n')}`);
      assertSecretAbsent(SECRET, [error, ...logger.lines]);
    } finally {
      server.close();
    }
  });

  it('never echoes a malformed URL, which may hold the password', async () => {
    const error = await CockroachDatabase.connect({ url: `mysql://root:${SECRET}@host/db` }).catch((e: unknown) => e);
    assert.ok(error instanceof ConfigurationError);
    assert.equal(error.option, 'url');
    assertNoSecret(error);
  });
});
