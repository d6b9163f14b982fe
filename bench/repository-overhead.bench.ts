import { CockroachDatabase, createTables, defineTable, dropTables, int4, Repository, text, timestamptz, uuidKey } from '../src/index.js';
import { buildInsert } from '../src/repository/insert.builder.js';
import { buildPage } from '../src/repository/page.builder.js';
import { buildFindById } from '../src/repository/select.builder.js';
import { compare, interleavedLatency, throughput } from './support/measure.js';

const scores = defineTable('bench_scores', { id: uuidKey(), player: text(), score: int4(), at: timestamptz() }, { indexes: [{ columns: ['score'] }] });

/**
 * What the repository costs over the raw `pg` pool: `insert`, `findById` and
 * `findPage` against the very statement the repository sends (recorded from
 * its `onQuery` hook), with the same values, on the raw `pg` pool under the
 * repository's own connections (so both sides talk to the same server
 * processes). The ratio is raw ops/s over repository ops/s (1.00 = no cost).
 */
export async function repositoryOverhead(url: string): Promise<void> {
  const sent: Array<{ text: string; values: readonly unknown[] }> = [];
  // The statements are recorded on a second connection: observing every statement is an opt-in cost,
  // measured apart (the transaction bench does the same), so the measured one has no onQuery.
  const recorder = await CockroachDatabase.connect({ url, name: 'recorder', pool: { max: 1 }, onQuery: (event) => void sent.push(event) });
  const db = await CockroachDatabase.connect({ url, pool: { max: 8 } });
  const raw = db.pool.driver;
  await dropTables(db, scores);
  await createTables(db, scores);
  const repo = new Repository(db, scores);
  const seeded = await repo.insertMany(Array.from({ length: 2000 }, (_, index) => ({ player: `p${index}`, score: index % 97, at: new Date() })));
  const ids = seeded.map((row) => row.id);

  /** The statement the repository sends for `call`, to replay on the raw pool. */
  const recorded = async (call: (recording: Repository<typeof scores>) => Promise<unknown>): Promise<string> => {
    sent.length = 0;
    await call(new Repository(recorder, scores));
    return sent[sent.length - 1]!.text;
  };
  let counter = 0;
  const newRow = () => ({ player: `n${counter++}`, score: counter % 97, at: new Date() });
  const insertText = await recorded((recording) => recording.insert(newRow()));
  const findText = await recorded((recording) => recording.findById(ids[0]!));
  const firstPage = await repo.findPage({ orderBy: { score: 'asc' }, limit: 20 });
  const pageText = await recorded((recording) => recording.findPage({ orderBy: { score: 'asc' }, limit: 20, after: firstPage.next }));
  const pageValues = [...sent[sent.length - 1]!.values];
  await recorder.close();

  const cases: Array<[name: string, ours: () => Promise<unknown>, baseline: () => Promise<unknown>]> = [
    ['insert', () => repo.insert(newRow()), () => { const row = newRow(); return raw.query(insertText, [row.player, row.score, row.at]); }],
    ['findById', () => repo.findById(ids[counter++ % ids.length]!), () => raw.query(findText, [ids[counter++ % ids.length]])],
    ['findPage', () => repo.findPage({ orderBy: { score: 'asc' }, limit: 20, after: firstPage.next }), () => raw.query(pageText, pageValues)],
  ];
  console.log('\nRepository overhead: repository vs the same statement on a raw pg Pool');
  console.log('  latency, one operation of each in turn (median of 2000 each):');
  for (const [name, ours, baseline] of cases) {
    // As many warm-up operations as measured ones: the repository has more of its own code for V8 to optimise
    // than the raw call, and with 200 a run still measured part of it before optimisation (insert read 1.06x, then 1.04x).
    await interleavedLatency(2000, ours, baseline);
    const { a, b } = await interleavedLatency(2000, ours, baseline);
    console.log(`  ${name.padEnd(8)} repository ${(a * 1000).toFixed(0)} µs, raw pg ${(b * 1000).toFixed(0)} µs, cost ratio ${(a / b).toFixed(3)}x`);
  }
  // The repository's own work, without the round trip: stable on a noisy machine where the ratios above are not.
  const pageRows = (await raw.query(pageText, pageValues)).rows as Array<Record<string, unknown>>;
  const cpu: Array<[string, () => unknown]> = [
    ['insert', () => buildInsert(scores, [newRow()])],
    ['findById', () => buildFindById(scores, ids[counter++ % ids.length])],
    ['findPage', () => buildPage(scores, { orderBy: { score: 'asc' }, limit: 20, after: firstPage.next }).finish([...pageRows])],
  ];
  console.log('  the repository\'s own work per call (building the statement, checking values, reading the cursor; no I/O):');
  for (const [name, work] of cpu) {
    for (let index = 0; index < 2000; index++) work();
    const started = performance.now();
    for (let index = 0; index < 20000; index++) work();
    console.log(`  ${name.padEnd(8)} ${(((performance.now() - started) / 20000) * 1000).toFixed(1)} µs`);
  }
  // Short rounds, many of them: each pair of rounds is measured within a fraction of a second, so the
  // load of a shared machine, which drifts over seconds, falls on both sides of a pair alike.
  const rounds = 31;
  const count = 300;
  console.log(`  throughput, alternating rounds of ${count} operations (ops/s, median of ${rounds} rounds; cost ratio: median of each round's raw/repository):`);
  for (const [name, ours, baseline] of cases) {
    for (const concurrency of [1, 8]) {
      await throughput(200, concurrency, ours); // warm-up
      await throughput(200, concurrency, baseline);
      const { a, b, bOverA: cost } = await compare(
        rounds,
        () => throughput(count, concurrency, ours),
        () => throughput(count, concurrency, baseline),
      );
      console.log(`  ${name.padEnd(8)} concurrency ${concurrency}: repository ${a.toFixed(0)}/s, raw pg ${b.toFixed(0)}/s, cost ratio ${cost.toFixed(3)}x`);
    }
  }
  await dropTables(db, scores);
  await db.close();
}
