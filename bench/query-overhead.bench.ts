import { CockroachDatabase } from '../src/index.js';
import { compare, throughput } from './support/measure.js';

/**
 * Two one-row statements, because they travel differently: a value-less one,
 * which `db.query` sends on the extended protocol outside a transaction (its
 * answer can then prove that a statement cut off by a restarting server never
 * ran, so it is sent again: README "During a rolling restart"), where pg sends a
 * simple Query; and one with a value, which both send on the extended protocol.
 */
const STATEMENTS: Array<[label: string, text: string, values: unknown[]]> = [
  ['no values (SELECT 1)', 'SELECT 1 AS one', []],
  ['one value ($1)', 'SELECT $1::INT8 AS one', [1]],
];

/**
 * What `db.query` costs over the raw `pg` pool it wraps: the same one-row
 * query on the same pool (the one under the library, so both sides use the
 * same connections), sequential and 8-way concurrent.
 */
export async function queryOverhead(url: string): Promise<void> {
  const db = await CockroachDatabase.connect({ url, pool: { max: 8 } });
  const raw = db.pool.driver;
  console.log("\nQuery overhead: db.query vs raw pg Pool.query (ops/s, median of 9 rounds; cost ratio: median of each round's raw/ours)");
  for (const [label, text, values] of STATEMENTS) {
    for (const concurrency of [1, 8]) {
      const count = 2000;
      await throughput(200, concurrency, () => db.query(text, values)); // warm-up
      await throughput(200, concurrency, () => raw.query(text, values));
      const { a: ours, b: baseline, bOverA: cost } = await compare(
        9,
        () => throughput(count, concurrency, () => db.query(text, values)),
        () => throughput(count, concurrency, () => raw.query(text, values)),
      );
      console.log(
        `  ${label}, concurrency ${concurrency}: ours ${ours.toFixed(0)}/s, raw pg ${baseline.toFixed(0)}/s, cost ratio ${cost.toFixed(3)}x`,
      );
    }
  }
  await db.close();
}
