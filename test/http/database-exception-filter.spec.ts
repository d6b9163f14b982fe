import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Body, Controller, Get, type INestApplication, Module, Param, Post } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import * as api from '../../src/index.js';
import {
  AmbiguousCommitError,
  CockroachDatabase,
  CockroachError,
  CockroachModule,
  ConfigurationError,
  ConnectionError,
  ConnectionLostError,
  DatabaseClosingError,
  DatabaseExceptionFilter,
  defineTable,
  ExceededMaxAttemptsError,
  InjectRepository,
  InvalidCursorError,
  MigrationError,
  NestedTransactionError,
  Repository,
  SchemaDriftError,
  StatementTimeoutError,
  TransactionAbortedError,
  TransactionalMethodError,
  TransactionRequiredError,
  TransactionTimeoutError,
  UnsafeIntegerError,
  UnsupportedFeatureError,
  uuidKey,
  validBody,
  ValidationError,
  varchar,
  type InsertRow,
} from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

type ErrorClass = abstract new (...args: never[]) => CockroachError;

/**
 * Every exported CockroachError class, with one instance of it and the answer
 * DESIGN §13 gives it. A class exported without a line here fails the
 * enumeration test below: each new class gets its answer chosen on purpose.
 */
const target = { host: 'db.internal', port: 26257, database: 'app', user: 'app' };
const expected: Record<string, { make: () => CockroachError; status: number; retryAfter?: string }> = {
  CockroachError: { make: () => new CockroachError('generic'), status: 500 },
  ConfigurationError: { make: () => new ConfigurationError('pool.max', 'expected a number'), status: 500 },
  TransactionalMethodError: { make: () => new TransactionalMethodError('A.b', 'is not a method'), status: 500 },
  ConnectionError: { make: () => new ConnectionError('refused', target, 3), status: 503, retryAfter: '5' },
  ConnectionLostError: { make: () => new ConnectionLostError('lost', true, { cause: new Error('ECONNRESET') }), status: 503, retryAfter: '5' },
  UnsafeIntegerError: { make: () => new UnsafeIntegerError('9007199254740993'), status: 500 },
  ExceededMaxAttemptsError: { make: () => new ExceededMaxAttemptsError(3, new Error('40001')), status: 503, retryAfter: '1' },
  NestedTransactionError: { make: () => new NestedTransactionError('nested'), status: 500 },
  AmbiguousCommitError: { make: () => new AmbiguousCommitError('commit failed'), status: 500 },
  UnsupportedFeatureError: { make: () => new UnsupportedFeatureError('no'), status: 500 },
  TransactionAbortedError: { make: () => new TransactionAbortedError('swallowed'), status: 500 },
  DatabaseClosingError: { make: () => new DatabaseClosingError('closing'), status: 503, retryAfter: '5' },
  MigrationError: { make: () => new MigrationError('bad migration', 'x.sql'), status: 500 },
  SchemaDriftError: { make: () => new SchemaDriftError(['missing table x']), status: 500 },
  ValidationError: { make: () => new ValidationError('notes', 'title', 'expected a string'), status: 400 },
  InvalidCursorError: { make: () => new InvalidCursorError('notes', undefined, 'the cursor was written for another query'), status: 400 },
  StatementTimeoutError: { make: () => new StatementTimeoutError(100, 'server'), status: 503, retryAfter: '5' },
  TransactionTimeoutError: { make: () => new TransactionTimeoutError(1000, 2, new Error('slow')), status: 503, retryAfter: '5' },
  TransactionRequiredError: { make: () => new TransactionRequiredError('lock outside a transaction'), status: 500 },
};

const exportedErrorClasses = Object.entries(api as Record<string, unknown>).filter(
  (entry): entry is [string, ErrorClass] => typeof entry[1] === 'function' && (entry[1] === CockroachError || entry[1].prototype instanceof CockroachError),
);

const notes = defineTable('filter_notes', { id: uuidKey(), title: varchar(20) });

let thrown: unknown;

@Controller()
class ThrowingController {
  constructor(@InjectRepository(notes) private readonly repo: Repository<typeof notes>) {}

  @Get('throw')
  throwIt(): never {
    throw thrown;
  }

  @Post('validated') // the pipe's 400
  create(@Body(validBody(notes, 'insert')) body: InsertRow<typeof notes>) {
    return this.repo.insert(body);
  }

  @Post('unvalidated/:id') // the repository's ValidationError, through the filter
  createUnchecked(@Param('id') id: string, @Body() body: { title: unknown }) {
    return this.repo.insert({ id, title: body.title as string });
  }
}

let testDb: TestDatabase;
let app: INestApplication;

before(async () => {
  testDb = await createTestDatabase('http_filter');
  @Module({
    imports: [CockroachModule.forRoot({ url: testDb.url }), CockroachModule.forFeature([notes])],
    controllers: [ThrowingController],
    providers: [{ provide: APP_FILTER, useClass: DatabaseExceptionFilter }],
  })
  class AppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  app = moduleRef.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
  await app.get(CockroachDatabase).createTables(notes);
});
after(async () => {
  await app?.close();
  await testDb?.drop();
});

