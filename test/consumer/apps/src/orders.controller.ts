import { Body, Controller, Get, Post } from '@nestjs/common';
import type { Row } from 'nestjs-cockroachdb';
import { OrdersService } from './orders.service.js';
import type { orders } from './orders.table.js';

@Controller('orders')
export class OrdersController {
  constructor(private readonly ordersService: OrdersService) {}

  @Post()
  place(@Body() body: { item: string; quantity: number }): Promise<Row<typeof orders>> {
    return this.ordersService.place(body.item, body.quantity);
  }

  @Get()
  list(): Promise<Array<Row<typeof orders>>> {
    return this.ordersService.list();
  }
}
