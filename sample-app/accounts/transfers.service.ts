import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository, type Repository, type Row, Transactional } from '../../src/index.js';
import { accountsTable, transfersTable } from './accounts.tables.js';

export interface TransferRequest {
  from: string;
  to: string;
  /** Cents, a positive integer. */
  amount: number;
}

export type Transfer = Row<typeof transfersTable>;

@Injectable()
export class TransfersService {
  constructor(
    @InjectRepository(accountsTable) private readonly accounts: Repository<typeof accountsTable>,
    @InjectRepository(transfersTable) private readonly transfers: Repository<typeof transfersTable>,
  ) {}

  /**
   * Moves `amount` between two accounts, or changes nothing.
   *
   * `@Transactional(10, 'high')`: up to 10 attempts, at high priority so that
   * on CockroachDB transfers win conflicts against lower-priority work. When
   * the server asks for a retry (SQLSTATE 40001) the whole method runs again
   * from the top, re-reading both balances, so the check below is never made
   * on stale data. A thrown `ConflictException` rolls everything back.
   */
  @Transactional(10, 'high')
  async transfer({ from, to, amount }: TransferRequest): Promise<Transfer> {
    if (from === to) throw new BadRequestException('"from" and "to" must be different accounts');
    if (amount <= 0) throw new BadRequestException('"amount" must be a positive number of cents');
    const source = await this.accounts.findById(from);
    const target = await this.accounts.findById(to);
    if (!source) throw new NotFoundException(`No account ${from}`);
    if (!target) throw new NotFoundException(`No account ${to}`);
    // INT8 arrives as a string (exact); BigInt keeps the arithmetic exact too.
    const sourceBalance = BigInt(source.balance);
    if (sourceBalance < BigInt(amount)) {
      throw new ConflictException(`Insufficient funds: account ${from} holds ${source.balance}, the transfer needs ${amount}`);
    }
    // Write in a fixed (id) order, so two opposite transfers queue on the same row instead of deadlocking.
    const updates = [
      { id: from, balance: sourceBalance - BigInt(amount) },
      { id: to, balance: BigInt(target.balance) + BigInt(amount) },
    ].sort((a, b) => (a.id < b.id ? -1 : 1));
    for (const { id, balance } of updates) await this.accounts.update({ id }, { balance });
    return this.transfers.insert({ source: from, target: to, amount });
  }
}