function answerTo(error: unknown) {
  thrown = error;
  return request(app.getHttpServer()).get('/throw');
}

describe('DatabaseExceptionFilter maps every exported CockroachError class on purpose', { timeout: 30_000 }, () => {
  it('finds the error classes to check (the enumeration itself works)', () => {
    assert.ok(exportedErrorClasses.length >= 19, exportedErrorClasses.map(([name]) => name).join(', '));
  });

  for (const [name, errorClass] of exportedErrorClasses) {
    it(`${name}: has an answer chosen for it and gives it over HTTP`, async () => {
      const expectation = expected[name];
      assert.ok(expectation, `${name} is exported but this test (and DESIGN §13) does not say what HTTP answer it gets: add it to \`expected\``);
      assert.ok(DatabaseExceptionFilter.answers.has(errorClass), `${name} has no entry of its own in DatabaseExceptionFilter.answers`);
      const error = expectation.make();
      assert.equal(error.constructor, errorClass);
      const response = await answerTo(error);
      assert.equal(response.status, expectation.status, JSON.stringify(response.body));
      assert.equal(response.headers['retry-after'], expectation.retryAfter);
      assert.equal(response.body.statusCode, expectation.status);
    });
  }

  it('503s say what happened without leaking the target or the driver’s message', async () => {
    const response = await answerTo(new ConnectionError('connect ECONNREFUSED 10.0.0.7:26257', target, 3)).expect(503);
    assert.doesNotMatch(JSON.stringify(response.body), /10\.0\.0\.7|db\.internal/);
    assert.match(response.body.message, /unavailable/i);
  });

  it('a lost connection that may have run the statement says the outcome is unknown', async () => {
    const mayHaveRun = await answerTo(new ConnectionLostError('lost', true, { cause: new Error('x') })).expect(503);
    assert.equal(mayHaveRun.body.outcome, 'unknown');
    const didNotRun = await answerTo(new ConnectionLostError('lost', false, { cause: new Error('x') })).expect(503);
    assert.equal(didNotRun.body.outcome, undefined);
  });

  it('keeps the AmbiguousCommitError answer: 500 with outcome "unknown"', async () => {
    const response = await answerTo(new AmbiguousCommitError('commit failed')).expect(500);
    assert.equal(response.body.outcome, 'unknown');
    assert.match(response.body.message, /may or may not have been saved/);
  });

  it('answers programming errors with Nest’s plain 500, revealing nothing', async () => {
    const response = await answerTo(new ConfigurationError('pool.max', 'secret detail')).expect(500);
    assert.deepEqual(response.body, { statusCode: 500, message: 'Internal server error' });
  });

  it('answers a real unique violation with 409, and leaves other errors to Nest', async () => {
    const id = '00000000-0000-4000-8000-000000000001';
    await request(app.getHttpServer()).post(`/unvalidated/${id}`).send({ title: 'first' }).expect(201);
    const duplicate = await request(app.getHttpServer()).post(`/unvalidated/${id}`).send({ title: 'again' }).expect(409);
    assert.equal(duplicate.body.statusCode, 409);
    await answerTo(new Error('plain')).expect(500);
  });
});

describe('the validation pipe and the filter answer 400 in one body shape', { timeout: 30_000 }, () => {
  it('gives the same keys for a body the pipe refuses and a value the repository refuses', async () => {
    const fromPipe = await request(app.getHttpServer()).post('/validated').send({ title: 7 }).expect(400);
    const fromFilter = await request(app.getHttpServer())
      .post('/unvalidated/00000000-0000-4000-8000-000000000002')
      .send({ title: 7 })
      .expect(400);
    assert.deepEqual(Object.keys(fromPipe.body).sort(), Object.keys(fromFilter.body).sort());
    for (const body of [fromPipe.body, fromFilter.body]) {
      assert.equal(body.statusCode, 400);
      assert.equal(body.error, 'Bad Request');
      assert.equal(body.table, 'filter_notes');
      assert.equal(body.column, 'title');
      assert.equal(body.problems.length, 1);
      assert.equal(body.problems[0].column, 'title');
      assert.match(body.message, /title/);
    }
  });

  it('lists every problem the pipe found, the first one as `column`', async () => {
    const response = await request(app.getHttpServer()).post('/validated').send({ id: 'not-a-uuid', title: 7 }).expect(400);
    assert.deepEqual(response.body.problems.map((problem: { column: string }) => problem.column).sort(), ['id', 'title']);
    assert.equal(response.body.column, response.body.problems[0].column);
  });

  it('lets a valid body through unchanged', async () => {
    await request(app.getHttpServer()).post('/validated').send({ title: 'fine' }).expect(201);
  });
});
