import type { ContentionConfig } from '../config.js';
import type { Strategy } from '../strategy.js';
import { ours } from './ours.js';
import { immediateRestart, restartWithBackoff } from './restart.js';
import { savepointSleep } from './savepoint-sleep.js';

/** The strategies of this run, `ours` first: every other row is compared with it. */
export function selectStrategies(config: ContentionConfig): Strategy[] {
  const all = [ours('ours'), immediateRestart, savepointSleep, restartWithBackoff];
  if (config.candidate) all.push(ours('candidate', config.candidate));
  if (!config.strategies) return all;
  const known = new Set(all.map((strategy) => strategy.name));
  const unknown = config.strategies.filter((name) => !known.has(name));
  if (unknown.length > 0) throw new Error(`BENCH_CONTENTION_STRATEGIES: unknown ${unknown.join(', ')}; known: ${[...known].join(', ')}`);
  return all.filter((strategy) => config.strategies!.includes(strategy.name));
}
