import { ConfigurationError } from '../errors.js';

/**
 * The checks every options object shares (module, pool, retry, transaction),
 * each failing with the option named so a typo stops the start-up, not a request.
 */

/** Describes a bad value without printing it whole (it could be a secret). */
export function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (value === null) return 'null';
  return typeof value;
}

/** `secret`: the value is a password, so the message gives only its type, never the value. */
export function requireNonEmptyString(option: string, value: unknown, secret = false): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new ConfigurationError(option, `expected a non-empty string, got ${secret ? typeof value : describe(value)}`);
  }
}

export function optionalString(option: string, value: unknown, secret = false): string | undefined {
  if (value === undefined) return undefined;
  requireNonEmptyString(option, value, secret);
  return value;
}

/** `show`: how the message prints a bad value (transaction options print it as `String()` does, module options quote strings). */
export function optionalInteger(option: string, value: unknown, min: number, max: number, show: (value: unknown) => string = describe): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigurationError(option, `expected an integer from ${min} to ${max}, got ${show(value)}`);
  }
  return value;
}

export function optionalFunction<T>(option: string, value: T | undefined): T | undefined {
  if (value !== undefined && typeof value !== 'function') throw new ConfigurationError(option, 'expected a function');
  return value;
}

export function optionalBoolean(option: string, value: unknown): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') throw new ConfigurationError(option, 'expected a boolean');
  return value;
}

/** One of `allowed`, or `undefined` when not given. */
export function optionalOneOf<T extends string>(option: string, value: unknown, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) {
    throw new ConfigurationError(option, `expected one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

/** A nested options object (`pool`, `retry`, …): absent means `{}`. */
export function optionalRecord(option: string, value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigurationError(option, 'expected an object');
  return value as Record<string, unknown>;
}
