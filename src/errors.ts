/**
 * Every error this library throws on purpose extends `CockroachError`, so a
 * caller can tell "the library refused or gave up" from a raw driver error
 * with one `instanceof`. Each subclass names one situation a caller must
 * handle differently (the cockroach-go `crdb` package's lesson).
 */
export class CockroachError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An option passed to the module, the service or a decorator is invalid. */
export class ConfigurationError extends CockroachError {
  constructor(
    /** The option's path, e.g. `pool.max` or `retry.maxAttempts`. */
    readonly option: string,
    problem: string,
    message = `Invalid option "${option}": ${problem}`,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A `@Transactional` method cannot carry a transaction: it is not a method, or it does not return a Promise or an Observable. */
export class TransactionalMethodError extends CockroachError {
  constructor(
    /** `ClassName.methodName`. */
    readonly method: string,
    message: string,
  ) {
    super(`@Transactional: ${method} ${message}`);
  }
}

/** The server could not be reached or refused us at start-up. */
export class ConnectionError extends CockroachError {
  constructor(
    message: string,
    readonly target: { host: string; port: number; database: string; user: string },
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * An INT8 value does not fit the configured `int8: 'number'` policy: it is
 * beyond `Number.MAX_SAFE_INTEGER` and would silently lose digits.
 */
export class UnsafeIntegerError extends CockroachError {
  constructor(readonly value: string) {
    super(
      `INT8 value ${value} is beyond Number.MAX_SAFE_INTEGER and cannot be returned as a number ` +
        `without losing precision; use int8: 'string' or 'bigint'`,
    );
  }
}

/**
 * A transaction kept failing with retryable errors (SQLSTATE 40001) until
 * `maxAttempts` ran out. `cause` is the last retryable error.
 */
export class ExceededMaxAttemptsError extends CockroachError {
  constructor(
    readonly attempts: number,
    cause: unknown,
  ) {
    super(`Transaction gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${messageOf(cause)}`, { cause });
  }
}

/** `runTransaction` was called inside an active transaction, which it would otherwise silently join. */
export class NestedTransactionError extends CockroachError {}

/**
 * The connection failed (or the server answered 40003) while committing: the
 * transaction may or may not have committed. Never retried automatically —
 * retrying could apply the change twice. Check the data, or make the work
 * idempotent and retry yourself.
 */
export class AmbiguousCommitError extends CockroachError {}

/**
 * The connection failed while a statement outside a transaction was running:
 * the server closed the session (a terminated backend, a draining CockroachDB
 * node) or the socket broke. `cause` is the driver's error. A statement the
 * server provably never ran is sent again on another connection before this
 * is thrown; `mayHaveRun` says whether this one may have taken effect.
 */
export class ConnectionLostError extends CockroachError {
  constructor(
    message: string,
    /** `false` only when the server's reply proves the statement never ran, so sending it again is safe. */
    readonly mayHaveRun: boolean,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

/** The connected server cannot do what was asked (e.g. an exact AS OF SYSTEM TIME on PostgreSQL). */
export class UnsupportedFeatureError extends CockroachError {}

/**
 * The transaction body swallowed a failed statement and returned normally.
 * The server had already aborted the transaction, so reporting success
 * would be a lie; `cause` is the swallowed error.
 */
export class TransactionAbortedError extends CockroachError {}

/** A new transaction was refused because the database is shutting down. */
export class DatabaseClosingError extends CockroachError {}

/**
 * A migration could not be read or applied. `file` names the migration file
 * at fault (bad format, duplicate version, changed since applied, no down
 * section); for a migration the server refused, `cause` is the server's
 * error and the migrations before it stay applied.
 */
export class MigrationError extends CockroachError {
  constructor(
    message: string,
    /** The migration file (path) the error is about, when there is one. */
    readonly file?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The live schema does not match the table definitions given to
 * `forFeature` and `schemaCheck: 'error'` asked for start-up to fail.
 * `problems` lists each missing table or column and each column of another type.
 */
export class SchemaDriftError extends CockroachError {
  constructor(readonly problems: readonly string[]) {
    super(`The database schema does not match the table definitions:\n- ${problems.join('\n- ')}`);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A table definition, a value, a filter or a query option was refused before
 * any SQL was sent: an unknown column, a value of the wrong type, a key that
 * could reach an object's prototype. `table` and `column` say where, when known.
 */
export class ValidationError extends CockroachError {
  constructor(
    readonly table: string | undefined,
    readonly column: string | undefined,
    /** What is wrong, without the location. */
    readonly problem: string,
  ) {
    super(`${describeLocation(table, column)}${problem}`);
  }
}

function describeLocation(table: string | undefined, column: string | undefined): string {
  if (table !== undefined && column !== undefined) return `Table "${table}", column "${column}": `;
  if (table !== undefined) return `Table "${table}": `;
  if (column !== undefined) return `Column "${column}": `;
  return '';
}

/**
 * A statement ran past its deadline.
 *
 * - `side: 'server'`: the server cancelled it (`statementTimeoutMs`, SQLSTATE
 *   57014). The connection is fine; the transaction is rolled back and not
 *   retried, since running the same slow statement again would time out again.
 * - `side: 'client'`: no answer came back in time (the network dropped the
 *   packets, or the server stopped answering). The connection was destroyed,
 *   never returned to the pool. Outside COMMIT the transaction's owner retries
 *   it on a new connection; during COMMIT it surfaces as the `cause` of an
 *   `AmbiguousCommitError`.
 */
export class StatementTimeoutError extends CockroachError {
  constructor(
    /** The deadline that passed (ms). */
    readonly timeoutMs: number,
    readonly side: 'server' | 'client',
    options?: { cause?: unknown },
  ) {
    super(
      side === 'server'
        ? `The server cancelled the statement after its statement timeout of ${timeoutMs} ms`
        : `No answer from the server within ${timeoutMs} ms; the connection was closed`,
      options,
    );
  }
}

/**
 * A transaction's `timeoutMs` passed: its owner stopped retrying and rolled
 * back. Nothing was committed. `cause` is the last attempt's error.
 */
export class TransactionTimeoutError extends CockroachError {
  constructor(
    readonly timeoutMs: number,
    readonly attempts: number,
    cause: unknown,
  ) {
    super(
      `Transaction stopped after ${attempts} attempt${attempts === 1 ? '' : 's'}: its timeout of ${timeoutMs} ms passed (${messageOf(cause)})`,
      { cause },
    );
  }
}

/**
 * A `findPage` cursor (`after`) was refused before any SQL: it is not one this
 * library wrote (forged or damaged), or it was written for another query
 * (different table, order or filter), so continuing from it could skip or
 * repeat rows. Start again from the first page.
 */
export class InvalidCursorError extends ValidationError {}

/**
 * A call that means something only inside a transaction was made outside
 * one: a locking read (`lock: 'update' | 'share'`) would release its locks
 * before it even returned.
 */
export class TransactionRequiredError extends CockroachError {}
