import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { AppModule } from '../../sample-app/app.module.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let testDb: TestDatabase;
let app: INestApplication;
before(async () => {
  testDb = await createTestDatabase('sample_health');
  app = await NestFactory.create(AppModule.register(testDb.url), { logger: false });
  await app.init();
});
after(async () => {
  await app.close();
  await testDb.drop();
});

describe('sample app: GET /health', () => {
  it('reports the dialect, the server version and the pool figures', async () => {
    const response = await request(app.getHttpServer()).get('/health').expect(200);
    assert.equal(response.body.status, 'up');
    assert.equal(response.body.dialect, testDb.dialect);
    assert.match(response.body.serverVersion, /^\d+\.\d+\.\d+$/);
    assert.equal(typeof response.body.latencyMs, 'number');
    assert.equal(response.body.pool.max, 10);
    assert.ok(response.body.pool.total >= 1);
  });
});
