import type { Span, SpanOptions, Tracer } from '@opentelemetry/api';
import type { Dialect } from '../connection/server-info.js';
import { AmbiguousCommitError, ExceededMaxAttemptsError } from '../errors.js';
import { openTelemetry, type OpenTelemetry } from './opentelemetry.loader.js';

/** Follows one owned transaction from outside the retry loop: its attempt count and each retry. */
export interface TransactionObserver {
  attempts: number;
  retried(sqlState: string, delayMs: number): void;
}

export type TransactionOutcome = 'committed' | 'rolled_back' | 'exceeded' | 'ambiguous';

let tracer: Tracer | undefined;
/** The span options by dialect, built once: this runs for every owned transaction. */
const spanOptions = new Map<string, SpanOptions>();

/**
 * Runs one owned transaction under a `cockroach.transaction` span (DESIGN
 * §11). The body runs in the span's context, so `@opentelemetry/instrumentation-pg`
 * statement spans nest under it. Without the API, or with no tracer provider
 * registered (the span does not record), the transaction runs untouched.
 */
export function traceTransaction<T>(dialect: Dialect, run: (observer?: TransactionObserver) => Promise<T>): Promise<T> {
  const otel = openTelemetry();
  if (!otel) return run();
  tracer ??= otel.trace.getTracer('nestjs-cockroachdb');
  let options = spanOptions.get(dialect);
  if (!options) {
    options = { kind: otel.SpanKind.CLIENT, attributes: { 'db.system.name': dialect === 'cockroach' ? 'cockroachdb' : 'postgresql' } };
    spanOptions.set(dialect, options);
  }
  const span = tracer.startSpan('cockroach.transaction', options);
  if (!span.isRecording()) return run();
  return recordTransaction(otel, span, run);
}

async function recordTransaction<T>(otel: OpenTelemetry, span: Span, run: (observer?: TransactionObserver) => Promise<T>): Promise<T> {
  const observer: TransactionObserver = {
    attempts: 0,
    retried: (sqlState, delayMs) => span.addEvent('cockroach.retry', { 'db.response.status_code': sqlState, 'cockroach.retry.delay_ms': delayMs }),
  };
  const end = (outcome: TransactionOutcome) => {
    span.setAttributes({ 'cockroach.transaction.attempts': observer.attempts, 'cockroach.transaction.outcome': outcome });
    span.end();
  };
  try {
    const result = await otel.context.with(otel.trace.setSpan(otel.context.active(), span), () => run(observer));
    end('committed');
    return result;
  } catch (error) {
    span.setStatus({ code: otel.SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    end(error instanceof ExceededMaxAttemptsError ? 'exceeded' : error instanceof AmbiguousCommitError ? 'ambiguous' : 'rolled_back');
    throw error;
  }
}
