import { Injectable, type OnModuleInit } from '@nestjs/common';
import { CockroachDatabase } from '../../src/index.js';
import { accountsTable, transfersTable } from '../accounts/accounts.tables.js';
import { todosTable } from '../todos/todos.table.js';
import { loginTokensTable, usersTable } from '../users/users.tables.js';

export const SAMPLE_TABLES = [accountsTable, transfersTable, usersTable, loginTokensTable, todosTable];

/**
 * Creates the sample's tables (and their indexes) when the app starts, before
 * it takes requests. `createTables` is idempotent, so restarts are harmless.
 * A real app would run migrations instead.
 */
@Injectable()
export class SchemaSetup implements OnModuleInit {
  constructor(private readonly db: CockroachDatabase) {}

  async onModuleInit(): Promise<void> {
    await this.db.createTables(...SAMPLE_TABLES);
  }
}
