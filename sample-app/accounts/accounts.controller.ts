import { Body, Controller, Get, NotFoundException, Param, Post } from '@nestjs/common';
import { InjectRepository, insertSchema, type InsertPick, type Repository, type Row } from '../../src/index.js';
import { validBody } from '../common/validated-body.js';
import { accountsTable } from './accounts.tables.js';

type Account = Row<typeof accountsTable>;

/** `POST /accounts`: owner, balance and, if the client wants, its own id; `createdAt` is the server's. */
const NEW_ACCOUNT = insertSchema(accountsTable, { pick: ['id', 'owner', 'balance'] });

/** Plain reads and inserts need no service: the controller uses the repository directly. */
@Controller('accounts')
export class AccountsController {
  constructor(@InjectRepository(accountsTable) private readonly accounts: Repository<typeof accountsTable>) {}

  /**
   * `{ "owner": "alice", "balance": 10000 }`, optionally with your own `"id"`
   * (a UUID). The body is checked against the table's columns before the
   * handler runs: a wrong one is a 400. `table.schemas.insert` refuses a
   * generated key, so the schema picks `id` explicitly to let clients choose one.
   */
  @Post()
  create(@Body(validBody(accountsTable, NEW_ACCOUNT)) body: InsertPick<typeof accountsTable, 'id' | 'owner' | 'balance'>): Promise<Account> {
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
