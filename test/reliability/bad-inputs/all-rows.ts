import { AS_OF_SYSTEM_TIME_ROWS } from './as-of-system-time';
import type { BadInput } from './bad-input';
import { DECORATOR_ARGUMENT_ROWS } from './decorator-arguments';
import { FILTER_ROWS } from './filters';
import { IDENTIFIER_ROWS } from './identifiers';
import { MODULE_OPTION_ROWS } from './module-options';
import { NESTING_ROWS } from './nesting';
import { REPOSITORY_VALUE_ROWS } from './repository-values';

/** The whole table, by area, in the order the suite runs it. */
export const BAD_INPUTS_BY_AREA: ReadonlyArray<readonly [area: string, rows: readonly BadInput[]]> = [
  ['module options', MODULE_OPTION_ROWS],
  ['decorator arguments', DECORATOR_ARGUMENT_ROWS],
  ['asOfSystemTime', AS_OF_SYSTEM_TIME_ROWS],
  ['repository values', REPOSITORY_VALUE_ROWS],
  ['filters', FILTER_ROWS],
  ['identifiers', IDENTIFIER_ROWS],
  ['nesting rules', NESTING_ROWS],
];
