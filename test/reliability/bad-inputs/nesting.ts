import 'reflect-metadata';
import { runTransaction, Transactional, type CockroachDatabase } from '../../../src/index.js';
import { configurationError, nestedTransactionError, type BadInput, type BadInputEnv } from './bad-input.js';

/** Runs the bad call inside an outer transaction that joins fine and commits; `readOnly` / `asOfSystemTime` shape it. */
const withinTransaction =
  (options: { readOnly?: boolean; asOfSystemTime?: string } = {}) =>
  (env: BadInputEnv, badCall: () => Promise<void>) =>
    env.db.transaction(() => badCall(), options);

/** A read-only service calling a read-write one: the decorator form of the first nesting rule. */
class Ledger {
  constructor(private readonly db: CockroachDatabase) {}

  @Transactional()
  async record(): Promise<number> {
    return (await this.db.query('SELECT 1 AS one')).rows.length;
  }
}

class Report {
  constructor(readonly ledger: Ledger) {}

  @Transactional({ readOnly: true })
  async summarise(write: () => Promise<void>): Promise<void> {
    await write();
  }
}

export const NESTING_ROWS: readonly BadInput[] = [
  {
    name: 'nesting: a read-write transaction() inside a read-only one',
    inside: withinTransaction({ readOnly: true }),
    call: (env) => env.db.transaction(async () => 'write'),
    expected: configurationError('readOnly', 'a read-write call cannot join a read-only transaction'),
  },
  {
    name: 'nesting: a read-write @Transactional method called from a read-only @Transactional one',
    inside: (env, badCall) => new Report(new Ledger(env.db)).summarise(badCall),
    call: (env) => new Ledger(env.db).record(),
    expected: configurationError('readOnly', 'a read-write call cannot join a read-only transaction'),
  },
  {
    name: 'nesting: a different asOfSystemTime inside a historical read',
    inside: withinTransaction({ asOfSystemTime: '-5s' }),
    call: (env) => env.db.transaction(async () => 'read', { asOfSystemTime: '-10s' }),
    expected: configurationError('asOfSystemTime', 'a nested call cannot change the outer transaction’s AS OF SYSTEM TIME'),
  },
  {
    name: 'nesting: an asOfSystemTime inside a current-time transaction',
    inside: withinTransaction(),
    call: (env) => env.db.transaction(async () => 'read', { asOfSystemTime: 'follower_read_timestamp()' }),
    expected: configurationError('asOfSystemTime', 'cannot change the outer transaction’s AS OF SYSTEM TIME'),
  },
  {
    name: 'nesting: a different isolation level inside',
    inside: withinTransaction(),
    call: (env) => env.db.transaction(async () => 'read', { isolation: 'read committed' }),
    expected: configurationError('isolation', 'the outer transaction is serializable, the nested call asks for read committed'),
  },
  {
    name: 'nesting: db.runTransaction() inside a transaction',
    inside: withinTransaction(),
    call: (env) => env.db.runTransaction(async () => 'own'),
    expected: nestedTransactionError('runTransaction() was called inside an active transaction; use transaction() to join it'),
  },
  {
    name: 'nesting: runTransaction(db, …) inside a read-only transaction',
    inside: withinTransaction({ readOnly: true }),
    call: (env) => runTransaction(env.db, async () => 'own', { readOnly: true }),
    expected: nestedTransactionError('runTransaction() was called inside an active transaction'),
  },
  {
    name: "nesting: propagation 'never' inside a transaction",
    inside: withinTransaction(),
    call: (env) => env.db.transaction(async () => 'never', { propagation: 'never' }),
    expected: nestedTransactionError('propagation "never": a transaction is already active'),
  },
  {
    name: "nesting: propagation 'mandatory' with no transaction active",
    call: (env) => env.db.transaction(async () => 'joins nothing', { propagation: 'mandatory' }),
    expected: configurationError('propagation', '"mandatory" requires an active transaction, and there is none'),
  },
];
