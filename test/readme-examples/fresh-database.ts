import pg from 'pg';
import { serverUrl, withDatabase } from '../support/test-database.js';

/** A new, empty database on the test run's server; no connection is left open (the examples' processes must exit by themselves). */
export async function freshDatabaseUrl(prefix: string): Promise<string> {
  const name = `${prefix}_${process.pid}_${Date.now()}`;
  const root = new pg.Client({ connectionString: serverUrl() });
  await root.connect();
  try {
    await root.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await root.end();
  }
  return withDatabase(serverUrl(), name);
}
