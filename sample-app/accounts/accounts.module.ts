import { Module } from '@nestjs/common';
import { CockroachModule } from '../../src/index.js';
import { AccountsController } from './accounts.controller.js';
import { accountsTable, transfersTable } from './accounts.tables.js';
import { TransfersController } from './transfers.controller.js';
import { TransfersService } from './transfers.service.js';

@Module({
  imports: [CockroachModule.forFeature([accountsTable, transfersTable])],
  controllers: [AccountsController, TransfersController],
  providers: [TransfersService],
})
export class AccountsModule {}
