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
  it('answers 200 with the database up, as terminus reports it', async () => {
    const response = await request(app.getHttpServer()).get('/health').expect(200);
    assert.equal(response.body.status, 'ok');
    assert.equal(response.body.info.database.status, 'up');
    assert.equal(response.body.info.database.dialect, testDb.dialect);
    assert.equal(typeof response.body.info.database.responseTimeMs, 'number');
  });
});
