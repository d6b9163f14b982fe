import { cpus, loadavg, totalmem } from 'node:os';
import { createTestDatabase, SERVER_URL_ENV, type TestDatabase } from '../test/support/test-database.js';
import { checkMoneyConserved, resetAccounts } from './contention/accounts.js';
import { readConfig, type ContentionConfig } from './contention/config.js';
import { runTimed } from './contention/run-cell.js';
import { summarize, Tally } from './contention/stats.js';
import type { Strategy } from './contention/strategy.js';
import { selectStrategies } from './contention/strategies/index.js';
import { HAND_WRITTEN_RETRY } from './contention/strategies/shared.js';
import { tableHeader, tableRow } from './contention/table.js';

/**
 * Goodput under contention: W workers move money between random pairs of a
 * hot set of H accounts at SERIALIZABLE, once per retry strategy, each on a
 * pool of W connections (so W is the concurrency the server sees, with no
 * queueing for connections in between). See bench/README.md.
 */
export async function contention(url: string): Promise<void> {
  const config = readConfig();
  const strategies = selectStrategies(config);
  // createTestDatabase finds the server through the test harness's variable.
  process.env[SERVER_URL_ENV] = url;
  const database = await createTestDatabase('bench_contention');
  try {
    await printPreamble(database, config);
    await warmUp(database, strategies, config.warmUpMs);
    console.log(tableHeader());
    const notes: string[] = [];
    for (const accounts of config.accounts) {
      for (const workers of config.workers) {
        const tallies = await measureCell(database, strategies, config, accounts, workers);
        const ours = tallies.has('ours') ? summarize(tallies.get('ours')!) : undefined;
        for (const [name, tally] of tallies) {
          console.log(tableRow(accounts, workers, name, summarize(tally), ours));
          const where = `H=${accounts} W=${workers} ${name}`;
          if (tally.refused > 0) notes.push(`${where}: ${tally.refused} transfers refused for insufficient funds`);
          for (const [failure, count] of tally.failures) notes.push(`${where}: ${count} failed with ${failure}`);
        }
      }
    }
    for (const note of notes) console.log(`  note: ${note}`);
    console.log(`  load average after: ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);
  } finally {
    await database.drop();
  }
}

/**
 * Every strategy runs `rounds` times per cell, forward then backward
 * (A B C D, D C B A, …) so drift on a shared machine hits all alike.
 */
async function measureCell(
  database: TestDatabase,
  strategies: Strategy[],
  config: ContentionConfig,
  accounts: number,
  workers: number,
): Promise<Map<string, Tally>> {
  const tallies = new Map(strategies.map((strategy) => [strategy.name, new Tally()]));
  for (let round = 0; round < config.rounds; round++) {
    const order = round % 2 === 0 ? strategies : [...strategies].reverse();
    for (const strategy of order) {
      await measureRun(database, strategy, accounts, workers, config.durationMs, tallies.get(strategy.name)!);
    }
  }
  return tallies;
}

/** The first runs of a process are measurably slower until V8 has optimised the code they use. */
async function warmUp(database: TestDatabase, strategies: Strategy[], durationMs: number): Promise<void> {
  for (const strategy of strategies) await measureRun(database, strategy, 1000, 4, durationMs, new Tally());
}

async function measureRun(
  database: TestDatabase,
  strategy: Strategy,
  accounts: number,
  workers: number,
  durationMs: number,
  tally: Tally,
): Promise<void> {
  await resetAccounts(database, accounts);
  const run = await strategy.open({ url: database.url, dialect: database.dialect, poolSize: workers });
  try {
    await runTimed(run, workers, accounts, durationMs, tally);
  } finally {
    await run.close();
  }
  await checkMoneyConserved(database, accounts);
}

async function printPreamble(database: TestDatabase, config: ContentionConfig): Promise<void> {
  const [server] = await database.admin<{ version: string }>('SELECT version() AS version');
  console.log('\nContention: transfers between random pairs of H hot accounts by W workers, SERIALIZABLE, pool max = W');
  console.log(`  server: ${server?.version ?? 'unknown'}`);
  console.log(
    `  machine: ${cpus().length} CPUs, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ` +
      `load average before: ${loadavg().map((n) => n.toFixed(2)).join(' ')}`,
  );
  console.log(
    `  ${config.durationMs / 1000} s per run, ${config.rounds} round(s) per strategy and cell after a ${config.warmUpMs / 1000} s warm-up of each; ` +
      `maxAttempts ${HAND_WRITTEN_RETRY.maxAttempts}, backoff ${HAND_WRITTEN_RETRY.initialDelayMs} ms doubling to ` +
      `${HAND_WRITTEN_RETRY.maxDelayMs} ms (full jitter) wherever they apply`,
  );
  if (config.candidate) console.log(`  candidate: ours with retry ${JSON.stringify(config.candidate)}`);
}
