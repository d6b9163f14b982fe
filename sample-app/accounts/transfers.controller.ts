import { Body, Controller, Get, Post } from '@nestjs/common';
import { InjectRepository, validBody, type InsertRow, type Repository } from '../../src/index.js';
import { transfersTable } from './accounts.tables.js';
import { transferRequest } from './transfer-request.schema.js';
import { type Transfer, TransfersService } from './transfers.service.js';

@Controller('transfers')
export class TransfersController {
  constructor(
    private readonly transfersService: TransfersService,
    @InjectRepository(transfersTable) private readonly transfers: Repository<typeof transfersTable>,
  ) {}

  /**
   * `{ "from": "<account id>", "to": "<account id>", "amount": 2500 }` → 201 with
   * the transfer; 409 on insufficient funds (nothing changed); 404 for an
   * unknown account; 503 if contention outlasted every retry.
   */
  @Post()
  create(@Body(validBody(transferRequest, 'insert')) body: InsertRow<typeof transferRequest>): Promise<Transfer> {
    return this.transfersService.transfer(body);
  }

  /** The 50 latest transfers, newest first. */
  @Get()
  recent(): Promise<Transfer[]> {
    return this.transfers.find({ orderBy: { createdAt: 'desc', id: 'desc' }, limit: 50 });
  }
}
