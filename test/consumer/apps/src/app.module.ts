import { Module, type OnApplicationBootstrap } from '@nestjs/common';
import { CockroachDatabase, CockroachModule } from 'nestjs-cockroachdb';
import { OrdersController } from './orders.controller.js';
import { OrdersService } from './orders.service.js';
import { orders } from './orders.table.js';

@Module({
  imports: [CockroachModule.forRoot({ url: process.env.DATABASE_URL }), CockroachModule.forFeature([orders])],
  controllers: [OrdersController],
  providers: [OrdersService],
})
export class AppModule implements OnApplicationBootstrap {
  constructor(private readonly db: CockroachDatabase) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.db.createTables(orders);
  }
}
