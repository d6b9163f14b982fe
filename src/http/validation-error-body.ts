import { BadRequestException, type PipeTransform } from '@nestjs/common';
import type { StandardSchemaV1 } from '../schema/standard-schema.types.js';
import type { AnyTable } from '../schema/table.definition.js';

/** One thing wrong with a request: the column it is about (when known) and what is wrong. */
export interface ValidationProblem {
  column?: string;
  message: string;
}

/**
 * The body of every 400 this library answers — `validBody()`'s for a request
 * body, `DatabaseExceptionFilter`'s for a `ValidationError` — so a client
 * reads one shape: `table` and `column` locate the first problem, `problems`
 * lists them all, `message` joins them.
 */
export interface ValidationErrorBody {
  statusCode: 400;
  error: 'Bad Request';
  message: string;
  table?: string;
  column?: string;
  problems: ValidationProblem[];
}

/** @internal */
export function validationErrorBody(table: string | undefined, problems: ValidationProblem[]): ValidationErrorBody {
  return {
    statusCode: 400,
    error: 'Bad Request',
    message: problems.map(({ column, message }) => (column === undefined ? message : `${column}: ${message}`)).join('; '),
    table,
    column: problems[0]?.column,
    problems,
  };
}

/**
 * `@Body(validBody(table, 'insert'))` (or `'patch'`): checks the request body
 * with the table's Standard Schema validator (`table.schemas.insert` /
 * `.patch`, the repository's own checks and messages) before the handler
 * runs, and answers a bad body with a 400 `ValidationErrorBody` listing every
 * problem — the same shape `DatabaseExceptionFilter` gives a `ValidationError`.
 * A plain pipe, so it works on every supported Nest version (10–12); values
 * pass through unchanged.
 */
export function validBody(table: AnyTable, shape: 'insert' | 'patch'): PipeTransform {
  const schema: StandardSchemaV1 = table.schemas[shape];
  return {
    async transform(value: unknown): Promise<unknown> {
      const result = await schema['~standard'].validate(value);
      if (result.issues === undefined) return result.value;
      const problems = result.issues.map((issue): ValidationProblem => {
        const segment = issue.path?.[0];
        const key = typeof segment === 'object' && segment !== null ? segment.key : segment;
        return key === undefined ? { message: issue.message } : { column: String(key), message: issue.message };
      });
      throw new BadRequestException(validationErrorBody(table.name, problems));
    },
  };
}
