import { BadRequestException, Injectable } from '@nestjs/common';
import { InjectRepository, Repository, Transactional, type Row } from 'nestjs-cockroachdb';
import { orders } from './orders.table.js';

@Injectable()
export class OrdersService {
  constructor(@InjectRepository(orders) private readonly repository: Repository<typeof orders>) {}

  /** Writes the order, then refuses a non-positive quantity: the refusal must roll the write back. */
  @Transactional()
  async place(item: string, quantity: number): Promise<Row<typeof orders>> {
    const order = await this.repository.insert({ item, quantity });
    if (quantity <= 0) throw new BadRequestException('quantity must be positive');
    return order;
  }

  list(): Promise<Array<Row<typeof orders>>> {
    return this.repository.find({ orderBy: { placedAt: 'asc' } });
  }
}
