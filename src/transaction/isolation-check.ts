import type { QueryResult } from 'pg';
import type { ServerInfo } from '../connection/server-info.js';
import { UnsupportedFeatureError } from '../errors.js';
import type { ResolvedTransactionOptions } from './transaction-options.js';

/**
 * CockroachDB before 23.2 has no READ COMMITTED at all: it runs such a
 * request as SERIALIZABLE without an error. Refused before any SQL, so a
 * caller never believes a transaction runs at an isolation it does not.
 */
export function checkIsolationSupported(options: ResolvedTransactionOptions, server: ServerInfo): void {
  if (options.isolation !== 'read committed' || server.dialect !== 'cockroach') return;
  const { major, minor } = server.version;
  if (major > 23 || (major === 23 && minor >= 2)) return;
  throw new UnsupportedFeatureError(
    `CockroachDB ${major}.${minor} has no READ COMMITTED isolation (it would run the transaction as SERIALIZABLE); ` +
      `it needs CockroachDB 23.2 or later (24.1 or later to have it on by default)`,
  );
}

/**
 * From 23.2 CockroachDB runs READ COMMITTED only when the cluster allows it
 * (`sql.txn.read_committed_isolation.enabled`, off by default on 23.2) and
 * otherwise upgrades it silently to SERIALIZABLE. The opening batch ends with
 * `SHOW transaction_isolation`; this reads its answer and refuses a
 * transaction that did not get what was asked for.
 */
export function checkIsolation(opened: QueryResult | QueryResult[], options: ResolvedTransactionOptions, server: ServerInfo): void {
  if (options.isolation === 'serializable') return;
  const last = Array.isArray(opened) ? opened[opened.length - 1] : opened;
  const actual = (last?.rows[0] as { transaction_isolation?: unknown } | undefined)?.transaction_isolation;
  if (actual === options.isolation) return;
  const setting =
    server.dialect === 'cockroach'
      ? ' Enable it with SET CLUSTER SETTING sql.txn.read_committed_isolation.enabled = true (it also needs a licence that allows it), or ask for isolation: \'serializable\'.'
      : '';
  throw new UnsupportedFeatureError(
    `Asked for ${options.isolation.toUpperCase()} isolation, but the server (${server.versionString.split(' (')[0]}) runs the transaction as ${String(actual).toUpperCase()}.${setting}`,
  );
}
