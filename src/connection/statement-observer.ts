import type { Logger } from '@nestjs/common';
import type { QueryResult } from 'pg';
import type { QueryEvent } from '../interfaces/cockroach-options.interface.js';

/** Told how each statement ended; `undefined` when nobody listens, so the hot path skips the clock. */
export type StatementObserver = (
  text: string,
  values: readonly unknown[],
  startedAt: number,
  result: QueryResult | QueryResult[] | undefined,
  error: unknown,
) => void;

/** The most of a slow statement's SQL a log line shows. */
const MAX_LOGGED_SQL = 2000;

/**
 * `onQuery` and `slowQueryMs` in one place. The slow-statement warning names
 * the SQL text and the duration, never the bound values: they are user data
 * (emails, amounts, tokens) and belong in no log.
 */
export function createStatementObserver(
  connection: string,
  onQuery: ((event: QueryEvent) => void) | undefined,
  slowQueryMs: number | undefined,
  logger: Logger,
): StatementObserver | undefined {
  if (!onQuery && slowQueryMs === undefined) return undefined;
  return (text, values, startedAt, result, error) => {
    const durationMs = performance.now() - startedAt;
    if (slowQueryMs !== undefined && durationMs >= slowQueryMs) {
      const sql = text.length > MAX_LOGGED_SQL ? `${text.slice(0, MAX_LOGGED_SQL)}…` : text;
      const ended = error === undefined ? '' : ` and failed (${describeFailure(error)})`;
      logger.warn(`Slow statement on "${connection}": ${Math.round(durationMs)} ms${ended}: ${sql}`);
    }
    onQuery?.({ text, values, connection, durationMs, rowCount: error === undefined ? rowCountOf(result) : null, error });
  };
}

function rowCountOf(result: QueryResult | QueryResult[] | undefined): number | null {
  const last = Array.isArray(result) ? result[result.length - 1] : result;
  return last?.rowCount ?? null;
}

/** The error's class and SQLSTATE, not its message: a message can quote the values. */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const code = 'code' in error && typeof error.code === 'string' ? ` ${error.code}` : '';
  return `${error.name}${code}`;
}
