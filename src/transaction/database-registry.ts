import type { CockroachDatabase } from '../database/cockroach-database.service.js';
import { DEFAULT_CONNECTION_NAME } from '../database/connection-name.js';
import { CockroachError } from '../errors.js';

/**
 * Databases by connection name, so `@Transactional()` — which runs on plain
 * class instances, outside Nest's injector — finds the database to use.
 * The newest open connection of a name wins. A closed one stays listed until
 * a new connection of its name opens, so a call that arrives during or after
 * shutdown is told `DatabaseClosingError` rather than "no connection".
 */
const databases = new Map<string, CockroachDatabase[]>();

export function registerDatabase(db: CockroachDatabase): void {
  const open = (databases.get(db.name) ?? []).filter((existing) => !existing.isClosing);
  databases.set(db.name, [...open, db]);
}

export function databaseNamed(name: string = DEFAULT_CONNECTION_NAME): CockroachDatabase {
  const candidates = databases.get(name) ?? [];
  const db = [...candidates].reverse().find((candidate) => !candidate.isClosing) ?? candidates.at(-1);
  if (!db) {
    throw new CockroachError(
      `@Transactional: no database connection named "${name}" (import CockroachModule.forRoot(${name === DEFAULT_CONNECTION_NAME ? '' : `{ name: '${name}' }`}))`,
    );
  }
  return db;
}
