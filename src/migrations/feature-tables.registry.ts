import type { CockroachDatabase } from '../database/cockroach-database.service.js';
import type { AnyTable } from '../schema/table.definition.js';

/** The tables `forFeature` registered on each database, for the start-up schema check. Per database, so apps never mix. */
const featureTables = new WeakMap<CockroachDatabase, Set<AnyTable>>();

/** @internal */
export function registerFeatureTable(db: CockroachDatabase, table: AnyTable): void {
  let tables = featureTables.get(db);
  if (!tables) featureTables.set(db, (tables = new Set()));
  tables.add(table);
}

/** @internal */
export function featureTablesOf(db: CockroachDatabase): AnyTable[] {
  return [...(featureTables.get(db) ?? [])];
}
