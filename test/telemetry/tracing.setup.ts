import { createRequire } from 'node:module';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * What an app's tracing file does, imported before anything loads `pg`: a
 * context manager, a tracer provider with an in-memory exporter, and the pg
 * instrumentation (which patches `pg` as it is required).
 */
export const exporter = new InMemorySpanExporter();
export const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(provider);
export const pgInstrumentation = new PgInstrumentation();
pgInstrumentation.setTracerProvider(provider);
pgInstrumentation.enable();

// The instrumentation hooks `require` (require-in-the-middle). An ESM `import pg from 'pg'`
// does not go through `require`, but it reuses CommonJS's module cache: requiring pg once here,
// after enable(), makes every later import (this library's included) get the patched module.
createRequire(import.meta.url)('pg');
