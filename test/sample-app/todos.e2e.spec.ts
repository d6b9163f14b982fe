import 'reflect-metadata';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { beginTestTransaction, rollbackTestTransaction } from '../../src/testing/index.js';
import { startSampleApp, type SampleApp } from './sample-app.fixture.js';

// Each test runs in a test transaction that is rolled back after it, and creates the todos it reads.
let sample: SampleApp;
before(async () => {
  sample = await startSampleApp('sample_todos');
});
after(() => sample.close());
beforeEach(() => beginTestTransaction(sample.db));
afterEach(() => rollbackTestTransaction(sample.db));

interface Todo {
  id: string;
  title: string;
  done: boolean;
  tags: string[];
  meta: Record<string, unknown> | null;
}

async function create(body: object): Promise<Todo> {
  return (await sample.http.post('/todos').send(body).expect(201)).body as Todo;
}

async function titles(query: Record<string, string | string[]>): Promise<string[]> {
  const response = await sample.http.get('/todos').query(query).expect(200);
  return (response.body as Todo[]).map((todo) => todo.title);
}

/** The three todos every test starts from; returns the first, which has tags and nested meta. */
async function createThree(): Promise<Todo> {
  const milk = await create({ title: 'Buy milk', tags: ['home', 'errands'], meta: { priority: 'high', shop: { name: 'corner', open: true } } });
  await create({ title: 'Fix bike', tags: ['home'], meta: { priority: 'low' } });
  await create({ title: 'File taxes' });
  return milk;
}

describe('sample app: todos', () => {
  it('POST /todos stores the tags array and the JSON meta, with defaults for the rest', async () => {
    const milk = await createThree();
    assert.match(milk.id, /^\d+$/);
    assert.deepEqual(
      { title: milk.title, done: milk.done, tags: milk.tags, meta: milk.meta },
      { title: 'Buy milk', done: false, tags: ['home', 'errands'], meta: { priority: 'high', shop: { name: 'corner', open: true } } },
    );
    const all = (await sample.http.get('/todos').expect(200)).body as Todo[];
    const plain = all.find((todo) => todo.title === 'File taxes')!;
    assert.deepEqual([plain.tags, plain.meta], [[], null]);
  });

  it('GET /todos filters by tag (array contains), by JSON containment and by done', async () => {
    await createThree();
    assert.deepEqual(await titles({}), ['Buy milk', 'Fix bike', 'File taxes']);
    assert.deepEqual(await titles({ tag: 'home' }), ['Buy milk', 'Fix bike']);
    assert.deepEqual(await titles({ tag: ['home', 'errands'] }), ['Buy milk']);
    assert.deepEqual(await titles({ meta: '{"priority":"high"}' }), ['Buy milk']);
    assert.deepEqual(await titles({ meta: '{"shop":{"open":true}}' }), ['Buy milk']);
    assert.deepEqual(await titles({ meta: '{"priority":"urgent"}' }), []);
    assert.deepEqual(await titles({ tag: 'home', meta: '{"priority":"low"}' }), ['Fix bike']);
    assert.deepEqual(await titles({ done: 'false' }), ['Buy milk', 'Fix bike', 'File taxes']);
  });

  it('GET /todos/:id reads one; PATCH updates it; DELETE removes it', async () => {
    const milk = await createThree();
    assert.equal((await sample.http.get(`/todos/${milk.id}`).expect(200)).body.title, 'Buy milk');
    const patched = await sample.http.patch(`/todos/${milk.id}`).send({ done: true, tags: ['errands'] }).expect(200);
    assert.deepEqual([patched.body.done, patched.body.tags, patched.body.meta.priority], [true, ['errands'], 'high']);
    assert.deepEqual(await titles({ done: 'true' }), ['Buy milk']);

    const temporary = await create({ title: 'Temporary' });
    await sample.http.delete(`/todos/${temporary.id}`).expect(204);
    await sample.http.get(`/todos/${temporary.id}`).expect(404);
    await sample.http.delete(`/todos/${temporary.id}`).expect(404);
    await sample.http.patch(`/todos/${temporary.id}`).send({ done: true }).expect(404);
  });

  it('answers 400, naming the column, for ill-typed values, and stores nothing', async () => {
    const milk = await createThree();
    const cases: Array<[object, string]> = [
      [{ title: 'nested', tags: [['a']] }, 'tags'],
      [{ title: 'numbers', tags: [1, 2] }, 'tags'],
      [{ title: 'not an array', tags: 'home' }, 'tags'],
    ];
    for (const [body, column] of cases) {
      const response = await sample.http.post('/todos').send(body).expect(400);
      assert.deepEqual([response.body.table, response.body.column], ['todos', column], JSON.stringify(body));
    }
    await sample.http.post('/todos').send({ tags: ['x'] }).expect(400); // no title
    const badPatch = await sample.http.patch(`/todos/${milk.id}`).send({ done: 'yes' }).expect(400);
    assert.equal(badPatch.body.column, 'done');
    await sample.http.patch(`/todos/${milk.id}`).send({}).expect(400);
    await sample.http.get('/todos').query({ meta: '{not json' }).expect(400);
    await sample.http.get('/todos').query({ done: 'maybe' }).expect(400);
    const badId = await sample.http.get('/todos/1.5').expect(400);
    assert.equal(badId.body.column, 'id');
    const { rows } = await sample.db.query<{ count: string }>('SELECT count(*)::TEXT AS count FROM todos');
    assert.equal(rows[0]!.count, '3');
    // Uncommitted: invisible outside the test transaction.
    assert.deepEqual(await sample.testDb.admin('SELECT 1 FROM todos'), []);
  });
});
