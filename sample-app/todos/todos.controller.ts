import { BadRequestException, Body, Controller, Delete, Get, HttpCode, NotFoundException, Param, Patch, Post, Query } from '@nestjs/common';
import { InjectRepository, validBody, type InsertRow, type JsonContains, type PatchValues, type Repository, type Row, type Where } from '../../src/index.js';
import { type TodoMeta, todosTable } from './todos.table.js';

type Todo = Row<typeof todosTable>;

/**
 * CRUD straight on the repository. Request bodies are checked by the table's
 * own Standard Schema validators (`todosTable.schemas.insert` / `.patch`)
 * through the package's `validBody()` pipe; a wrong body is a 400 naming
 * the column before the handler runs.
 */
@Controller('todos')
export class TodosController {
  constructor(@InjectRepository(todosTable) private readonly todos: Repository<typeof todosTable>) {}

  /** `{ "title": "…", "tags": ["home"], "meta": { "priority": "high" } }` */
  @Post()
  create(@Body(validBody(todosTable, 'insert')) body: InsertRow<typeof todosTable>): Promise<Todo> {
    return this.todos.insert(body);
  }

  /**
   * `?tag=home&tag=errands` holds every tag given (array `@>`),
   * `?meta={"priority":"high"}` contains that JSON (JSONB `@>`), `?done=false`.
   * Both containment filters are served by the table's inverted indexes.
   */
  @Get()
  list(@Query('tag') tag?: string | string[], @Query('meta') meta?: string, @Query('done') done?: string): Promise<Todo[]> {
    const where: Where<typeof todosTable> = {};
    if (tag !== undefined) where.tags = { contains: Array.isArray(tag) ? tag : [tag] };
    if (meta !== undefined) where.meta = { contains: parseJsonQuery('meta', meta) as JsonContains<TodoMeta> };
    if (done !== undefined) where.done = parseBooleanQuery('done', done);
    return this.todos.find({ where, orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  @Get(':id')
  async get(@Param('id') id: string): Promise<Todo> {
    return found(id, await this.todos.findById(id));
  }

  /** Any of `title`, `done`, `tags`, `meta`. */
  @Patch(':id')
  async update(@Param('id') id: string, @Body(validBody(todosTable, 'patch')) patch: PatchValues<typeof todosTable>): Promise<Todo> {
    const [todo] = await this.todos.update({ id }, patch);
    return found(id, todo ?? null);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id') id: string): Promise<void> {
    if ((await this.todos.delete({ id })) === 0) throw new NotFoundException(`No todo ${id}`);
  }
}

function found(id: string, todo: Todo | null): Todo {
  if (!todo) throw new NotFoundException(`No todo ${id}`);
  return todo;
}

function parseJsonQuery(name: string, value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    throw new BadRequestException(`"${name}" must be JSON, e.g. ?${name}={"priority":"high"}`);
  }
}

function parseBooleanQuery(name: string, value: string): boolean {
  if (value === 'true' || value === 'false') return value === 'true';
  throw new BadRequestException(`"${name}" must be true or false`);
}
