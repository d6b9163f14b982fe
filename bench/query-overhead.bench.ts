import pg from 'pg';
import { CockroachDatabase } from '../src/index.js';
import { compare, throughput } from './support/measure.js';

const { Pool } = pg;

/**
 * What `db.query` costs over the raw `pg` pool it wraps: the same one-row
 * query, same pool size, sequential and 8-way concurrent.
 */
export async function queryOverhead(url: string): Promise<void> {
  const db = await CockroachDatabase.connect({ url, pool: { max: 8 } });
  const raw = new Pool({ connectionString: url, max: 8 });
  // The raw pool has no handlers of its own; the server stopping after the run must not crash it.
  raw.on('error', () => undefined);
  raw.on('connect', (client) => client.on('error', () => undefined));
  const statement = 'SELECT 1 AS one';
  console.log('\nQuery overhead: db.query vs raw pg Pool.query (ops/s, median of 5 rounds)');
  for (const concurrency of [1, 8]) {
    const count = 2000;
    await throughput(200, concurrency, () => db.query(statement)); // warm-up
    await throughput(200, concurrency, () => raw.query(statement));
    const { a: ours, b: baseline } = await compare(
      5,
      () => throughput(count, concurrency, () => db.query(statement)),
      () => throughput(count, concurrency, () => raw.query(statement)),
    );
    console.log(
      `  concurrency ${concurrency}: ours ${ours.toFixed(0)}/s, raw pg ${baseline.toFixed(0)}/s, ` +
        `cost ratio ${(baseline / ours).toFixed(3)}x`,
    );
  }
  await Promise.all([db.close(), raw.end()]);
}
