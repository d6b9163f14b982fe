import { optionKeys, refuseUnknownKeys } from '../common/option-keys.js';
import { optionalBoolean, optionalFunction, optionalInteger, optionalOneOf } from '../common/option-values.js';
import { ConfigurationError } from '../errors.js';
import type {
  IsolationLevel,
  Propagation,
  RetryInfo,
  RetryOptions,
  RetryStrategy,
  TransactionOptions,
  TransactionPriority,
} from '../interfaces/transaction-options.interface.js';

export type { IsolationLevel, Propagation, RetryInfo, RetryOptions, RetryStrategy, TransactionOptions, TransactionPriority };
import { parseAsOfSystemTime, type AsOfSystemTime } from './as-of-system-time.js';

export interface ResolvedRetryOptions {
  maxAttempts: number;
  strategy: RetryStrategy;
  initialDelayMs: number;
  maxDelayMs: number;
  immediateRetries: number;
  onRetry: ((info: RetryInfo) => void) | undefined;
  timeoutMs: number | undefined;
}

export interface ResolvedTransactionOptions extends ResolvedRetryOptions {
  priority: TransactionPriority | undefined;
  asOfSystemTime: AsOfSystemTime | undefined;
  readOnly: boolean;
  isolation: IsolationLevel;
  propagation: Propagation;
  connection: string | undefined;
  statementTimeoutMs: number | undefined;
}

export const DEFAULT_RETRY: ResolvedRetryOptions = {
  maxAttempts: 10,
  strategy: 'auto',
  initialDelayMs: 100,
  maxDelayMs: 2000,
  immediateRetries: 1,
  onRetry: undefined,
  timeoutMs: undefined,
};

const PRIORITIES: readonly TransactionPriority[] = ['low', 'normal', 'high'];
const ISOLATIONS: readonly IsolationLevel[] = ['serializable', 'read committed'];
const PROPAGATIONS: readonly Propagation[] = ['required', 'requiresNew', 'mandatory', 'never'];
const STRATEGIES: readonly RetryStrategy[] = ['auto', 'savepoint', 'restart'];
const RETRY_OPTION_NAMES = optionKeys({
  maxAttempts: true,
  strategy: true,
  initialDelayMs: true,
  maxDelayMs: true,
  immediateRetries: true,
  onRetry: true,
  timeoutMs: true,
} satisfies Record<keyof RetryOptions, true>);
/** Every key `TransactionOptions` has (the compiler keeps the list complete): any other is a typo, refused rather than ignored. */
const TRANSACTION_OPTION_NAMES = [
  ...RETRY_OPTION_NAMES,
  ...optionKeys({
    priority: true,
    asOfSystemTime: true,
    readOnly: true,
    isolation: true,
    propagation: true,
    connection: true,
    statementTimeoutMs: true,
  } satisfies Record<Exclude<keyof TransactionOptions, keyof RetryOptions>, true>),
];

/** Validates retry settings, e.g. the module's `retry` option, on top of `base`. */
export function resolveRetryOptions(
  options: RetryOptions | undefined,
  base: ResolvedRetryOptions = DEFAULT_RETRY,
  prefix = '',
): ResolvedRetryOptions {
  if (options === undefined) return base;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ConfigurationError(prefix.replace(/\.$/, '') || 'options', 'expected an object');
  }
  // The module's `retry` option; a transaction's own options are checked whole in resolveTransactionOptions.
  if (prefix) refuseUnknownKeys(options, RETRY_OPTION_NAMES, prefix);
  const name = (key: string) => `${prefix}${key}`;
  return {
    maxAttempts: optionalInteger(name('maxAttempts'), options.maxAttempts, 1, 1000, String) ?? base.maxAttempts,
    strategy: optionalOneOf(name('strategy'), options.strategy, STRATEGIES) ?? base.strategy,
    initialDelayMs: optionalInteger(name('initialDelayMs'), options.initialDelayMs, 0, 60_000, String) ?? base.initialDelayMs,
    maxDelayMs: optionalInteger(name('maxDelayMs'), options.maxDelayMs, 0, 600_000, String) ?? base.maxDelayMs,
    immediateRetries: optionalInteger(name('immediateRetries'), options.immediateRetries, 0, 1000, String) ?? base.immediateRetries,
    onRetry: optionalFunction(name('onRetry'), options.onRetry) ?? base.onRetry,
    timeoutMs: optionalInteger(name('timeoutMs'), options.timeoutMs, 1, 2 ** 31 - 1, String) ?? base.timeoutMs,
  };
}

/**
 * Validates a transaction's options before any SQL is sent: a typo in a
 * decorator argument fails the call with the option named, not mid-transaction.
 */
export function resolveTransactionOptions(
  options: TransactionOptions | undefined,
  defaults: ResolvedRetryOptions = DEFAULT_RETRY,
): ResolvedTransactionOptions {
  const retry = resolveRetryOptions(options ?? {}, defaults);
  const given = options ?? {};
  refuseUnknownKeys(given, TRANSACTION_OPTION_NAMES);
  optionalBoolean('readOnly', given.readOnly);
  if (given.connection !== undefined && (typeof given.connection !== 'string' || given.connection === '')) {
    throw new ConfigurationError('connection', 'expected a connection name');
  }
  const asOfSystemTime = given.asOfSystemTime === undefined ? undefined : parseAsOfSystemTime(given.asOfSystemTime);
  if (asOfSystemTime && given.readOnly === false) {
    throw new ConfigurationError('readOnly', 'a transaction AS OF SYSTEM TIME is read-only');
  }
  return {
    ...retry,
    priority: optionalOneOf('priority', given.priority, PRIORITIES),
    asOfSystemTime,
    readOnly: given.readOnly ?? asOfSystemTime !== undefined,
    isolation: optionalOneOf('isolation', given.isolation, ISOLATIONS) ?? 'serializable',
    propagation: optionalOneOf('propagation', given.propagation, PROPAGATIONS) ?? 'required',
    connection: given.connection,
    statementTimeoutMs: optionalInteger('statementTimeoutMs', given.statementTimeoutMs, 1, 2 ** 31 - 1 - 1000, String),
  };
}
