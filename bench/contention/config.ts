import type { RetryOptions } from '../../src/index.js';

/** What one run of the contention bench measures; every knob is an environment variable. */
export interface ContentionConfig {
  /** Concurrent workers per cell (`BENCH_CONTENTION_WORKERS`, comma-separated). */
  workers: number[];
  /** Hot-set sizes, i.e. accounts in the table (`BENCH_CONTENTION_ACCOUNTS`). */
  accounts: number[];
  /** Length of one timed run (`BENCH_CONTENTION_SECONDS`, fractions allowed). */
  durationMs: number;
  /** Untimed run of each strategy before the first cell, so V8 has compiled every path (`BENCH_CONTENTION_WARMUP_SECONDS`). */
  warmUpMs: number;
  /** Runs per strategy and cell, forward then backward order (`BENCH_CONTENTION_ROUNDS`). */
  rounds: number;
  /** Only these strategies (`BENCH_CONTENTION_STRATEGIES`); all when unset. */
  strategies: string[] | undefined;
  /** Retry options for an extra "ours" row, e.g. a proposed default (`BENCH_CONTENTION_CANDIDATE`, JSON). */
  candidate: RetryOptions | undefined;
}

/**
 * The full run takes a few minutes on a 2-core machine; `BENCH_QUICK=1` is a
 * smoke run of a few seconds. Explicit variables win over either preset.
 */
export function readConfig(env: NodeJS.ProcessEnv = process.env): ContentionConfig {
  const quick = env.BENCH_QUICK === '1' || env.BENCH_QUICK === 'true';
  return {
    workers: integerList('BENCH_CONTENTION_WORKERS', env.BENCH_CONTENTION_WORKERS) ?? (quick ? [1, 16] : [1, 4, 16, 64]),
    accounts: integerList('BENCH_CONTENTION_ACCOUNTS', env.BENCH_CONTENTION_ACCOUNTS) ?? [10, 1000],
    durationMs: seconds('BENCH_CONTENTION_SECONDS', env.BENCH_CONTENTION_SECONDS) ?? (quick ? 500 : 1000),
    warmUpMs: seconds('BENCH_CONTENTION_WARMUP_SECONDS', env.BENCH_CONTENTION_WARMUP_SECONDS) ?? (quick ? 200 : 2000),
    rounds: integerList('BENCH_CONTENTION_ROUNDS', env.BENCH_CONTENTION_ROUNDS)?.[0] ?? (quick ? 1 : 4),
    strategies: env.BENCH_CONTENTION_STRATEGIES?.split(',').map((name) => name.trim()).filter(Boolean),
    candidate: env.BENCH_CONTENTION_CANDIDATE ? retryOptions(env.BENCH_CONTENTION_CANDIDATE) : undefined,
  };
}

function integerList(name: string, value: string | undefined): number[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const list = value.split(',').map((item) => Number(item.trim()));
  if (list.some((item) => !Number.isInteger(item) || item < 1)) throw new Error(`${name}: expected positive integers, got "${value}"`);
  return list;
}

function seconds(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`${name}: expected a positive number of seconds, got "${value}"`);
  return Math.round(parsed * 1000);
}

/** Parsed only; the library validates the fields when the candidate's database connects. */
function retryOptions(json: string): RetryOptions {
  const parsed: unknown = JSON.parse(json);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`BENCH_CONTENTION_CANDIDATE: expected a JSON object of retry options, got ${json}`);
  }
  return parsed as RetryOptions;
}
