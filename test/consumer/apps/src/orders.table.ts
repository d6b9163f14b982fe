import { defineTable, int, text, timestamptz, uuidKey } from 'nestjs-cockroachdb';

export const orders = defineTable('orders', {
  id: uuidKey(),
  item: text(),
  quantity: int(),
  placedAt: timestamptz().defaultSql('now()'),
});
