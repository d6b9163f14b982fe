import { Injectable } from '@nestjs/common';
import { CockroachDatabase, type Dialect, sql, Transactional } from '../../src/index.js';

/**
 * How far back the report reads. On CockroachDB a historical read
 * (`AS OF SYSTEM TIME '-2s'`) takes no locks and never conflicts with the
 * transfers being written now; the price is that the last two seconds of
 * writes are not in it yet.
 */
export const REPORT_AS_OF = '-2s';

export interface BalanceReport {
  dialect: Dialect;
  /** `true` on CockroachDB; on PostgreSQL the report is a read-only transaction on current data. */
  historical: boolean;
  asOfSystemTime: string;
  accounts: Array<{ id: string; owner: string; balance: string }>;
  /** The sum of all balances, exact (a DECIMAL/NUMERIC read as a string). */
  total: string;
  transfers: number;
}

@Injectable()
export class ReportsService {
  constructor(private readonly db: CockroachDatabase) {}

  /**
   * Three statements, one consistent snapshot. On PostgreSQL the library runs
   * this as a read-only transaction on current data and logs once that
   * `asOfSystemTime` has no equivalent there.
   */
  @Transactional({ asOfSystemTime: REPORT_AS_OF })
  async balances(): Promise<BalanceReport> {
    const accounts = await this.db.query<{ id: string; owner: string; balance: string }>(
      sql`SELECT id, owner, balance FROM accounts ORDER BY owner, id`,
    );
    const totals = await this.db.query<{ total: string }>(sql`SELECT COALESCE(SUM(balance), 0) AS total FROM accounts`);
    const transfers = await this.db.query<{ count: string }>(sql`SELECT count(*) AS count FROM transfers`);
    return {
      dialect: this.db.dialect,
      historical: this.db.dialect === 'cockroach',
      asOfSystemTime: REPORT_AS_OF,
      accounts: accounts.rows,
      total: totals.rows[0]!.total,
      transfers: Number(transfers.rows[0]!.count),
    };
  }
}
