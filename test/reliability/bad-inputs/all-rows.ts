import { AS_OF_SYSTEM_TIME_ROWS } from './as-of-system-time.js';
import type { BadInput } from './bad-input.js';
import { DECORATOR_ARGUMENT_ROWS } from './decorator-arguments.js';
import { FILTER_ROWS } from './filters.js';
import { IDENTIFIER_ROWS } from './identifiers.js';
import { MODULE_OPTION_ROWS } from './module-options.js';
import { NESTING_ROWS } from './nesting.js';
import { REPOSITORY_READ_ROWS } from './repository-reads.js';
import { REPOSITORY_VALUE_ROWS } from './repository-values.js';

/** The whole table, by area, in the order the suite runs it. */
export const BAD_INPUTS_BY_AREA: ReadonlyArray<readonly [area: string, rows: readonly BadInput[]]> = [
  ['module options', MODULE_OPTION_ROWS],
  ['decorator arguments', DECORATOR_ARGUMENT_ROWS],
  ['asOfSystemTime', AS_OF_SYSTEM_TIME_ROWS],
  ['repository values', REPOSITORY_VALUE_ROWS],
  ['filters', FILTER_ROWS],
  ['repository reads and updates', REPOSITORY_READ_ROWS],
  ['identifiers', IDENTIFIER_ROWS],
  ['nesting rules', NESTING_ROWS],
];
