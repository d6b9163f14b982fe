import type { Outcome } from './strategy.js';

/**
 * What one strategy did in one cell, added up over its rounds. Every
 * transfer started in a timed window counts, even if it ends after the
 * deadline: leaving out the slow ones would flatter a strategy whose
 * failures are slow. Goodput alone counts only commits inside the window,
 * so it stays a rate over a known time.
 */
export class Tally {
  /** Transfers committed, and those of them committed before the deadline. */
  moved = 0;
  movedInWindow = 0;
  refused = 0;
  exceeded = 0;
  /** Errors that were neither retried nor a refusal, by SQLSTATE or message: always a finding. */
  readonly failures = new Map<string, number>();
  /** Retries spent, those of transfers that gave up included. */
  retries = 0;
  windowMs = 0;
  /** Goodput of each round on its own: their spread shows how much of a difference is noise. */
  readonly roundRates: number[] = [];
  /** Of each committed transfer, from the call (connection checkout included) to the end of its COMMIT, retries included. */
  readonly latenciesMs: number[] = [];

  record(outcome: Outcome, latencyMs: number, inWindow: boolean): void {
    this.retries += outcome.attempts - 1;
    if (outcome.result === 'moved') {
      this.moved++;
      if (inWindow) this.movedInWindow++;
      this.latenciesMs.push(latencyMs);
    } else if (outcome.result === 'refused') {
      this.refused++;
    } else {
      this.exceeded++;
    }
  }

  /** Closes a round of `windowMs` whose in-window commits started at `movedBefore`. */
  endRound(windowMs: number, movedBefore: number): void {
    this.windowMs += windowMs;
    this.roundRates.push(((this.movedInWindow - movedBefore) / windowMs) * 1000);
  }

  fail(error: unknown): void {
    const key = error instanceof Error && 'code' in error && typeof error.code === 'string' ? `SQLSTATE ${error.code}` : String(error);
    this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
  }

  get failed(): number {
    let count = 0;
    for (const n of this.failures.values()) count += n;
    return count;
  }
}

export interface Summary {
  transfersPerSecond: number;
  slowestRound: number;
  fastestRound: number;
  /** Retries per commit (a refusal commits too, having moved nothing). */
  retriesPerCommit: number;
  p50Ms: number;
  p99Ms: number;
  exceeded: number;
  failed: number;
  refused: number;
}

export function summarize(tally: Tally): Summary {
  const sorted = [...tally.latenciesMs].sort((a, b) => a - b);
  const commits = tally.moved + tally.refused;
  return {
    transfersPerSecond: tally.windowMs > 0 ? (tally.movedInWindow / tally.windowMs) * 1000 : 0,
    slowestRound: Math.min(...tally.roundRates),
    fastestRound: Math.max(...tally.roundRates),
    retriesPerCommit: commits > 0 ? tally.retries / commits : Number.NaN,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    exceeded: tally.exceeded,
    failed: tally.failed,
    refused: tally.refused,
  };
}

/** Nearest-rank percentile of ascending `sorted`; NaN when there is nothing to rank. */
function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
}
