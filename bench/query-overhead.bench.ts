import { CockroachDatabase } from '../src/index.js';
import { compare, throughput } from './support/measure.js';

/**
 * What `db.query` costs over the raw `pg` pool it wraps: the same one-row
 * query on the same pool (the one under the library, so both sides use the
 * same connections), sequential and 8-way concurrent.
 */
export async function queryOverhead(url: string): Promise<void> {
  const db = await CockroachDatabase.connect({ url, pool: { max: 8 } });
  const raw = db.pool.driver;
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
  await db.close();
}
