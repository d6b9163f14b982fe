// Compile-time checks of the public types, as a strict consumer sees them.
import type { InsertRow, Row, TransactionOptions } from 'nestjs-cockroachdb';
import { CockroachDatabase, Transactional } from 'nestjs-cockroachdb';
import type { orders } from './orders.table.js';

type IsAny<T> = 0 extends 1 & T ? true : false;
type ExpectFalse<T extends false> = T;
type ExpectTrue<T extends true> = T;

export type RowIsNotAny = ExpectFalse<IsAny<Row<typeof orders>>>;
export type InsertRowIsNotAny = ExpectFalse<IsAny<InsertRow<typeof orders>>>;
export type ItemIsString = ExpectTrue<Row<typeof orders>['item'] extends string ? true : false>;
export type QuantityIsExactString = ExpectTrue<Row<typeof orders>['quantity'] extends string ? true : false>;
export type PlacedAtIsDate = ExpectTrue<Row<typeof orders>['placedAt'] extends Date ? true : false>;
export type IdIsOptionalOnInsert = ExpectTrue<{ item: string; quantity: number } extends InsertRow<typeof orders> ? true : false>;
export type QueryIsTyped = ExpectFalse<IsAny<Awaited<ReturnType<CockroachDatabase['query']>>>>;

// @ts-expect-error `nope` is no column of orders.
export type NoSuchColumn = Row<typeof orders>['nope'];

// @ts-expect-error `maxAttemps` is a typo of maxAttempts.
export const misspelled: TransactionOptions = { maxAttemps: 3 };

export class Reports {
  // @ts-expect-error a synchronous method cannot carry a transaction's outcome.
  @Transactional()
  total(): number {
    return 0;
  }
}
