import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { checkDatabaseHealth, CockroachDatabase, type DatabaseHealth } from '../../src/index.js';

@Controller('health')
export class HealthController {
  constructor(private readonly db: CockroachDatabase) {}

  /** Dialect, server version and pool figures; 503 when the database does not answer. */
  @Get()
  async health(): Promise<DatabaseHealth> {
    const health = await checkDatabaseHealth(this.db);
    if (health.status === 'down') throw new ServiceUnavailableException(health);
    return health;
  }
}
