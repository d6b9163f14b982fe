import { type ArgumentsHost, BadRequestException, Catch, ConflictException, InternalServerErrorException, ServiceUnavailableException } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import pg from 'pg';
import { AmbiguousCommitError, ExceededMaxAttemptsError, ValidationError } from '../errors.js';

/** SQLSTATE for a unique constraint violation (e.g. a second user with the same email). */
const UNIQUE_VIOLATION = '23505';

/**
 * Opt-in: turns this library's typed errors into HTTP answers, then lets
 * Nest's own filter write them (so every body keeps Nest's usual shape);
 * anything else keeps Nest's handling. Register it with `app.useGlobalFilters(new DatabaseExceptionFilter(httpAdapter))`
 * or as an `APP_FILTER` provider.
 *
 * - `ValidationError` → 400 naming `table` and `column`: nothing was sent to the database.
 * - a unique violation (SQLSTATE 23505) → 409 with the server's detail.
 * - `ExceededMaxAttemptsError` → 503 with `Retry-After: 1`: the transaction kept
 *   losing to contention and nothing was committed, so the client may try again.
 * - `AmbiguousCommitError` → 500 with `outcome: 'unknown'`: the commit may or may
 *   not have happened, so the client must check before repeating the request.
 */
@Catch()
export class DatabaseExceptionFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    super.catch(this.toHttpException(exception, host), host);
  }

  private toHttpException(exception: unknown, host: ArgumentsHost): unknown {
    if (exception instanceof ValidationError) {
      return new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: exception.message,
        table: exception.table,
        column: exception.column,
      });
    }
    if (exception instanceof ExceededMaxAttemptsError) {
      const adapter = this.httpAdapterHost?.httpAdapter ?? this.applicationRef;
      adapter?.setHeader(host.switchToHttp().getResponse(), 'Retry-After', '1');
      return new ServiceUnavailableException({
        statusCode: 503,
        error: 'Service Unavailable',
        message: `The transaction lost to contention ${exception.attempts} times and did not commit; try again`,
        attempts: exception.attempts,
      });
    }
    if (exception instanceof AmbiguousCommitError) {
      return new InternalServerErrorException({
        statusCode: 500,
        error: 'Internal Server Error',
        message: 'The connection failed while the change was being committed: it may or may not have been saved. Check before repeating the request.',
        outcome: 'unknown',
      });
    }
    if (exception instanceof pg.DatabaseError && exception.code === UNIQUE_VIOLATION) {
      return new ConflictException(exception.detail ?? 'A row with the same unique key already exists');
    }
    return exception;
  }
}
