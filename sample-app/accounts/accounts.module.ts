import { Module } from '@nestjs/common';
import { CockroachModule } from '../../src';
import { AccountsController } from './accounts.controller';
import { accountsTable, transfersTable } from './accounts.tables';
import { TransfersController } from './transfers.controller';
import { TransfersService } from './transfers.service';

@Module({
  imports: [CockroachModule.forFeature([accountsTable, transfersTable])],
  controllers: [AccountsController, TransfersController],
  providers: [TransfersService],
})
export class AccountsModule {}
