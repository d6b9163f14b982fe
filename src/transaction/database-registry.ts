import type { CockroachDatabase } from '../database/cockroach-database.service';
import { DEFAULT_CONNECTION_NAME } from '../database/options.resolver';
import { CockroachError } from '../errors';

/**
 * Open databases by connection name, so `@Transactional()` — which runs on
 * plain class instances, outside Nest's injector — finds the database to use.
 * The newest connection of a name wins; closing removes it.
 */
const databases = new Map<string, CockroachDatabase>();

export function registerDatabase(db: CockroachDatabase): void {
  databases.set(db.name, db);
}

export function unregisterDatabase(db: CockroachDatabase): void {
  if (databases.get(db.name) === db) databases.delete(db.name);
}

export function databaseNamed(name: string = DEFAULT_CONNECTION_NAME): CockroachDatabase {
  const db = databases.get(name);
  if (!db) {
    throw new CockroachError(
      `@Transactional: no open database connection named "${name}" (import CockroachModule.forRoot(${name === DEFAULT_CONNECTION_NAME ? '' : `{ name: '${name}' }`}))`,
    );
  }
  return db;
}
