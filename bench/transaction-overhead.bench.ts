import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { CockroachDatabase, Transactional } from '../src/index.js';
import { compare, throughput } from './support/measure.js';

const STATEMENT = 'UPDATE counters SET n = n + 1 WHERE id = $1';
/** Rounds per comparison: a median over 9 is steadier than over 5 on a shared machine. */
const ROUNDS = 9;

class CounterService {
  constructor(private readonly db: CockroachDatabase) {}

  @Transactional()
  async bump(id: number): Promise<void> {
    await this.db.query(STATEMENT, [id]);
  }
}

/**
 * A one-statement transaction through @Transactional against the same
 * transaction written by hand on the raw pg pool (BEGIN, statement, COMMIT),
 * sequential and 8-way concurrent. The hand-written side uses the pg pool
 * under the library's own connections, so both sides talk to the same
 * server processes. Also counts the statements the savepoint
 * protocol sends for it (peewee and sqlalchemy-cockroachdb take 5 round trips).
 */
export async function transactionOverhead(url: string): Promise<void> {
  // No onQuery here: observing every statement is an opt-in cost, measured apart from the transaction's own.
  const db = await CockroachDatabase.connect({ url, pool: { max: 8 } });
  const raw = db.pool.driver;
  await db.query('CREATE TABLE IF NOT EXISTS counters (id INT8 PRIMARY KEY, n INT8 NOT NULL DEFAULT 0)');
  await db.query('INSERT INTO counters (id) SELECT g FROM generate_series(1, 64) AS g ON CONFLICT DO NOTHING');
  const service = new CounterService(db);
  // Each worker bumps its own row: this measures overhead, not contention.
  let nextRow = 0;
  const row = () => 1 + (nextRow++ % 64);

  // Retries 40001 like any correct hand-written serializable transaction: PostgreSQL's
  // predicate locks can fail one even when every worker writes its own row.
  const handWritten = async () => {
    const client = await raw.connect();
    try {
      for (;;) {
        try {
          await client.query('BEGIN TRANSACTION ISOLATION LEVEL SERIALIZABLE');
          await client.query(STATEMENT, [row()]);
          await client.query('COMMIT');
          return;
        } catch (error) {
          await client.query('ROLLBACK');
          if ((error as { code?: string }).code !== '40001') throw error;
        }
      }
    } finally {
      client.release();
    }
  };

  console.log(
    `\nTransaction overhead on ${db.dialect}: @Transactional vs hand-written BEGIN/statement/COMMIT on raw pg ` +
      `(tx/s, median of ${ROUNDS} rounds; cost ratio: median of each round's hand-written/ours)`,
  );
  for (const concurrency of [1, 8]) {
    const count = 2000;
    await throughput(200, concurrency, () => service.bump(row()));
    await throughput(200, concurrency, handWritten);
    const { a: ours, b: baseline, bOverA: cost } = await compare(
      ROUNDS,
      () => throughput(count, concurrency, () => service.bump(row())),
      () => throughput(count, concurrency, handWritten),
    );
    console.log(
      `  concurrency ${concurrency}: ours ${ours.toFixed(0)}/s, hand-written ${baseline.toFixed(0)}/s, ` +
        `cost ratio ${cost.toFixed(3)}x (target ≤ ${concurrency === 1 ? '1.05' : '1.00'}x; @opentelemetry/api loaded, no provider)`,
    );
  }

  // The same sequential comparison with a tracer provider registered (spans recorded, then dropped: no exporter).
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(new BasicTracerProvider());
  const { a: traced, b: tracedBaseline, bOverA: tracedCost } = await compare(
    ROUNDS,
    () => throughput(2000, 1, () => service.bump(row())),
    () => throughput(2000, 1, handWritten),
  );
  console.log(
    `  concurrency 1, tracer provider registered: ours ${traced.toFixed(0)}/s, hand-written ${tracedBaseline.toFixed(0)}/s, ` +
      `cost ratio ${tracedCost.toFixed(3)}x`,
  );
  trace.disable();
  context.disable();
  await db.close();

  let savepointTrips = 0;
  const savepointDb = await CockroachDatabase.connect({
    url,
    name: 'savepoint-bench',
    retry: { strategy: 'savepoint' },
    onQuery: () => savepointTrips++,
  });
  const transactions = 100;
  for (let i = 0; i < transactions; i++) {
    await savepointDb.transaction(() => savepointDb.query(STATEMENT, [row()]));
  }
  // Statements, not round trips: the first statement goes out behind the opening batch without waiting for
  // its answer (test/transaction/pipelined-begin.spec.ts shows it on the wire), so 3 statements take 2 round trips.
  console.log(
    `  savepoint protocol: ${(savepointTrips / transactions).toFixed(2)} statements per one-statement transaction, ` +
      `the first two in one round trip (anchors: 5 round trips)`,
  );
  await savepointDb.close();
}
