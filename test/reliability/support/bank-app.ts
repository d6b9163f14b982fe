import { ConflictException, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import pg from 'pg';
import { AppModule } from '../../../sample-app/app.module.js';
import { accountsTable } from '../../../sample-app/accounts/accounts.tables.js';
import { TransfersService } from '../../../sample-app/accounts/transfers.service.js';
import { AmbiguousCommitError, CockroachDatabase, type CockroachOptions, getRepositoryToken, type Repository } from '../../../src/index.js';
import type { CapturedLogger } from '../../support/captured-logger.js';

const { Client } = pg;

/** The sample app's bank, started in-process: its transfer service, its database and the seeded accounts. */
export interface BankApp {
  app: INestApplication;
  transfers: TransfersService;
  db: CockroachDatabase;
  accountIds: string[];
  initialBalance: number;
}

export interface BankOptions {
  accounts: number;
  initialBalance: number;
  /** Connection options on top of the sample app's (pool size, application name, shutdown timeout…). */
  overrides?: Omit<CockroachOptions, 'url'>;
  logger?: CapturedLogger;
}

export async function startBankApp(url: string, options: BankOptions): Promise<BankApp> {
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.register(url, options.overrides)] }).compile();
  const app = moduleRef.createNestApplication({ logger: options.logger ?? false });
  await app.init(); // creates the tables
  const accounts = app.get<Repository<typeof accountsTable>>(getRepositoryToken(accountsTable));
  const rows = await accounts.insertMany(
    Array.from({ length: options.accounts }, (_, i) => ({ owner: `owner-${i}`, balance: options.initialBalance })),
  );
  return {
    app,
    transfers: app.get(TransfersService),
    db: app.get(CockroachDatabase),
    accountIds: rows.map((row) => row.id),
    initialBalance: options.initialBalance,
  };
}

/** One transfer a caller was told had committed. */
export interface AcknowledgedTransfer {
  from: string;
  to: string;
  amount: number;
}

export interface TransferOutcomes {
  acknowledged: AcknowledgedTransfer[];
  /** Refused for insufficient funds (HTTP 409): a correct answer, nothing written. */
  refused: number;
  /** Every other failure, as thrown. */
  failures: unknown[];
  /** The transfers whose call failed with AmbiguousCommitError: they may or may not have committed. */
  ambiguous: AcknowledgedTransfer[];
  /** Calls still unsettled after their timeout. */
  hung: number;
}

export function emptyOutcomes(): TransferOutcomes {
  return { acknowledged: [], refused: 0, failures: [], ambiguous: [], hung: 0 };
}

const HUNG = Symbol('hung');

/** One random transfer between two distinct accounts, its outcome recorded. */
export async function transferOnce(bank: BankApp, outcomes: TransferOutcomes, callTimeoutMs: number): Promise<void> {
  const ids = bank.accountIds;
  const from = ids[Math.floor(Math.random() * ids.length)]!;
  const to = ids[(ids.indexOf(from) + 1 + Math.floor(Math.random() * (ids.length - 1))) % ids.length]!;
  const amount = 1 + Math.floor(Math.random() * 300);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof HUNG>((resolve) => {
    timer = setTimeout(() => resolve(HUNG), callTimeoutMs);
  });
  try {
    const result = await Promise.race([bank.transfers.transfer({ from, to, amount }), timeout]);
    if (result === HUNG) outcomes.hung++;
    else outcomes.acknowledged.push({ from, to, amount });
  } catch (error) {
    if (error instanceof ConflictException) outcomes.refused++;
    else outcomes.failures.push(error);
    if (error instanceof AmbiguousCommitError) outcomes.ambiguous.push({ from, to, amount });
  } finally {
    clearTimeout(timer);
  }
}

export interface WorkloadOptions {
  workers: number;
  /** Checked before each call: the workers stop once it says so. */
  stop: () => boolean;
  /** Where outcomes are recorded, so a test can watch them while the workload runs. */
  outcomes?: TransferOutcomes;
  callTimeoutMs?: number;
}

/** `workers` concurrent callers, each transferring until `stop()` says so. */
export async function runWorkers(bank: BankApp, options: WorkloadOptions): Promise<TransferOutcomes> {
  const outcomes = options.outcomes ?? emptyOutcomes();
  await Promise.all(
    Array.from({ length: options.workers }, async () => {
      while (!options.stop()) await transferOnce(bank, outcomes, options.callTimeoutMs ?? 20_000);
    }),
  );
  return outcomes;
}

/** What the database holds, read on a connection of its own (not the app's pool). */
export interface BankState {
  balances: Map<string, bigint>;
  total: bigint;
  /** The transfers table: one row per committed transfer, written in the transfer's own transaction. */
  committed: AcknowledgedTransfer[];
}

export async function readBankState(url: string): Promise<BankState> {
  const client = new Client({ connectionString: url, application_name: 'test-auditor' });
  await client.connect();
  try {
    const accounts = await client.query<{ id: string; balance: string }>('SELECT id::TEXT AS id, balance::TEXT AS balance FROM accounts');
    const transfers = await client.query<{ source: string; target: string; amount: string }>(
      'SELECT source::TEXT AS source, target::TEXT AS target, amount::TEXT AS amount FROM transfers',
    );
    const balances = new Map(accounts.rows.map((row) => [row.id, BigInt(row.balance)]));
    return {
      balances,
      total: [...balances.values()].reduce((sum, balance) => sum + balance, 0n),
      committed: transfers.rows.map((row) => ({ from: row.source, to: row.target, amount: Number(row.amount) })),
    };
  } finally {
    await client.end();
  }
}

/** The balances these transfers explain, from the seeded ones. */
export function expectedBalances(bank: BankApp, transfers: readonly AcknowledgedTransfer[]): Map<string, bigint> {
  const expected = new Map(bank.accountIds.map((id) => [id, BigInt(bank.initialBalance)]));
  for (const { from, to, amount } of transfers) {
    expected.set(from, expected.get(from)! - BigInt(amount));
    expected.set(to, expected.get(to)! + BigInt(amount));
  }
  return expected;
}

/** Names the failures by class, for assertion messages and diagnostics. */
export function describeFailures(failures: readonly unknown[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const failure of failures) {
    const name = failure instanceof Error ? failure.constructor.name : typeof failure;
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

/**
 * The acknowledged transfers that have no committed row: each is a caller
 * told "done" for a transfer that never happened. Multisets, since the same
 * pair and amount can occur twice.
 */
export function acknowledgedButNotCommitted(acknowledged: readonly AcknowledgedTransfer[], committed: readonly AcknowledgedTransfer[]): AcknowledgedTransfer[] {
  const key = (t: AcknowledgedTransfer) => `${t.from}>${t.to}:${t.amount}`;
  const remaining = new Map<string, number>();
  for (const transfer of committed) remaining.set(key(transfer), (remaining.get(key(transfer)) ?? 0) + 1);
  return acknowledged.filter((transfer) => {
    const left = remaining.get(key(transfer)) ?? 0;
    if (left === 0) return true;
    remaining.set(key(transfer), left - 1);
    return false;
  });
}
