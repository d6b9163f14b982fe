import { DEFAULT_CONNECTION_NAME } from '../connection/connection-name.js';
import { CockroachError, ConfigurationError } from '../errors.js';
import { boundDatabase } from './application-binding.js';
import type { TransactionHost } from './transaction-host.js';

/**
 * Open databases by connection name, for `@Transactional` methods of
 * instances Nest did not create (a script's `new ReportService(db)`), which
 * no application binds. A closed database stays listed until a new one of
 * its name opens, so a late call is told `DatabaseClosingError` rather than
 * "no connection".
 */
const databases = new Map<string, TransactionHost[]>();

export function registerDatabase(host: TransactionHost): void {
  const open = (databases.get(host.name) ?? []).filter((existing) => !existing.gate.isClosing);
  databases.set(host.name, [...open, host]);
}

/** The testing kit's stand-ins (`createDatabaseStandIn`): they never connect, so any one of a name does what another would. */
const standIns = new WeakSet<TransactionHost>();

/**
 * Lists `db`, a stand-in, in place of the stand-ins of its name listed so far
 * (a unit test that compiles a testing module per test and never closes them
 * leaves one behind each time): stand-ins are interchangeable, so they never
 * make the choice ambiguous among themselves. A real database of the same
 * name still does: which of the two to use is then a guess this never makes.
 */
export function registerStandIn(host: TransactionHost): void {
  standIns.add(host);
  const others = (databases.get(host.name) ?? []).filter((existing) => existing !== host && !existing.gate.isClosing && !standIns.has(existing));
  databases.set(host.name, [...others, host]);
}

/**
 * The database a `@Transactional` method of `instance` runs on: its
 * application's, when Nest created the instance; otherwise the only open
 * database of that name. Never a guess between several.
 */
export function databaseFor(instance: unknown, name: string = DEFAULT_CONNECTION_NAME, methodName: string): TransactionHost {
  const bound = boundDatabase(instance, name);
  if (bound) return bound;
  const candidates = databases.get(name) ?? [];
  // The common case, one database of the name and open, without allocating: this runs on every call.
  if (candidates.length === 1 && !candidates[0]!.gate.isClosing) return candidates[0]!;
  const open = candidates.filter((candidate) => !candidate.gate.isClosing);
  if (open.length === 1) return open[0]!;
  if (open.length > 1) {
    throw new ConfigurationError(
      '@Transactional',
      `${methodName} cannot tell which database to use`,
      `@Transactional: ${methodName} was called on an instance that no Nest application created, and ${open.length} databases ` +
        `named "${name}" are open in this process, so which one to use is ambiguous. Get the instance from its application ` +
        `(app.get(${methodName.split('.')[0]})) so it runs on that application's database, or open only one database of that name.`,
    );
  }
  const closed = candidates.at(-1);
  if (closed) return closed;
  throw new CockroachError(
    `@Transactional: no database connection named "${name}" (import CockroachModule.forRoot(${name === DEFAULT_CONNECTION_NAME ? '' : `{ name: '${name}' }`}), or call TransactionHost.connect() first in a script)`,
  );
}
