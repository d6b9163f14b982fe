import { Logger } from '@nestjs/common';
import type { PoolClient, QueryResult } from 'pg';
import { CockroachDatabase } from '../database/cockroach-database.service.js';
import { ConnectionPool } from '../connection/connection.pool.js';
import type { ConnectionSource, TransactionProtocol } from '../connection/connection-source.js';
import { resolveOptions } from '../database/options.resolver.js';
import { parseServerVersion } from '../connection/server-info.js';
import { CockroachError } from '../errors.js';
import { registerStandIn } from '../transaction/database-registry.js';
import { nestedProtocol } from '../transaction/transaction-statements.js';

export interface DatabaseStandInOptions {
  /** The connection name the code under test uses (default: the default connection). */
  name?: string;
}

/** The statements the stand-in answers: only the framing of an owned transaction. */
const FRAMING = /^(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT) test_transaction_\d+(; RELEASE SAVEPOINT test_transaction_\d+)?$/;

/**
 * A connection that is no connection: it acknowledges the savepoints that
 * frame an owned transaction and refuses every other statement, naming it, so
 * a unit test that forgot to mock a repository fails clearly instead of
 * reaching for a server.
 */
class NoDatabase implements ConnectionSource {
  private savepoints = 0;
  private readonly client = {
    // Both of pg's forms: a promise, or a callback (the engine's statement deadlines use the callback).
    query: (query: string | { text: string }, values?: unknown, callback?: (error: Error | undefined, result?: QueryResult) => void) => {
      const text = typeof query === 'string' ? query : query.text;
      const answer = FRAMING.test(text)
        ? Promise.resolve<QueryResult>({ command: text.split(' ')[0]!, rows: [], rowCount: null, oid: 0, fields: [] })
        : Promise.reject(new CockroachError(`This test has no database (createDatabaseStandIn): mock what runs "${text}"`));
      const done = typeof callback === 'function' ? callback : typeof values === 'function' ? (values as unknown as typeof callback) : undefined;
      if (!done) return answer;
      answer.then((result) => done(undefined, result), (error: Error) => done(error));
      return undefined;
    },
  } as unknown as PoolClient;

  async acquire(): Promise<PoolClient> {
    return this.client;
  }

  release(): void {}

  nestedProtocol(): TransactionProtocol {
    return nestedProtocol(`test_transaction_${++this.savepoints}`);
  }
}

/**
 * A `CockroachDatabase` for unit tests with no database at all (repositories
 * mocked): `@Transactional` methods, `transaction()` and `runTransaction()` run
 * their body once and then its `afterCommit` hooks; a failing body runs none.
 * Any real statement is refused with an error that names it.
 * Provide it as `{ provide: getDatabaseToken(), useValue: createDatabaseStandIn() }`.
 *
 * One per test needs no closing: a stand-in does what any other of its name
 * would, so `@Transactional` methods find the newest one instead of seeing
 * several databases of one name (ambiguous) — unless a real database of that
 * name is open in the same process too, which stays ambiguous.
 */
export function createDatabaseStandIn(options: DatabaseStandInOptions = {}): CockroachDatabase {
  const resolved = resolveOptions(options.name === undefined ? {} : { name: options.name });
  const logger = new Logger('CockroachModule');
  const db = new CockroachDatabase(resolved, new ConnectionPool(resolved, logger), parseServerVersion('PostgreSQL 16.0 (no database: test stand-in)'), logger);
  db.host.pinConnections(new NoDatabase());
  registerStandIn(db.host);
  return db;
}
