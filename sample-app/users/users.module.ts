import { Module } from '@nestjs/common';
import { CockroachModule } from '../../src/index.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';
import { loginTokensTable, usersTable } from './users.tables.js';

@Module({
  imports: [CockroachModule.forFeature([usersTable, loginTokensTable])],
  controllers: [UsersController],
  providers: [UsersService],
})
export class UsersModule {}
