import { MAX_AMOUNT } from './accounts.js';

export interface Move {
  from: number;
  to: number;
  amount: number;
}

/** `moved`: committed a transfer; `refused`: committed having found too little money (no retry involved). */
export type TransferResult = 'moved' | 'refused';

/** Runs one statement on the strategy's connection, inside its transaction. */
export type RunStatement = (text: string, values: unknown[]) => Promise<{ rows: Array<Record<string, unknown>> }>;

const READ_BALANCES = 'SELECT id, balance FROM accounts WHERE id IN ($1, $2)';
const ADD_TO_BALANCE = 'UPDATE accounts SET balance = balance + $2 WHERE id = $1';

/** A random pair of distinct accounts among the hot set `1..accounts`. */
export function randomMove(accounts: number): Move {
  const from = 1 + Math.floor(Math.random() * accounts);
  const to = 1 + ((from + Math.floor(Math.random() * (accounts - 1))) % accounts);
  return { from, to, amount: 1 + Math.floor(Math.random() * MAX_AMOUNT) };
}

/**
 * The body every strategy runs, statement for statement: read both
 * balances, refuse if the payer is short, update both rows. The rows are
 * updated in key order so two opposite transfers cannot deadlock: a deadlock
 * would be resolved by the server's detector after `deadlock_timeout` and
 * measure that timeout rather than the retry strategies.
 */
export async function transfer(run: RunStatement, move: Move): Promise<TransferResult> {
  const { rows } = await run(READ_BALANCES, [move.from, move.to]);
  const payer = rows.find((row) => Number(row.id) === move.from);
  if (rows.length !== 2 || payer === undefined) throw new Error(`Accounts ${move.from} and ${move.to} must both exist`);
  if (Number(payer.balance) < move.amount) return 'refused';
  const debit = [move.from, -move.amount];
  const credit = [move.to, move.amount];
  for (const values of move.from < move.to ? [debit, credit] : [credit, debit]) {
    await run(ADD_TO_BALANCE, values);
  }
  return 'moved';
}
