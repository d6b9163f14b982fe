import type { PoolClient } from 'pg';
import type { TransactionProtocol } from '../transaction/transaction-statements.js';

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
