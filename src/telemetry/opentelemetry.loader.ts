import type * as OpenTelemetryApi from '@opentelemetry/api';

export type OpenTelemetry = typeof OpenTelemetryApi;

let loading: Promise<void> | undefined;
let api: OpenTelemetry | undefined;

/**
 * Loads `@opentelemetry/api` once per process, at connect, if the app has it
 * installed (it is an optional peer): an ESM import cannot be synchronous, and
 * loading at connect keeps both the main entry and the hot path free of it.
 * Without the package, tracing is off and costs one `undefined` check.
 */
export function loadOpenTelemetry(): Promise<void> {
  loading ??= import('@opentelemetry/api').then(
    (loaded) => {
      api = loaded;
    },
    () => undefined,
  );
  return loading;
}

/** The API, once `loadOpenTelemetry()` found it. */
export function openTelemetry(): OpenTelemetry | undefined {
  return api;
}
