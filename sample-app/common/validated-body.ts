import { BadRequestException, StandardSchemaValidationPipe, type ParameterDecoratorOptions } from '@nestjs/common';
import type { AnyTable, StandardSchemaV1 } from '../../src/index.js';

/**
 * `@Body(validBody(table, 'insert'))`: the request body is checked by the
 * table's Standard Schema validator (`table.schemas.insert` / `.patch`) —
 * the same checks and messages the repository applies — by Nest's own
 * `StandardSchemaValidationPipe`, before the handler runs. A bad body is a
 * 400 shaped like the app's other validation errors: the table, the first
 * offending column, and every problem found. Instead of a shape, a schema of
 * the table's own (`insertSchema(table, { pick })`) can be given.
 */
export function validBody(table: AnyTable, shape: 'insert' | 'patch' | StandardSchemaV1): ParameterDecoratorOptions {
  return {
    schema: typeof shape === 'string' ? table.schemas[shape] : shape,
    pipes: [
      new StandardSchemaValidationPipe({
        exceptionFactory: (issues) => {
          const problems = issues.map((issue) => {
            const column = issue.path?.[0];
            return { column: typeof column === 'object' ? String(column.key) : column === undefined ? undefined : String(column), message: issue.message };
          });
          return new BadRequestException({
            statusCode: 400,
            error: 'Bad Request',
            message: problems.map(({ column, message }) => (column === undefined ? message : `${column}: ${message}`)).join('; '),
            table: table.name,
            column: problems[0]?.column,
            problems,
          });
        },
      }),
    ],
  };
}
