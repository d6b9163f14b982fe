import type { Dialect } from '../../src/index.js';
import type { Move, TransferResult } from './transfer.js';

/** How one transfer ended; `exceeded`: the strategy gave up after its last attempt. Other failures are thrown. */
export interface Outcome {
  result: TransferResult | 'exceeded';
  /** Attempts made, the first included: retries are `attempts - 1`. */
  attempts: number;
}

/** One strategy set up for one timed run: its own pool of `poolSize` connections. */
export interface StrategyRun {
  transfer(move: Move): Promise<Outcome>;
  close(): Promise<void>;
}

export interface RunSetup {
  url: string;
  dialect: Dialect;
  poolSize: number;
}

export interface Strategy {
  /** Row label; also the name `BENCH_CONTENTION_STRATEGIES` selects it by. */
  name: string;
  open(setup: RunSetup): Promise<StrategyRun>;
}
