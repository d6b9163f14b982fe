import { Controller, Get } from '@nestjs/common';
import { type BalanceReport, ReportsService } from './reports.service.js';

@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('balances')
  balances(): Promise<BalanceReport> {
    return this.reports.balances();
  }
}
