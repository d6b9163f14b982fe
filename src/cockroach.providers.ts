import type { Provider } from '@nestjs/common';
import { getDatabaseToken, getRepositoryToken } from './cockroach.constants.js';
import type { CockroachDatabase } from './database/cockroach-database.service.js';
import { registerFeatureTable } from './migrations/feature-tables.registry.js';
import { Repository } from './repository/table.repository.js';
import type { AnyTable } from './schema/table.definition.js';

/** One `Repository` provider per table, each built on the named connection's database. */
export function createRepositoryProviders(tables: readonly AnyTable[], connectionName?: string): Provider[] {
  return tables.map((table) => ({
    provide: getRepositoryToken(table, connectionName),
    useFactory: (db: CockroachDatabase) => {
      registerFeatureTable(db, table);
      return new Repository(db, table);
    },
    inject: [getDatabaseToken(connectionName)],
  }));
}
