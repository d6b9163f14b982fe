import { randomBytes } from 'node:crypto';
import pg from 'pg';

const { Client, escapeIdentifier } = pg;

export const SERVER_URL_ENV = 'NESTJS_COCKROACHDB_TEST_SERVER_URL';
/** The run's `ServerKind`, for specs that only make sense on one kind of server. */
export const SERVER_KIND_ENV = 'NESTJS_COCKROACHDB_TEST_SERVER_KIND';

/** A fresh database on the run's server, so test files never share tables. */
export interface TestDatabase {
  /** URL of the fresh database, as the superuser. */
  url: string;
  name: string;
  dialect: 'cockroach' | 'postgres';
  /** Runs one statement outside the code under test (setup, probing, sabotage). */
  admin<T extends Record<string, unknown> = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

export function serverUrl(): string {
  const url = process.env[SERVER_URL_ENV];
  if (!url) {
    throw new Error(`${SERVER_URL_ENV} is not set: run the suite with \`npm test\`, which starts the database server`);
  }
  return url;
}

/** What kind of server the run started; undefined outside `npm test`. */
export function serverKind(): string | undefined {
  return process.env[SERVER_KIND_ENV];
}

export async function createTestDatabase(prefix = 'test'): Promise<TestDatabase> {
  const root = new Client({ connectionString: serverUrl() });
  await root.connect();
  const { rows } = await root.query<{ version: string }>('SELECT version() AS version');
  const dialect = rows[0]!.version.startsWith('CockroachDB') ? 'cockroach' : 'postgres';
  const name = `${prefix}_${randomBytes(5).toString('hex')}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  await root.query(`CREATE DATABASE ${escapeIdentifier(name)}`);
  await root.end();

  const url = withDatabase(serverUrl(), name);
  const admin = new Client({ connectionString: url, application_name: 'test-admin' });
  admin.on('error', () => undefined);
  await admin.connect();
  return {
    url,
    name,
    dialect,
    admin: async (text, params) => (await admin.query(text, params)).rows,
    drop: async () => {
      await admin.end().catch(() => undefined);
      const cleaner = new Client({ connectionString: serverUrl() });
      await cleaner.connect();
      const force = dialect === 'postgres' ? ' WITH (FORCE)' : ' CASCADE';
      await cleaner.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(name)}${force}`);
      await cleaner.end();
    },
  };
}

/** The same server URL pointing at another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
