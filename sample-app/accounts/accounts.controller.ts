import { Body, Controller, Get, NotFoundException, Param, Post } from '@nestjs/common';
import { InjectRepository, type Repository, type Row } from '../../src/index.js';
import { requireObject, requireString } from '../common/request-body.js';
import { accountsTable } from './accounts.tables.js';

type Account = Row<typeof accountsTable>;

/** Plain reads and inserts need no service: the controller uses the repository directly. */
@Controller('accounts')
export class AccountsController {
  constructor(@InjectRepository(accountsTable) private readonly accounts: Repository<typeof accountsTable>) {}

  /** `{ "owner": "alice", "balance": 10000 }`, optionally with your own `"id"` (a UUID). */
  @Post()
  create(@Body() body: unknown): Promise<Account> {
    const fields = requireObject(body);
    return this.accounts.insert({
      owner: requireString(fields, 'owner'),
      // Passed through as sent: the repository refuses anything that is not an INT8 or a UUID (HTTP 400).
      ...(fields.balance !== undefined && { balance: fields.balance as number }),
      ...(fields.id !== undefined && { id: fields.id as string }),
    });
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
