import type { PoolClient } from 'pg';
import type { ConnectionSource, TransactionProtocol } from '../connection/connection-source.js';
import { CockroachError } from '../errors.js';
import { nestedProtocol } from '../transaction/transaction-statements.js';

/** CockroachDB's switch that fails each statement of a transaction with a retry error until it has restarted three times. */
export const INJECT_RETRY_ERRORS = {
  on: 'SET inject_retry_errors_enabled = true',
  off: 'SET inject_retry_errors_enabled = false',
};

/**
 * The testing kit's connection source: one connection, inside the test's
 * transaction, handed to one user at a time. An owned transaction holds it
 * from its savepoint to its release, so owners that run concurrently (two
 * HTTP requests) queue instead of interleaving their statements; a plain
 * query outside any transaction takes its turn the same way, in a savepoint
 * of its own so that its failure does not abort the test transaction.
 */
export class PinnedConnection implements ConnectionSource {
  private held = false;
  private readonly waiting: Array<() => void> = [];
  private savepoints = 0;
  private lost: unknown;
  private returned = false;
  readonly oneConnection = true;
  /** Statements outside any owned transaction take turns too, so one savepoint name serves them all. */
  readonly statementProtocol = nestedProtocol('test_statement');

  /**
   * The transaction status the server reported with its last ReadyForQuery
   * ('I' idle, 'T' in a transaction, 'E' in a failed one); `undefined` until
   * the first statement after BEGIN. pg documents no way to ask, so this
   * listens to the protocol message on the client's connection.
   */
  private serverStatus: string | undefined;
  private readonly onReadyForQuery = (message: { status?: unknown }): void => {
    if (typeof message?.status === 'string') this.serverStatus = message.status;
  };

  constructor(
    readonly client: PoolClient,
    private readonly injectRetryErrors: boolean,
    private readonly giveBack: (client: PoolClient, discard: boolean) => void,
  ) {
    (client as PoolClient | undefined)?.connection?.on('readyForQuery', this.onReadyForQuery);
  }

  /** The server said its session is outside any transaction: the test transaction was ended by a statement on it. */
  get transactionEnded(): boolean {
    return this.serverStatus === 'I';
  }

  async acquire(): Promise<PoolClient> {
    if (this.held) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.held = true;
    if (this.lost !== undefined) {
      this.release(this.client);
      throw new CockroachError('The test transaction’s connection was lost; nothing more can run in it', { cause: this.lost });
    }
    return this.client;
  }

  release(_client: PoolClient, discard = false): void {
    if (discard) this.lost ??= new Error('connection failed mid-protocol');
    const next = this.waiting.shift();
    if (next) next();
    else this.held = false;
  }

  nestedProtocol(): TransactionProtocol {
    const savepoint = `test_transaction_${++this.savepoints}`;
    return nestedProtocol(savepoint, this.injectRetryErrors ? { begin: INJECT_RETRY_ERRORS.on, end: INJECT_RETRY_ERRORS.off } : {});
  }

  /** Gives the connection back to the pool, once; a discarded one takes the open test transaction with it. */
  returnToPool(discard: boolean): void {
    if (this.returned) return;
    this.returned = true;
    (this.client as PoolClient | undefined)?.connection?.off('readyForQuery', this.onReadyForQuery);
    this.giveBack(this.client, discard);
  }

  /** The database is closing with the test transaction still open: the server rolls it back as the connection closes. */
  end(): void {
    this.lost ??= new Error('the database was closed during the test transaction');
    this.returnToPool(true);
  }

  get isLost(): boolean {
    return this.lost !== undefined;
  }
}
