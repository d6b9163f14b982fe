import { AsyncLocalStorage } from 'node:async_hooks';
import type { PoolClient } from 'pg';
import type { CockroachDatabase } from '../database/cockroach-database.service.js';
import type { StatementLimits } from '../connection/statement-deadline.js';
import type { StatementAnswer } from '../connection/statement-answer.js';
import type { ResolvedTransactionOptions } from './transaction-options.js';

/**
 * One attempt of one transaction: the connection it holds and what happened
 * on it. A retry gets a fresh context, so hooks and failures of a failed
 * attempt never leak into the next one.
 */
export class TransactionContext {
  /** A statement failed and the body did not let the error escape (cleared by an `atomic()` rollback). */
  swallowedError: unknown;
  readonly afterCommit: Array<() => unknown> = [];
  /**
   * BEGIN, still unanswered, when the body started right behind it: the first
   * statement waits for its answer before reporting its own (see `pipelinesBegin`).
   */
  opening: StatementAnswer | undefined;
  private savepoints = 0;

  constructor(
    readonly db: CockroachDatabase,
    readonly client: PoolClient,
    readonly options: ResolvedTransactionOptions,
    readonly attempt: number,
    /** Deadlines of this transaction's statements: the module's, unless it has its own `statementTimeoutMs`. */
    readonly limits: StatementLimits = db.limits,
  ) {}

  nextSavepointName(): string {
    return `atomic_${++this.savepoints}`;
  }
}

/** Active transactions of the current async call chain, one per database. */
interface TransactionScope {
  readonly byDatabase: ReadonlyMap<CockroachDatabase, TransactionContext>;
  /** The innermost transaction, whichever database it is on (for `afterCommit`). */
  readonly innermost: TransactionContext;
}

const storage = new AsyncLocalStorage<TransactionScope>();

export function activeTransaction(db: CockroachDatabase): TransactionContext | undefined {
  return storage.getStore()?.byDatabase.get(db);
}

export function innermostTransaction(): TransactionContext | undefined {
  return storage.getStore()?.innermost;
}

/** Runs `body` with `context` as the active transaction of its database. */
export function runInTransaction<T>(context: TransactionContext, body: () => T): T {
  const outer = storage.getStore()?.byDatabase ?? new Map();
  const byDatabase = new Map(outer);
  byDatabase.set(context.db, context);
  return storage.run({ byDatabase, innermost: context }, body);
}

/** Runs `body` outside any transaction of `db` (for `propagation: 'requiresNew'`). */
export function runOutsideTransaction<T>(db: CockroachDatabase, body: () => T): T {
  const scope = storage.getStore();
  if (!scope?.byDatabase.has(db)) return body();
  const byDatabase = new Map(scope.byDatabase);
  byDatabase.delete(db);
  const innermost = [...byDatabase.values()].pop();
  return innermost ? storage.run({ byDatabase, innermost }, body) : storage.exit(body);
}
