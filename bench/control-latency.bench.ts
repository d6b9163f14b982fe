import { CockroachDatabase, type QueryEvent } from '../src/index.js';

const WORKERS = 8;
const DURATION_MS = 5_000;
const ROWS = 4;

/**
 * How long transaction-control statements take under contention, from the
 * library's own `onQuery` durations: the evidence behind the default deadline
 * of control statements (README "Timeouts and network faults"). 8 workers move money
 * between 4 rows for 5 s, so transactions queue for locks and retry; the
 * tail of BEGIN/COMMIT/ROLLBACK latency is what a deadline must stay clear of.
 */
export async function controlLatency(url: string): Promise<void> {
  const durations = new Map<string, number[]>();
  const record = (event: QueryEvent) => {
    const kind = /^(BEGIN|COMMIT|ROLLBACK|RELEASE|SAVEPOINT)/.exec(event.text)?.[1] ?? 'body';
    (durations.get(kind) ?? durations.set(kind, []).get(kind)!).push(event.durationMs);
  };
  const db = await CockroachDatabase.connect({ url, pool: { max: WORKERS }, onQuery: record });
  await db.query('CREATE TABLE IF NOT EXISTS control_latency (id INT8 PRIMARY KEY, n INT8 NOT NULL)');
  await db.query('INSERT INTO control_latency (id, n) SELECT g, 0 FROM generate_series(1, $1::INT8) AS g ON CONFLICT (id) DO NOTHING', [ROWS]);
  durations.clear();

  const stopAt = performance.now() + DURATION_MS;
  let failures = 0;
  await Promise.all(
    Array.from({ length: WORKERS }, async () => {
      while (performance.now() < stopAt) {
        const from = 1 + Math.floor(Math.random() * ROWS);
        const to = 1 + (from % ROWS);
        await db
          .runTransaction(async () => {
            await db.query('UPDATE control_latency SET n = n - 1 WHERE id = $1', [from]);
            await db.query('UPDATE control_latency SET n = n + 1 WHERE id = $1', [to]);
          })
          .catch(() => failures++);
      }
    }),
  );
  const stats = db.stats();
  await db.close();

  console.log(`\nControl-statement latency under contention on ${db.dialect}: ${WORKERS} workers, ${ROWS} rows, ${DURATION_MS / 1000} s (ms)`);
  console.log(`  commits ${stats.commits}, retries ${stats.retries}, failed calls ${failures}`);
  for (const [kind, values] of [...durations].sort()) {
    values.sort((a, b) => a - b);
    const at = (q: number) => values[Math.min(values.length - 1, Math.floor(q * values.length))]!.toFixed(1);
    console.log(`  ${kind.padEnd(9)} n=${String(values.length).padEnd(6)} p50 ${at(0.5)}  p99 ${at(0.99)}  p99.9 ${at(0.999)}  max ${values[values.length - 1]!.toFixed(1)}`);
  }
}
