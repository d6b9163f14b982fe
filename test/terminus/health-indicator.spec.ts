import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import request from 'supertest';
import { CockroachModule } from '../../src/index.js';
import { CockroachHealthIndicator } from '../../src/terminus/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { startStoppableProxy, type StoppableProxy } from './stoppable-proxy.js';

const TIMEOUT_MS = 800;

@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly cockroach: CockroachHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.cockroach.pingCheck('database', { timeoutMs: TIMEOUT_MS }),
      () => this.cockroach.pingCheck('reports', { connection: 'reports', timeoutMs: TIMEOUT_MS }),
    ]);
  }
}

let testDb: TestDatabase;
let proxy: StoppableProxy;
let app: INestApplication;

before(async () => {
  testDb = await createTestDatabase('terminus');
  const direct = new URL(testDb.url);
  proxy = await startStoppableProxy({ host: direct.hostname, port: Number(direct.port) });
  const proxied = new URL(testDb.url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(proxy.port);
  const moduleRef = await Test.createTestingModule({
    imports: [
      CockroachModule.forRoot({ url: testDb.url }),
      CockroachModule.forRoot({ name: 'reports', url: proxied.toString(), pool: { connectionTimeoutMillis: 10_000 } }),
      TerminusModule.forRoot({ logger: false }),
    ],
    controllers: [HealthController],
    providers: [CockroachHealthIndicator],
  }).compile();
  app = moduleRef.createNestApplication({ logger: false });
  await app.init();
});
after(() => testDb.drop());

describe('CockroachHealthIndicator.pingCheck', () => {
  it('marks each connection up (terminus answers 200) while its server answers', async () => {
    const response = await request(app.getHttpServer()).get('/health').expect(200);
    assert.equal(response.body.status, 'ok');
    assert.equal(response.body.info.database.status, 'up');
    assert.equal(response.body.info.reports.status, 'up');
    assert.equal(response.body.info.database.dialect, testDb.dialect);
  });

  it('marks the stopped server’s key down (terminus answers 503) within timeoutMs, the other stays up; the app still closes', async () => {
    await proxy.stop();
    const started = performance.now();
    const response = await request(app.getHttpServer()).get('/health').expect(503);
    const elapsed = performance.now() - started;
    assert.equal(response.body.status, 'error');
    assert.equal(response.body.error.reports.status, 'down');
    assert.equal(typeof response.body.error.reports.message, 'string');
    assert.equal(response.body.info.database.status, 'up');
    // Generous: the machine is shared; the point is that it does not wait for the pool's 10 s connect timeout.
    assert.ok(elapsed < TIMEOUT_MS + 4000, `answered after ${Math.round(elapsed)} ms`);
    await app.close();
  });

  it('rejects a timeoutMs that is not a positive number before pinging', async () => {
    const indicator = new CockroachHealthIndicator(undefined as never, undefined as never);
    await assert.rejects(indicator.pingCheck('database', { timeoutMs: 0 }), /timeoutMs/);
  });
});
