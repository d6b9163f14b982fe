import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import { CockroachDatabase, CockroachModule, ConnectionError, type CockroachOptions } from '../../src/index.js';
import { CapturedLogger } from '../support/captured-logger.js';
import { createEmbeddedPostgres, type EmbeddedPostgres } from '../support/embedded-postgres.js';
import { freePort } from '../support/free-port.js';
import { assertSecretAbsent, registerSecret } from '../support/secret-guard.js';
import { serverKind } from '../support/test-database.js';
import {
  createCertificateAuthority,
  issueServerCertificate,
  openSslAvailable,
  type CertificateAuthority,
} from '../support/tls-certificates.js';

/**
 * TLS through the library against a real server: a second embedded
 * PostgreSQL, started for this file only, that accepts nothing but `hostssl`
 * connections. Its certificate comes from a throwaway CA and is valid for
 * `localhost` only, so connecting to 127.0.0.1 is the "wrong host" case.
 */

const skip = skipReason();

function skipReason(): string | undefined {
  // The TLS server is an extra embedded PostgreSQL; a run against CockroachDB
  // (COCKROACH_URL or a cockroach binary) is about CockroachDB, not this.
  const kind = serverKind();
  if (kind !== 'embedded-postgres') return `needs the embedded PostgreSQL harness, this run uses ${kind ?? 'no harness'}`;
  if (!openSslAvailable()) return 'needs the openssl CLI to make certificates';
  return undefined;
}

/** A plain connection matches no line, so the server refuses it (SQLSTATE 28000). */
const TLS_ONLY_HBA = ['hostssl all all 127.0.0.1/32 scram-sha-256', 'hostssl all all ::1/128 scram-sha-256', ''].join('\n');

interface TlsServer {
  dir: string;
  server: EmbeddedPostgres;
  port: number;
  password: string;
  ca: CertificateAuthority;
  otherCa: CertificateAuthority;
}

let tls: TlsServer;
/**
 * Installed globally and also given to every testing module: `compile()`
 * otherwise swaps Nest's logger for its TestingLogger, and later lines would
 * escape the password check.
 */
const logger = new CapturedLogger();
/** Every error a case saw, checked for the password at the end. */
const errors: unknown[] = [];

before(async () => {
  if (skip) return;
  // Private to this process: the server gets copies of its certificate and key in its data directory.
  const dir = mkdtempSync(join(tmpdir(), 'nestjs-cockroachdb-tls-'));
  const ca = createCertificateAuthority(dir, 'test-ca');
  const otherCa = createCertificateAuthority(dir, 'unrelated-ca');
  const certificate = issueServerCertificate(ca, dir, 'server', ['DNS:localhost']);
  const port = await freePort();
  const serverLog: string[] = [];
  const server = await createEmbeddedPostgres(port, (line) => serverLog.push(line), {
    settings: {
      ssl: 'on',
      ssl_cert_file: 'server.crt',
      ssl_key_file: 'server.key',
      // A second server on a small machine: keep it light.
      max_connections: '20',
      shared_buffers: '16MB',
    },
    dataFiles: { 'server.crt': certificate.certPem, 'server.key': certificate.keyPem, 'pg_hba.conf': TLS_ONLY_HBA },
  });
  try {
    await server.start();
  } catch (error) {
    await server.destroy();
    throw new Error(`the TLS server did not start:\n${serverLog.join('')}`, { cause: error });
  }
  tls = { dir, server, port, password: new URL(server.url).password, ca, otherCa };
  registerSecret(tls.password); // the whole-run log guard knows only the suite server's password
  logger.install();
});

after(async () => {
  if (skip) return;
  logger.restore();
  await tls?.server.destroy();
  if (tls) rmSync(tls.dir, { recursive: true, force: true });
});

function url(host: string, params: Record<string, string>): string {
  return `postgresql://postgres:${tls.password}@${host}:${tls.port}/postgres?${new URLSearchParams(params)}`;
}

async function sessionUsesTls(db: CockroachDatabase): Promise<boolean> {
  const { rows } = await db.query<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
  return rows[0]?.ssl === true;
}

/**
 * Connects with the start-up retry defaults (10 attempts, 3 s apart) and
 * expects a ConnectionError after the first attempt: a refusal that waiting
 * cannot fix must not cost half a minute of retries.
 */
