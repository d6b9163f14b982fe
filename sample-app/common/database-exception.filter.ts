import { type ArgumentsHost, BadRequestException, Catch, ConflictException, ServiceUnavailableException } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import pg from 'pg';
import { ExceededMaxAttemptsError, ValidationError } from '../../src/index.js';

const { DatabaseError } = pg;

/** SQLSTATE for a unique constraint violation (e.g. a second user with the same email). */
const UNIQUE_VIOLATION = '23505';

/**
 * Turns the library's typed errors into HTTP answers, then lets Nest's own
 * filter write them (so every error body has Nest's usual shape); anything
 * else keeps Nest's handling (HttpExceptions keep their status, the rest is 500).
 *
 * - `ValidationError` → 400: the repository refused a value, a filter or a
 *   column before any SQL was sent; the body names table and column.
 * - `ExceededMaxAttemptsError` → 503 with `Retry-After`: the transaction kept
 *   losing to contention and nothing was committed, so the client may try again.
 * - a unique violation → 409.
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
    if (exception instanceof DatabaseError && exception.code === UNIQUE_VIOLATION) {
      return new ConflictException(exception.detail ?? 'A row with the same unique key already exists');
    }
    return exception;
  }
}
