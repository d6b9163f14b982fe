import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { CockroachHealthIndicator } from '../../src/terminus/index.js';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly cockroach: CockroachHealthIndicator,
  ) {}

  /** 200 when the database answers `SELECT 1` within a second; 503 with `database` down otherwise. */
  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check([() => this.cockroach.pingCheck('database', { timeoutMs: 1000 })]);
  }
}