async function refusedAtOnce(options: CockroachOptions): Promise<ConnectionError> {
  const linesBefore = logger.lines.length;
  const error = await CockroachDatabase.connect(options).catch((e: unknown) => e);
  errors.push(error);
  assert.ok(error instanceof ConnectionError, `expected ConnectionError, got ${String(error)}`);
  assert.equal(error.attempts, 1, `classified as transient and retried: ${error.message}`);
  const retries = logger.lines.slice(linesBefore).filter((line) => line.includes('Retrying'));
  assert.deepEqual(retries, []);
  assert.match(error.message, new RegExp(`postgres@(localhost|127\\.0\\.0\\.1):${tls.port}/postgres`));
  return error;
}

describe('TLS connections', () => {
  it('connects with sslmode=verify-full and sslrootcert in the URL, and the session is encrypted', { skip }, async () => {
    const db = await CockroachDatabase.connect({
      url: url('localhost', { sslmode: 'verify-full', sslrootcert: tls.ca.certFile }),
      connectRetry: { attempts: 1 },
    });
    try {
      assert.equal(await sessionUsesTls(db), true);
    } finally {
      await db.close();
    }
  });

  it('connects with the discrete ssl: { ca } option in a Nest module', { skip }, async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        CockroachModule.forRoot({
          host: 'localhost',
          port: tls.port,
          user: 'postgres',
          password: tls.password,
          database: 'postgres',
          ssl: { ca: tls.ca.certPem },
          connectRetry: { attempts: 1 },
        }),
      ],
    })
      .setLogger(logger)
      .compile();
    try {
      assert.equal(await sessionUsesTls(moduleRef.get(CockroachDatabase)), true);
    } finally {
      await moduleRef.close();
    }
  });

  it('refuses a server certificate from another CA at once, saying so', { skip }, async () => {
    const error = await refusedAtOnce({ url: url('localhost', { sslmode: 'verify-full', sslrootcert: tls.otherCa.certFile }) });
    assert.match(error.message, /certificate/i);
  });

  it('refuses a certificate that is not valid for the host connected to, at once', { skip }, async () => {
    const error = await refusedAtOnce({ url: url('127.0.0.1', { sslmode: 'verify-full', sslrootcert: tls.ca.certFile }) });
    assert.match(error.message, /certificate/i);
    assert.match(error.message, /127\.0\.0\.1/);
  });

  it('fails the Nest boot with the same ConnectionError on a certificate for another host', { skip }, async () => {
    await assert.rejects(
      Test.createTestingModule({
        imports: [CockroachModule.forRoot({ url: url('127.0.0.1', { sslmode: 'verify-full', sslrootcert: tls.ca.certFile }) })],
      })
        .setLogger(logger)
        .compile(),
      (error: unknown) => {
        errors.push(error);
        assert.ok(error instanceof ConnectionError, `expected ConnectionError, got ${String(error)}`);
        assert.equal(error.attempts, 1);
        return true;
      },
    );
  });

  it('is refused with sslmode=disable by a server that requires TLS, at once', { skip }, async () => {
    const error = await refusedAtOnce({ url: url('localhost', { sslmode: 'disable' }) });
    // PostgreSQL's own words: `no pg_hba.conf entry for host …, no encryption`.
    assert.match(error.message, /no encryption/);
  });

  it('still retries a TLS URL whose server is not up yet (a refused port is transient), logging each retry', { skip }, async () => {
    const linesBefore = logger.lines.length;
    const closedPort = await freePort();
    const tlsUrl = url('localhost', { sslmode: 'verify-full', sslrootcert: tls.ca.certFile }).replace(`:${tls.port}/`, `:${closedPort}/`);
    const error = await CockroachDatabase.connect({ url: tlsUrl, connectRetry: { attempts: 2, delayMs: 10 } }).catch((e: unknown) => e);
    errors.push(error);
    assert.ok(error instanceof ConnectionError, `expected ConnectionError, got ${String(error)}`);
    assert.equal(error.attempts, 2);
    // The retry warning is the one log line that quotes a driver error: the password check below needs it.
    assert.equal(logger.lines.slice(linesBefore).filter((line) => line.includes('Retrying')).length, 1);
  });

  it('never shows the password in a log line or an error, causes included', { skip }, () => {
    assert.ok(errors.length >= 5, 'the failing cases ran first');
    assertSecretAbsent(tls.password, [...errors, ...logger.lines]);
  });
});
