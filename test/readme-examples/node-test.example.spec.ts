// Not in the README: DATABASE_URL points at a fresh database on the test run's server.
import { freshDatabaseUrl } from './fresh-database.js';
process.env.DATABASE_URL = await freshDatabaseUrl('readme_node_test');
// README:start
import 'reflect-metadata';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Body, Controller, Get, Injectable, Post, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { afterCommit, CockroachDatabase, CockroachModule, Transactional } from '../../src/index.js';
import { beginTestTransaction, rollbackTestTransaction } from '../../src/testing/index.js';

@Injectable()
class NotesService {
  readonly published: string[] = [];
  constructor(private readonly db: CockroachDatabase) {}

  @Transactional()
  async add(body: string): Promise<void> {
    await this.db.query('INSERT INTO notes (body) VALUES ($1)', [body]);
    afterCommit(() => this.published.push(body));
  }
}

@Controller('notes')
class NotesController {
  constructor(
    private readonly notes: NotesService,
    private readonly db: CockroachDatabase,
  ) {}

  @Post()
  add(@Body() note: { body: string }): Promise<void> {
    return this.notes.add(note.body);
  }

  @Get()
  async list(): Promise<unknown[]> {
    return (await this.db.query('SELECT body FROM notes ORDER BY body')).rows;
  }
}

let app: INestApplication;
let db: CockroachDatabase;

before(async () => {
  const moduleRef = await Test.createTestingModule({
    imports: [CockroachModule.forRoot({ url: process.env.DATABASE_URL })],
    controllers: [NotesController],
    providers: [NotesService],
  }).compile();
  app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  db = app.get(CockroachDatabase);
  await db.query('CREATE TABLE IF NOT EXISTS notes (id UUID PRIMARY KEY DEFAULT gen_random_uuid(), body TEXT NOT NULL)');
});
after(() => app.close());

beforeEach(() => beginTestTransaction(db));
afterEach(() => rollbackTestTransaction(db));

describe('POST /notes', () => {
  it('stores the note, and publishes it once the transaction commits', async () => {
    await request(app.getHttpServer()).post('/notes').send({ body: 'hello' }).expect(201);
    const list = await request(app.getHttpServer()).get('/notes').expect(200);
    assert.deepEqual(list.body, [{ body: 'hello' }]);
    assert.deepEqual(app.get(NotesService).published, ['hello']);
  });

  it('starts from an empty table: the previous test was rolled back', async () => {
    const list = await request(app.getHttpServer()).get('/notes').expect(200);
    assert.deepEqual(list.body, []);
  });
});
// README:end
