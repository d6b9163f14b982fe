import type { Tally } from './stats.js';
import type { StrategyRun } from './strategy.js';
import { randomMove } from './transfer.js';

/**
 * `workers` loops transfer between random accounts for `durationMs`, then
 * stop starting new transfers; those still running are let finish, so the
 * next run starts on a quiet server and every started transfer is counted.
 */
export async function runTimed(run: StrategyRun, workers: number, accounts: number, durationMs: number, tally: Tally): Promise<void> {
  const deadline = performance.now() + durationMs;
  const movedBefore = tally.movedInWindow;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < deadline) {
        const move = randomMove(accounts);
        const begun = performance.now();
        try {
          const outcome = await run.transfer(move);
          const ended = performance.now();
          tally.record(outcome, ended - begun, ended <= deadline);
        } catch (error) {
          tally.fail(error);
        }
      }
    }),
  );
  tally.endRound(durationMs, movedBefore);
}
