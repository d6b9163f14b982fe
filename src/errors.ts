/**
 * Every error this library throws on purpose extends `CockroachError`, so a
 * caller can tell "the library refused or gave up" from a raw driver error
 * with one `instanceof`. Each subclass names one situation a caller must
 * handle differently (the cockroach-go `crdb` package's lesson).
 */
export class CockroachError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An option passed to the module, the service or a decorator is invalid. */
export class ConfigurationError extends CockroachError {
  constructor(
    /** The option's path, e.g. `pool.max` or `retry.maxAttempts`. */
    readonly option: string,
    problem: string,
  ) {
    super(`Invalid option "${option}": ${problem}`);
  }
}

/** The server could not be reached or refused us at start-up. */
export class ConnectionError extends CockroachError {
  constructor(
    message: string,
    readonly target: { host: string; port: number; database: string; user: string },
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * An INT8 value does not fit the configured `int8: 'number'` policy: it is
 * beyond `Number.MAX_SAFE_INTEGER` and would silently lose digits.
 */
export class UnsafeIntegerError extends CockroachError {
  constructor(readonly value: string) {
    super(
      `INT8 value ${value} is beyond Number.MAX_SAFE_INTEGER and cannot be returned as a number ` +
        `without losing precision; use int8: 'string' or 'bigint'`,
    );
  }
}
