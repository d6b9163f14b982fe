import { isObservable, lastValueFrom, Observable, toArray } from 'rxjs';
import { ConfigurationError, TransactionalMethodError } from '../errors.js';
import { markTransactional } from './application-binding.js';
import { databaseFor } from './database-registry.js';
import { joinOrOwn } from './propagation.js';
import type { TransactionHost } from './transaction-host.js';
import {
  resolveTransactionOptions,
  type ResolvedTransactionOptions,
  type TransactionOptions,
  type TransactionPriority,
} from './transaction-options.js';

type AnyMethod = (...args: never[]) => unknown;

/** Return types that can never carry a transaction's outcome. */
const SYNCHRONOUS_RETURN_TYPES: readonly unknown[] = [Number, String, Boolean, Symbol, Array, BigInt];

/**
 * Runs the method in a transaction. The outermost transactional call in an
 * async call chain owns the transaction and, on a retryable error, re-invokes
 * the whole method with the same arguments; nested calls join it.
 *
 * `@Transactional()`, `@Transactional({ maxAttempts: 5, priority: 'high' })`,
 * or the shorthand `@Transactional(5, 'high')`. The method must return a
 * Promise or an Observable (whose values are held until commit).
 */
/**
 * What `@Transactional` can decorate: a method that returns a Promise (an
 * `async` method) or an Observable. A synchronous method cannot carry a
 * transaction's outcome, so TypeScript refuses it where it is declared.
 */
export type TransactionalMethodDecorator = <TMethod extends (...args: never[]) => PromiseLike<unknown> | Observable<unknown>>(
  target: object,
  propertyKey: string | symbol,
  descriptor: TypedPropertyDescriptor<TMethod>,
) => TypedPropertyDescriptor<TMethod>;

export function Transactional(options?: TransactionOptions): TransactionalMethodDecorator;
export function Transactional(maxAttempts?: number, priority?: TransactionPriority): TransactionalMethodDecorator;
export function Transactional(
  optionsOrMaxAttempts?: TransactionOptions | number,
  priority?: TransactionPriority,
): TransactionalMethodDecorator {
  const optionsObject = typeof optionsOrMaxAttempts === 'object' && optionsOrMaxAttempts !== null;
  if (optionsObject && priority !== undefined) {
    throw new ConfigurationError('priority', 'with an options object, give the priority inside it, not as a second argument');
  }
  const options: TransactionOptions = optionsObject
    ? optionsOrMaxAttempts
    : {
        ...(optionsOrMaxAttempts !== undefined && { maxAttempts: optionsOrMaxAttempts }),
        ...(priority !== undefined && { priority }),
      };
  // Validate now, at class definition: a bad argument fails the app's start, not a request.
  resolveTransactionOptions(options);

  return (target, propertyKey, descriptor) => {
    const original = descriptor.value as unknown;
    const methodName = `${target.constructor.name}.${String(propertyKey)}`;
    if (typeof original !== 'function') {
      throw new TransactionalMethodError(methodName, 'is not a method');
    }
    // Without emitDecoratorMetadata (esbuild, SWC without decoratorMetadata) there is no return type to read.
    const returnType: unknown = Reflect.getMetadata?.('design:returntype', target, propertyKey);
    if (SYNCHRONOUS_RETURN_TYPES.includes(returnType)) {
      throw new TransactionalMethodError(methodName, 'is synchronous: a transactional method must be async or return an Observable');
    }
    const returnsObservable = returnType === Observable;
    const typeKnown = Reflect.hasMetadata?.('design:returntype', target, propertyKey) ?? false;
    markTransactional(target);
    const resolvedFor = new WeakMap<TransactionHost, ResolvedTransactionOptions>();
    const resolve = (host: TransactionHost) => {
      let resolved = resolvedFor.get(host);
      if (!resolved) resolvedFor.set(host, (resolved = host.resolveTransactionOptions(options)));
      return resolved;
    };

    const wrapped = function (this: unknown, ...args: never[]): unknown {
      const invoke = () => (original as AnyMethod).apply(this, args);
      // Looked up per call from `this`: the instance's own application decides the database.
      const run = <T>(attempt: () => Promise<T>): Promise<T> => {
        try {
          const host = databaseFor(this, options.connection, methodName);
          return joinOrOwn(host, attempt, resolve(host));
        } catch (error) {
          return Promise.reject(error);
        }
      };
      if (returnsObservable) {
        return new Observable((subscriber) => {
          run(() => collect(invoke(), methodName)).then(
            (values) => {
              for (const value of values) subscriber.next(value);
              subscriber.complete();
            },
            (error: unknown) => subscriber.error(error),
          );
        });
      }
      return run(() => awaitResult(invoke(), methodName, typeKnown));
    };
    copyMetadata(original, wrapped);
    Object.defineProperty(wrapped, 'name', { value: (original as AnyMethod).name });
    descriptor.value = wrapped as unknown as typeof descriptor.value;
    return descriptor;
  };
}

/** All the values of one attempt's Observable; emitted to the subscriber only after commit. */
function collect(result: unknown, methodName: string): Promise<unknown[]> {
  if (!isObservable(result)) {
    throw new TransactionalMethodError(methodName, `is declared to return an Observable but returned ${typeof result}`);
  }
  return lastValueFrom(result.pipe(toArray()));
}

function awaitResult(result: unknown, methodName: string, typeKnown: boolean): Promise<unknown> {
  if (isObservable(result)) {
    throw new TransactionalMethodError(
      methodName,
      typeKnown
        ? 'returns an Observable: declare its return type as Observable<…> (imported from rxjs as a value) so the transaction can span the subscription'
        : 'returned an Observable, but the compiler emitted no return-type metadata (emitDecoratorMetadata is off, as with esbuild or SWC without ' +
            'jsc.transform.decoratorMetadata), so the transaction cannot span the subscription. Turn on decorator metadata, or make the method ' +
            'async and return lastValueFrom(…). Nothing was committed.',
    );
  }
  if (!(result instanceof Promise) && !(typeof result === 'object' && result !== null && typeof (result as PromiseLike<unknown>).then === 'function')) {
    throw new TransactionalMethodError(methodName, 'returned synchronously: a transactional method must be async or return an Observable');
  }
  return Promise.resolve(result);
}

/** Keeps Nest's metadata (routes, guards, …) set on the original method by decorators applied before this one. */
function copyMetadata(from: object, to: object): void {
  for (const key of Reflect.getMetadataKeys?.(from) ?? []) {
    Reflect.defineMetadata(key, Reflect.getMetadata(key, from), to);
  }
}
