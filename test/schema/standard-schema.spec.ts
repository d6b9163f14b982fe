import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BadRequestException, StandardSchemaValidationPipe } from '@nestjs/common';
import type { StandardSchemaV1 as NestStandardSchemaV1 } from '@standard-schema/spec';
import { array, defineTable, enumOf, int4, json, text, timestamptz, uuidKey, varchar, type StandardSchemaV1 } from '../../src/index.js';
import { Repository, ValidationError, type CockroachDatabase } from '../../src/index.js';

const tasks = defineTable('tasks', {
  id: uuidKey(),
  title: varchar(10),
  status: enumOf(['todo', 'done']).default('todo'),
  estimate: int4().nullable(),
  tags: array(text()).default([]),
  meta: json<{ priority?: number }>().nullable(),
  createdAt: timestamptz().defaultSql('now()'),
});

function validate(schema: StandardSchemaV1, value: unknown): StandardSchemaV1.Result<unknown> {
  const result = schema['~standard'].validate(value);
  assert.ok(!(result instanceof Promise), 'validation is synchronous');
  return result;
}

/** What the repository says about the same input, sent nowhere: a database that fails any query. */
async function repositoryMessage(call: (repo: Repository<typeof tasks>) => Promise<unknown>): Promise<string> {
  const db = { query: () => assert.fail('no SQL may be sent'), dialect: 'postgres' } as unknown as CockroachDatabase;
  try {
    await call(new Repository(db, tasks));
  } catch (error) {
    assert.ok(error instanceof ValidationError);
    return error.problem;
  }
  return assert.fail('the repository accepted it');
}

describe('table.schemas.insert validates a new row as insert() would', () => {
  it('passes a valid row through unchanged', () => {
    const row = { title: 'write', tags: ['a'], meta: { priority: 1 } };
    assert.deepEqual(validate(tasks.schemas.insert, row), { value: row });
    assert.equal(tasks.schemas.insert['~standard'].vendor, 'nestjs-cockroachdb');
    assert.equal(tasks.schemas.insert['~standard'].version, 1);
  });

  it('reports every problem at its column, with the repository’s own messages', async () => {
    const body = { title: 'far too long a title', status: 'doing', estimate: 1.5, colour: 'red' };
    const result = validate(tasks.schemas.insert, body);
    assert.deepEqual(result.issues, [
      { message: "the string has 20 characters, more than the column's 10", path: ['title'] },
      { message: 'the string "doing" is not one of "todo", "done"', path: ['status'] },
      { message: 'expected an integer number, got number 1.5', path: ['estimate'] },
      { message: 'unknown column in the values', path: ['colour'] },
    ]);
    assert.equal(await repositoryMessage((repo) => repo.insert({ title: 'far too long a title' })), result.issues![0]!.message);
    assert.equal(await repositoryMessage((repo) => repo.insert({ title: 'ok', status: 'doing' as 'todo' })), result.issues![1]!.message);
    assert.equal(await repositoryMessage((repo) => repo.insert({ title: 'ok', colour: 'red' } as never)), result.issues![3]!.message);
  });

  it('requires NOT NULL columns without a default, and an object', async () => {
    assert.deepEqual(validate(tasks.schemas.insert, { tags: [] }).issues, [
      { message: 'a value is required: the column is NOT NULL and has no default', path: ['title'] },
    ]);
    assert.equal(await repositoryMessage((repo) => repo.insert({ tags: [] } as never)), 'a value is required: the column is NOT NULL and has no default');
    assert.deepEqual(validate(tasks.schemas.insert, [1]).issues, [{ message: 'the values must be an object' }]);
    assert.deepEqual(validate(tasks.schemas.insert, JSON.parse('{"title":"x","__proto__":{"a":1}}')).issues, [
      { message: 'the key "__proto__" in the values is refused: it could reach an object\'s prototype', path: ['__proto__'] },
    ]);
  });
});

describe('table.schemas.patch validates a partial row as update() would', () => {
  it('accepts any subset and refuses an empty patch or a bad value', async () => {
    assert.deepEqual(validate(tasks.schemas.patch, { status: 'done' }), { value: { status: 'done' } });
    assert.deepEqual(validate(tasks.schemas.patch, {}).issues, [{ message: 'the patch sets no column' }]);
    assert.equal(await repositoryMessage((repo) => repo.update({ title: 'x' }, {})), 'the patch sets no column');
    assert.deepEqual(validate(tasks.schemas.patch, { title: null }).issues, [{ message: 'null is not allowed: the column is NOT NULL', path: ['title'] }]);
  });
});

describe('the validators work with NestJS 12’s StandardSchemaValidationPipe', () => {
  it('are Standard Schema objects to Nest’s own types', () => {
    const schema: NestStandardSchemaV1<unknown, unknown> = tasks.schemas.insert;
    assert.equal(typeof schema['~standard'].validate, 'function');
  });

  it('lets a valid body through and answers a bad one with 400 and the messages, path first', async () => {
    const pipe = new StandardSchemaValidationPipe();
    const metadata = { type: 'body' as const, schema: tasks.schemas.insert };
    assert.deepEqual(await pipe.transform({ title: 'ok' }, metadata), { title: 'ok' });
    await assert.rejects(pipe.transform({ title: 7 }, metadata), (error: unknown) => {
      assert.ok(error instanceof BadRequestException);
      assert.deepEqual((error.getResponse() as { message: string[] }).message, ['title: expected a string, got number 7']);
      return true;
    });
  });
});
