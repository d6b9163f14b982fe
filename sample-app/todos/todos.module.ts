import { Module } from '@nestjs/common';
import { CockroachModule } from '../../src';
import { TodosController } from './todos.controller';
import { todosTable } from './todos.table';

@Module({
  imports: [CockroachModule.forFeature([todosTable])],
  controllers: [TodosController],
})
export class TodosModule {}
