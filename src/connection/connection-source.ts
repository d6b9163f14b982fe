import type { PoolClient } from 'pg';

/**
 * Where the transaction engine and `db.query` get their connections. The pool
 * is one source; the testing kit's pinned connection is another: every
 * connection it hands out is inside a transaction that is already open, so an
 * owned transaction there becomes a savepoint of it (`nestedProtocol`).
 */
export interface ConnectionSource {
  acquire(): Promise<PoolClient>;
  /** `discard`: the connection failed mid-protocol and must not be reused. */
  release(client: PoolClient, discard?: boolean): void;
  /** Set when connections come inside an open transaction: the statements an owned transaction sends instead of BEGIN/COMMIT. */
  nestedProtocol?(): TransactionProtocol;
  /**
   * Set when connections come inside an open transaction: the savepoint that
   * frames each statement run outside an owned transaction, so that one that
   * fails undoes only itself, as on a connection of its own, instead of
   * aborting the open transaction for every statement after it.
   */
  readonly statementProtocol?: TransactionProtocol;
  /**
   * Set when the source has one connection: a transaction that holds it
   * leaves none for an independent one (`propagation: 'requiresNew'`), which
   * is refused rather than left waiting for its own caller.
   */
  readonly oneConnection?: boolean;
  /** Called as the database closes, before its pool ends: gives back any connection the source still holds. */
  end?(): void;
}

/**
 * The statements that frame one owned transaction, chosen once before its
 * first attempt: BEGIN/COMMIT on a connection of its own, a savepoint on a
 * connection that already holds a transaction open (the testing kit).
 */
export interface TransactionProtocol {
  readonly begin: string;
  readonly commit: string;
  readonly rollback: string;
  /** Undoes an attempt but keeps the transaction open (and its place in line); `undefined` when a retry must roll back and begin afresh. */
  readonly restart: string | undefined;
  /** A failed `commit` ends the transaction (plain COMMIT); a failed RELEASE leaves it open to roll back. */
  readonly failedCommitEnds: boolean;
  /**
   * The body's first statement may go out right behind `begin`, before its
   * answer (see `pipelinesBegin` in transaction-statements.ts): `begin` can only fail with the connection,
   * or leave a transaction open (and aborted) behind it.
   */
  readonly pipelinesBegin: boolean;
}
