import { Module } from '@nestjs/common';
import { CockroachModule } from '../../src';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';
import { loginTokensTable, usersTable } from './users.tables';

@Module({
  imports: [CockroachModule.forFeature([usersTable, loginTokensTable])],
  controllers: [UsersController],
  providers: [UsersService],
})
export class UsersModule {}
