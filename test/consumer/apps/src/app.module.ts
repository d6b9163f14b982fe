import { Module, type OnApplicationBootstrap } from '@nestjs/common';
import { CockroachDatabase, CockroachModule } from 'nestjs-cockroachdb';
import { OrdersController } from './orders.controller.js';
import { OrdersService } from './orders.service.js';
import { NotesService } from './notes.service.js';
import { notes, notesFeature } from './notes.table.js';
import { orders } from './orders.table.js';

@Module({
  imports: [CockroachModule.forRoot({ url: process.env.DATABASE_URL }), CockroachModule.forFeature([orders]), notesFeature],
  controllers: [OrdersController],
  providers: [OrdersService, NotesService],
})
export class AppModule implements OnApplicationBootstrap {
  constructor(private readonly db: CockroachDatabase) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.db.createTables(orders, notes);
  }
}
