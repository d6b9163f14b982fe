import { Body, Controller, Get, NotFoundException, Param, Post } from '@nestjs/common';
import { InjectRepository, validBody, type InsertRow, type Repository, type Row } from '../../src/index.js';
import { accountsTable } from './accounts.tables.js';

type Account = Row<typeof accountsTable>;

/** Plain reads and inserts need no service: the controller uses the repository directly. */
@Controller('accounts')
export class AccountsController {
  constructor(@InjectRepository(accountsTable) private readonly accounts: Repository<typeof accountsTable>) {}

  /**
   * `{ "owner": "alice", "balance": 10000 }`, optionally with your own `"id"`
   * (a UUID). The body is checked against the table's columns before the
   * handler runs (`accountsTable.schemas.insert`): a wrong one is a 400.
   */
  @Post()
  create(@Body(validBody(accountsTable, 'insert')) body: InsertRow<typeof accountsTable>): Promise<Account> {
    return this.accounts.insert(body);
  }

  @Get()
  list(): Promise<Account[]> {
    return this.accounts.find({ orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  @Get(':id')
  async get(@Param('id') id: string): Promise<Account> {
    const account = await this.accounts.findById(id);
    if (!account) throw new NotFoundException(`No account ${id}`);
    return account;
  }
}
