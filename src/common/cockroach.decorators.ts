import { Inject } from '@nestjs/common';
import { getDatabaseToken } from '../cockroach.constants';

/** Injects a connection's `CockroachDatabase`; the default one is also injectable by class. */
export const InjectDatabase = (name?: string): PropertyDecorator & ParameterDecorator =>
  Inject(getDatabaseToken(name));
