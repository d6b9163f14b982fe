import type { CockroachDatabase, Dialect, QueryEvent, Repository } from '../../../src/index.js';
import type { accounts, ledger, memberships } from './fixtures.js';

/** What every row's bad call can reach: a seeded database whose every statement is recorded. */
export interface BadInputEnv {
  /** Connected with `onQuery: record`, so every statement it sends is counted. */
  readonly db: CockroachDatabase;
  readonly accounts: Repository<typeof accounts>;
  readonly ledger: Repository<typeof ledger>;
  readonly memberships: Repository<typeof memberships>;
  /** The `onQuery` hook of `db`: give it to any other connection a row opens, so its statements count too. */
  readonly record: (event: QueryEvent) => void;
  /**
   * A `postgresql://` URL to a listener that counts TCP connections and speaks
   * no protocol: module options that should fail before any connection point here.
   */
  readonly sentinelUrl: string;
}

/** The error a row must produce: its exact class, the fields that locate the problem, and a fragment of its message. */
export type ExpectedError =
  | { readonly kind: 'ConfigurationError'; readonly option: string; readonly message: string }
  | {
      readonly kind: 'ValidationError';
      readonly table: string | undefined;
      readonly column: string | undefined;
      readonly message: string;
    }
  | { readonly kind: 'TransactionalMethodError'; readonly method: string; readonly message: string }
  | {
      readonly kind: 'NestedTransactionError' | 'UnsupportedFeatureError' | 'TransactionRequiredError' | 'CockroachError';
      readonly message: string;
    }
  | { readonly kind: 'InvalidCursorError'; readonly table: string; readonly message: string };

export interface BadInput {
  readonly name: string;
  /** Performs the bad call; it may throw or return a promise that rejects. */
  readonly call: (env: BadInputEnv) => unknown;
  /**
   * Runs `badCall` inside an outer transaction (the nesting rules). Only the
   * statements sent during `badCall` itself are held to `sends`.
   */
  readonly inside?: (env: BadInputEnv, badCall: () => Promise<void>) => Promise<unknown>;
  readonly expected: ExpectedError;
  /**
   * What the bad call may send: `'nothing'` (the default — the library
   * promises validation before SQL), or only `'transaction-control'` for what
   * can only be found out by running the method (it returned synchronously).
   */
  readonly sends?: 'nothing' | 'transaction-control';
  /** Only on this dialect; reported as skipped on the other. */
  readonly dialect?: Dialect;
  /** A secret the error message must not contain. */
  readonly secret?: string;
}

export const configurationError = (option: string, message: string): ExpectedError => ({ kind: 'ConfigurationError', option, message });

export const validationError = (table: string | undefined, column: string | undefined, message: string): ExpectedError => ({
  kind: 'ValidationError',
  table,
  column,
  message,
});

/** A `@Transactional` method that cannot carry a transaction: the message names the method, never an "option". */
export const transactionalMethodError = (method: string, message: string): ExpectedError => ({ kind: 'TransactionalMethodError', method, message });

export const nestedTransactionError = (message: string): ExpectedError => ({ kind: 'NestedTransactionError', message });

export const unsupportedFeatureError = (message: string): ExpectedError => ({ kind: 'UnsupportedFeatureError', message });

/** The base class itself, for the few refusals that have no more specific one. */
export const cockroachError = (message: string): ExpectedError => ({ kind: 'CockroachError', message });

export const transactionRequiredError = (message: string): ExpectedError => ({ kind: 'TransactionRequiredError', message });

export const invalidCursorError = (table: string, message: string): ExpectedError => ({ kind: 'InvalidCursorError', table, message });
