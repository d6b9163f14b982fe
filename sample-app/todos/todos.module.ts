import { Module } from '@nestjs/common';
import { CockroachModule } from '../../src/index.js';
import { TodosController } from './todos.controller.js';
import { todosTable } from './todos.table.js';

@Module({
  imports: [CockroachModule.forFeature([todosTable])],
  controllers: [TodosController],
})
export class TodosModule {}
