import { AsyncLocalStorage } from 'node:async_hooks';
import type { PoolClient, QueryResult as PgQueryResult } from 'pg';
import type { QueryResult } from '../connection/queryable.js';
import type { StatementAnswer } from '../connection/statement-answer.js';
import type { StatementLimits } from '../connection/statement-deadline.js';
import type { TransactionHost } from './transaction-host.js';
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
  pendingBegin: StatementAnswer | undefined;
  private savepoints = 0;

  constructor(
    readonly host: TransactionHost,
    readonly client: PoolClient,
    readonly options: ResolvedTransactionOptions,
    readonly attempt: number,
    /** Deadlines of this transaction's statements: the module's, unless it has its own `statementTimeoutMs`. */
    readonly limits: StatementLimits = host.limits,
  ) {}

  nextSavepointName(): string {
    return `atomic_${++this.savepoints}`;
  }
}

/** Active transactions of the current async call chain, one per database. */
interface TransactionScope {
  readonly byHost: ReadonlyMap<TransactionHost, TransactionContext>;
  /** The innermost transaction, whichever database it is on (for `afterCommit`). */
  readonly innermost: TransactionContext;
}

const storage = new AsyncLocalStorage<TransactionScope>();

export function activeTransaction(host: TransactionHost): TransactionContext | undefined {
  return storage.getStore()?.byHost.get(host);
}

export function innermostTransaction(): TransactionContext | undefined {
  return storage.getStore()?.innermost;
}

/** Runs `body` with `context` as the active transaction of its database. */
export function runInTransaction<T>(context: TransactionContext, body: () => T): T {
  const outer = storage.getStore()?.byHost ?? new Map();
  const byHost = new Map(outer);
  byHost.set(context.host, context);
  return storage.run({ byHost, innermost: context }, body);
}

/** Runs `body` outside any transaction of `host` (for `propagation: 'requiresNew'`). */
export function runOutsideTransaction<T>(host: TransactionHost, body: () => T): T {
  const scope = storage.getStore();
  if (!scope?.byHost.has(host)) return body();
  const byHost = new Map(scope.byHost);
  byHost.delete(host);
  const innermost = [...byHost.values()].pop();
  return innermost ? storage.run({ byHost, innermost }, body) : storage.exit(body);
}

/**
 * A statement of the caller inside its transaction, on the transaction's
 * connection. A failure is remembered on the context, so the owner cannot
 * commit over it if the caller swallows it.
 */
export async function queryInTransaction<TRow>(transaction: TransactionContext, text: string, values: readonly unknown[]): Promise<QueryResult<TRow>> {
  const pendingBegin = transaction.pendingBegin;
  transaction.pendingBegin = undefined;
  let result: PgQueryResult | undefined;
  let failed = false;
  let failure: unknown;
  try {
    result = (await transaction.host.channel.send(transaction.client, text, values, transaction.limits.statement)) as PgQueryResult;
  } catch (error) {
    failed = true;
    failure = error;
  }
  if (pendingBegin !== undefined) {
    // The transaction's first statement went out right behind its BEGIN, whose answer came first. If BEGIN
    // failed, the transaction never opened: the caller gets that failure, never this statement's result.
    if (!pendingBegin.settled) await pendingBegin.whenSettled();
    if (pendingBegin.failed) {
      failed = true;
      failure = pendingBegin.error;
    }
  }
  if (failed) {
    transaction.swallowedError ??= failure;
    throw failure;
  }
  return { rows: result!.rows as TRow[], rowCount: result!.rowCount };
}
