import {
  type ArgumentsHost,
  BadRequestException,
  Catch,
  ConflictException,
  InternalServerErrorException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import pg from 'pg';
import {
  AmbiguousCommitError,
  CockroachError,
  ConfigurationError,
  ConnectionError,
  ConnectionLostError,
  DatabaseClosingError,
  ExceededMaxAttemptsError,
  InvalidCursorError,
  MigrationError,
  NestedTransactionError,
  SchemaDriftError,
  StatementTimeoutError,
  TransactionAbortedError,
  TransactionalMethodError,
  TransactionRequiredError,
  TransactionTimeoutError,
  UnsafeIntegerError,
  UnsupportedFeatureError,
  ValidationError,
} from '../errors.js';
import { validationErrorBody } from './validation-error-body.js';

/** SQLSTATE for a unique constraint violation (e.g. a second user with the same email). */
const UNIQUE_VIOLATION = '23505';

/**
 * What `DatabaseExceptionFilter` answers for an error class (DESIGN §13):
 * - `unavailable`, `closing`, `timeout` → 503 with `Retry-After: 5`;
 * - `contention` → 503 with `Retry-After: 1` (nothing committed, try again);
 * - `validation` → 400 (`ValidationErrorBody`); `conflict` → 409;
 * - `outcome-unknown` → 500 with `outcome: 'unknown'`;
 * - `server-error` → Nest's plain 500 (a configuration or programming error: logged, nothing revealed).
 */
export type DatabaseErrorAnswer = 'unavailable' | 'closing' | 'timeout' | 'contention' | 'validation' | 'conflict' | 'outcome-unknown' | 'server-error';

type ErrorClass = abstract new (...args: never[]) => CockroachError;

/** Seconds a client should wait before trying again after a 503. */
const RETRY_AFTER = { contention: '1', outage: '5' } as const;

/**
 * Opt-in: turns this library's typed errors into HTTP answers, then lets
 * Nest's own filter write them (so every body keeps Nest's usual shape);
 * anything else keeps Nest's handling. Register it with `app.useGlobalFilters(new DatabaseExceptionFilter(httpAdapter))`
 * or as an `APP_FILTER` provider.
 *
 * - `ConnectionError`, `ConnectionLostError` (the database is unreachable),
 *   `DatabaseClosingError` (this instance is shutting down),
 *   `StatementTimeoutError`, `TransactionTimeoutError` → 503 with `Retry-After: 5`.
 *   A `ConnectionLostError` whose statement may have run adds `outcome: 'unknown'`.
 * - `ExceededMaxAttemptsError` → 503 with `Retry-After: 1` and `attempts`: the
 *   transaction kept losing to contention and nothing was committed.
 * - `ValidationError`, `InvalidCursorError` → 400, a `ValidationErrorBody`
 *   (the same shape `validBody()` answers a bad request body with).
 * - a unique violation (SQLSTATE 23505) → 409 with the server's detail.
 * - `AmbiguousCommitError` → 500 with `outcome: 'unknown'`: the commit may or may
 *   not have happened, so the client must check before repeating the request.
 * - every other `CockroachError` (configuration and programming errors) →
 *   Nest's plain 500, the error logged and nothing of it revealed.
 */
@Catch()
export class DatabaseExceptionFilter extends BaseExceptionFilter {
  /** The answer each error class gets; a subclass of one of these (your own) gets its nearest ancestor's. */
  static readonly answers: ReadonlyMap<ErrorClass, DatabaseErrorAnswer> = new Map<ErrorClass, DatabaseErrorAnswer>([
    [ConnectionError, 'unavailable'],
    [ConnectionLostError, 'unavailable'],
    [DatabaseClosingError, 'closing'],
    [StatementTimeoutError, 'timeout'],
    [TransactionTimeoutError, 'timeout'],
    [ExceededMaxAttemptsError, 'contention'],
    [ValidationError, 'validation'],
    [InvalidCursorError, 'validation'],
    [AmbiguousCommitError, 'outcome-unknown'],
    [CockroachError, 'server-error'],
    [ConfigurationError, 'server-error'],
    [TransactionalMethodError, 'server-error'],
    [UnsafeIntegerError, 'server-error'],
    [NestedTransactionError, 'server-error'],
    [UnsupportedFeatureError, 'server-error'],
    [TransactionAbortedError, 'server-error'],
    [MigrationError, 'server-error'],
    [SchemaDriftError, 'server-error'],
    [TransactionRequiredError, 'server-error'],
  ]);

  override catch(exception: unknown, host: ArgumentsHost): void {
    super.catch(this.toHttpException(exception, host), host);
  }

  private toHttpException(exception: unknown, host: ArgumentsHost): unknown {
    if (exception instanceof pg.DatabaseError && exception.code === UNIQUE_VIOLATION) {
      return new ConflictException(exception.detail ?? 'A row with the same unique key already exists');
    }
    if (!(exception instanceof CockroachError)) return exception;
    switch (answerFor(exception)) {
      case 'validation': {
        const error = exception as ValidationError;
        const problem = error.column === undefined ? { message: error.problem } : { column: error.column, message: error.problem };
        return new BadRequestException({ ...validationErrorBody(error.table, [problem]), message: error.message });
      }
      case 'contention': {
        const error = exception as ExceededMaxAttemptsError;
        this.retryAfter(host, RETRY_AFTER.contention);
        return unavailable(`The transaction lost to contention ${error.attempts} times and did not commit; try again`, { attempts: error.attempts });
      }
      case 'unavailable': {
        this.retryAfter(host, RETRY_AFTER.outage);
        if (exception instanceof ConnectionLostError && exception.mayHaveRun) {
          return unavailable('The connection to the database was lost while the statement ran: it may or may not have taken effect. Check before repeating the request.', {
            outcome: 'unknown',
          });
        }
        return unavailable('The database is unavailable; try again shortly');
      }
      case 'closing':
        this.retryAfter(host, RETRY_AFTER.outage);
        return unavailable('The service is shutting down; try again');
      case 'timeout':
        this.retryAfter(host, RETRY_AFTER.outage);
        return unavailable(
          exception instanceof TransactionTimeoutError
            ? 'The transaction ran out of time and did not commit; try again'
            : 'The database did not answer in time; try again',
        );
      case 'outcome-unknown':
        return new InternalServerErrorException({
          statusCode: 500,
          error: 'Internal Server Error',
          message: 'The connection failed while the change was being committed: it may or may not have been saved. Check before repeating the request.',
          outcome: 'unknown',
        });
      case 'conflict':
        return new ConflictException(exception.message);
      case 'server-error':
      case undefined:
        return exception;
    }
  }

  private retryAfter(host: ArgumentsHost, seconds: string): void {
    const adapter = this.httpAdapterHost?.httpAdapter ?? this.applicationRef;
    adapter?.setHeader(host.switchToHttp().getResponse(), 'Retry-After', seconds);
  }
}

function answerFor(error: CockroachError): DatabaseErrorAnswer | undefined {
  for (let prototype = Object.getPrototypeOf(error); prototype; prototype = Object.getPrototypeOf(prototype)) {
    const answer = DatabaseExceptionFilter.answers.get(prototype.constructor as ErrorClass);
    if (answer !== undefined) return answer;
  }
  return undefined;
}

function unavailable(message: string, extra: Record<string, unknown> = {}): ServiceUnavailableException {
  return new ServiceUnavailableException({ statusCode: 503, error: 'Service Unavailable', message, ...extra });
}
