import { Inject } from '@nestjs/common';
import { getDatabaseToken, getRepositoryToken } from './cockroach.constants.js';
import type { AnyTable } from './schema/table.definition.js';

/** Injects a connection's `CockroachDatabase`; the default one is also injectable by class. */
export const InjectDatabase = (name?: string): PropertyDecorator & ParameterDecorator =>
  Inject(getDatabaseToken(name));

/** Injects the `Repository` of a table registered with `CockroachModule.forFeature([table], connectionName?)`. */
export const InjectRepository = (
  table: AnyTable,
  connectionName?: string,
): PropertyDecorator & ParameterDecorator => Inject(getRepositoryToken(table, connectionName));
