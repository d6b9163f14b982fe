/** Runs `operation` `count` times with `concurrency` workers; returns operations per second. */
export async function throughput(count: number, concurrency: number, operation: () => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        await operation();
      }
    }),
  );
  return (count / (performance.now() - started)) * 1000;
}

/**
 * Measures two candidates in alternating rounds (A B B A …) so drift in a
 * noisy machine hits both alike. Reports the median of each, and `bOverA`:
 * the median of each round's B / A, the two measured back to back, which a
 * machine whose load changes from one round to the next disturbs least.
 */
export async function compare(
  rounds: number,
  measureA: () => Promise<number>,
  measureB: () => Promise<number>,
): Promise<{ a: number; b: number; bOverA: number }> {
  const a: number[] = [];
  const b: number[] = [];
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      a.push(await measureA());
      b.push(await measureB());
    } else {
      b.push(await measureB());
      a.push(await measureA());
    }
  }
  return { a: median(a), b: median(b), bOverA: median(a.map((value, round) => b[round]! / value)) };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Per-operation latency of two candidates run alternately, one operation
 * each in turn (A B B A …), so that load from other processes on a shared
 * machine falls on both alike even when it changes from one millisecond to
 * the next. Returns the median latency of each, in milliseconds.
 */
export async function interleavedLatency(
  count: number,
  operationA: () => Promise<unknown>,
  operationB: () => Promise<unknown>,
): Promise<{ a: number; b: number }> {
  const a: number[] = [];
  const b: number[] = [];
  const time = async (operation: () => Promise<unknown>, into: number[]) => {
    const started = performance.now();
    await operation();
    into.push(performance.now() - started);
  };
  for (let index = 0; index < count; index++) {
    if (index % 2 === 0) {
      await time(operationA, a);
      await time(operationB, b);
    } else {
      await time(operationB, b);
      await time(operationA, a);
    }
  }
  return { a: median(a), b: median(b) };
}
