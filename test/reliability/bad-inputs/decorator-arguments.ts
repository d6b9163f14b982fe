import 'reflect-metadata';
import { lastValueFrom, Observable, of } from 'rxjs';
import { Transactional } from '../../../src/index.js';
import { cockroachError, configurationError, transactionalMethodError, type BadInput } from './bad-input.js';

/** What `Transactional` refuses for a whole-number option, by its bounds. */
const maxAttemptsRange = 'expected an integer from 1 to 1000';

export const DECORATOR_ARGUMENT_ROWS: readonly BadInput[] = [
  {
    name: '@Transactional(0)',
    call: () => {
      class Service {
        @Transactional(0)
        async run(): Promise<void> {}
      }
      return Service;
    },
    expected: configurationError('maxAttempts', `${maxAttemptsRange}, got 0`),
  },
  {
    name: '@Transactional(-1)',
    call: () => {
      class Service {
        @Transactional(-1)
        async run(): Promise<void> {}
      }
      return Service;
    },
    expected: configurationError('maxAttempts', `${maxAttemptsRange}, got -1`),
  },
  {
    name: '@Transactional(1.5)',
    call: () => {
      class Service {
        @Transactional(1.5)
        async run(): Promise<void> {}
      }
      return Service;
    },
    expected: configurationError('maxAttempts', `${maxAttemptsRange}, got 1.5`),
  },
  {
    name: "@Transactional('x')",
    call: () => {
      class Service {
        @Transactional('x' as never)
        async run(): Promise<void> {}
      }
      return Service;
    },
    expected: configurationError('maxAttempts', `${maxAttemptsRange}, got x`),
  },
  {
    name: '@Transactional(1001): beyond the most attempts allowed',
    call: () => {
      class Service {
        @Transactional(1001)
        async run(): Promise<void> {}
      }
      return Service;
    },
    expected: configurationError('maxAttempts', `${maxAttemptsRange}, got 1001`),
  },
  {
    name: "@Transactional(3, 'urgent'): an unknown priority",
    call: () => {
      class Service {
        @Transactional(3, 'urgent' as never)
        async run(): Promise<void> {}
      }
      return Service;
    },
    expected: configurationError('priority', `expected one of 'low', 'normal', 'high', got "urgent"`),
  },
  {
    name: "@Transactional({ priority: 'HIGH' }): a priority in the wrong case",
    call: () => {
      class Service {
        @Transactional({ priority: 'HIGH' as never })
        async run(): Promise<void> {}
      }
      return Service;
    },
    expected: configurationError('priority', 'got "HIGH"'),
  },
  {
    name: "@Transactional({ isolation: 'snapshot' })",
    call: () => {
      class Service {
        @Transactional({ isolation: 'snapshot' as never })
        async run(): Promise<void> {}
      }
      return Service;
    },
    expected: configurationError('isolation', `expected one of 'serializable', 'read committed', got "snapshot"`),
  },
  {
    name: "@Transactional({ isolation: 'repeatable read' }): an isolation level the library does not offer",
    call: () => {
      class Service {
        @Transactional({ isolation: 'repeatable read' as never })
        async run(): Promise<void> {}
      }
      return Service;
    },
    expected: configurationError('isolation', 'got "repeatable read"'),
  },
  {
    name: "@Transactional({ propagation: 'nested' })",
    call: () => {
      class Service {
        @Transactional({ propagation: 'nested' as never })
        async run(): Promise<void> {}
      }
      return Service;
    },
    expected: configurationError('propagation', `expected one of 'required', 'requiresNew', 'mandatory', 'never', got "nested"`),
  },
  {
    name: "@Transactional({ readOnly: 'yes' })",
    call: () => {
      class Service {
        @Transactional({ readOnly: 'yes' as never })
        async run(): Promise<void> {}
      }
      return Service;
    },
    expected: configurationError('readOnly', 'expected a boolean'),
  },
  {
    name: "@Transactional({ connection: '' })",
    call: () => {
      class Service {
        @Transactional({ connection: '' })
        async run(): Promise<void> {}
      }
      return Service;
    },
    expected: configurationError('connection', 'expected a connection name'),
  },
  {
    name: "@Transactional({ strategy: 'pray' })",
    call: () => {
      class Service {
        @Transactional({ strategy: 'pray' as never })
        async run(): Promise<void> {}
      }
      return Service;
    },
    expected: configurationError('strategy', `expected one of 'auto', 'savepoint', 'restart', got "pray"`),
  },
  {
    name: "@Transactional({ onRetry: 'log' })",
    call: () => {
      class Service {
        @Transactional({ onRetry: 'log' as never })
        async run(): Promise<void> {}
      }
      return Service;
    },
    expected: configurationError('onRetry', 'expected a function'),
  },
  {
    name: '@Transactional({ timeoutMs: 0 })',
    call: () => {
      class Service {
        @Transactional({ timeoutMs: 0 })
        async run(): Promise<void> {}
      }
      return Service;
    },
    expected: configurationError('timeoutMs', 'got 0'),
  },
  {
    name: "@Transactional({ statementTimeoutMs: '1s' })",
    call: () => {
      class Service {
        @Transactional({ statementTimeoutMs: '1s' as never })
        async run(): Promise<void> {}
      }
      return Service;
    },
    expected: configurationError('statementTimeoutMs', 'got 1s'),
  },
  {
    name: '@Transactional({ initialDelayMs: -1 })',
    call: () => {
      class Service {
        @Transactional({ initialDelayMs: -1 })
        async run(): Promise<void> {}
      }
      return Service;
    },
    expected: configurationError('initialDelayMs', 'expected an integer from 0 to 60000, got -1'),
  },
  {
    name: '@Transactional({ maxDelayMs: 600001 })',
    call: () => {
      class Service {
        @Transactional({ maxDelayMs: 600_001 })
        async run(): Promise<void> {}
      }
      return Service;
    },
    expected: configurationError('maxDelayMs', 'expected an integer from 0 to 600000, got 600001'),
  },
  {
    name: '@Transactional({ immediateRetries: 0.5 })',
    call: () => {
      class Service {
        @Transactional({ immediateRetries: 0.5 })
        async run(): Promise<void> {}
      }
      return Service;
    },
    expected: configurationError('immediateRetries', 'got 0.5'),
  },
  {
    name: '@Transactional({ maxAttemps: 3 }): a misspelt option',
    call: () => {
      class Service {
        @Transactional({ maxAttemps: 3 } as never)
        async run(): Promise<void> {}
      }
      return Service;
    },
    expected: configurationError('maxAttemps', 'unknown option (did you mean "maxAttempts"?)'),
  },
  {
    name: "@Transactional({ maxAttempts: 3 }, 'high'): options object and positional priority together",
    call: () => {
      class Service {
        @Transactional({ maxAttempts: 3 } as never, 'high')
        async run(): Promise<void> {}
      }
      return Service;
    },
    expected: configurationError('priority', 'give the priority inside it'),
  },
  {
    name: "@Transactional({ asOfSystemTime: '-5s', readOnly: false }): a historical read asked to write",
    call: () => {
      class Service {
        @Transactional({ asOfSystemTime: '-5s', readOnly: false })
        async run(): Promise<void> {}
      }
      return Service;
    },
    expected: configurationError('readOnly', 'a transaction AS OF SYSTEM TIME is read-only'),
  },
  {
    name: '@Transactional([]): an array for options',
    call: () => {
      class Service {
        @Transactional([] as never)
        async run(): Promise<void> {}
      }
      return Service;
    },
    expected: configurationError('options', 'expected an object'),
  },
  {
    name: '@Transactional() on a method declared synchronous (: number)',
    call: () => {
      class Service {
        // @ts-expect-error TypeScript refuses @Transactional on a synchronous method where it is declared.
        @Transactional()
        count(): number {
          return 1;
        }
      }
      return Service;
    },
    expected: transactionalMethodError('Service.count', 'Service.count is synchronous'),
  },
  {
    name: '@Transactional() on a getter',
    call: () => {
      class Service {
        // @ts-expect-error a getter is no method.
        @Transactional()
        get total(): Promise<number> {
          return Promise.resolve(1);
        }
      }
      return Service;
    },
    expected: transactionalMethodError('Service.total', 'Service.total is not a method'),
  },
  {
    name: '@Transactional() on a method that returns synchronously (declared void)',
    call: () => {
      class Service {
        // @ts-expect-error a void method cannot carry a transaction's outcome.
        @Transactional()
        run(): void {}
      }
      return new Service().run();
    },
    expected: transactionalMethodError('Service.run', 'Service.run returned synchronously'),
    sends: 'transaction-control',
  },
  {
    name: '@Transactional() on a method declared Observable that returns a Promise',
    call: () => {
      class Service {
        @Transactional()
        stream(): Observable<number> {
          return Promise.resolve(1) as never;
        }
      }
      return lastValueFrom(new Service().stream());
    },
    expected: transactionalMethodError('Service.stream', 'Service.stream is declared to return an Observable but returned object'),
    sends: 'transaction-control',
  },
  {
    name: '@Transactional() on a method declared Promise that returns an Observable',
    call: () => {
      class Service {
        @Transactional()
        load(): Promise<number> {
          return of(1) as never;
        }
      }
      return new Service().load();
    },
    expected: transactionalMethodError('Service.load', 'Service.load returns an Observable: declare its return type'),
    sends: 'transaction-control',
  },
  {
    name: "@Transactional({ connection: 'nowhere' }): a connection that was never opened",
    call: () => {
      class Service {
        @Transactional({ connection: 'nowhere' })
        async run(): Promise<void> {}
      }
      return new Service().run();
    },
    expected: cockroachError('no database connection named "nowhere"'),
  },
];
