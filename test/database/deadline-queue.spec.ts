import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeadlineQueue } from '../../src/connection/statement-deadline.js';

/**
 * The client-side statement deadlines share one timer per length. These run
 * on real timers with short lengths; each check leaves wide margins, since
 * the assertions are about which statements expire, not exactly when.
 */
describe('DeadlineQueue: every statement under one timer', () => {
  it('expires a statement that outlives its deadline, and only once', async () => {
    const queue = new DeadlineQueue(40);
    let expired = 0;
    const watched = queue.watch(() => expired++);
    await sleep(200);
    assert.equal(expired, 1);
    assert.equal(queue.settle(watched), false, 'a statement settled after its deadline reports that it had expired');
    assert.equal(expired, 1);
    assert.equal(queue.pending, 0);
  });

  it('never expires a statement settled in time, though the timer armed for it still fires', async () => {
    const queue = new DeadlineQueue(40);
    let expired = 0;
    for (let index = 0; index < 1000; index++) assert.equal(queue.settle(queue.watch(() => expired++)), true);
    await sleep(200);
    assert.equal(expired, 0);
    assert.equal(queue.pending, 0);
  });

  it('re-arms for statements that started after the oldest one: each expires at its own deadline', async () => {
    const queue = new DeadlineQueue(100);
    const expiredAt: Record<string, number> = {};
    const startedAt = performance.now();
    const first = queue.watch(() => (expiredAt.first = performance.now() - startedAt));
    await sleep(60);
    queue.watch(() => (expiredAt.second = performance.now() - startedAt));
    queue.settle(first); // the timer was armed for `first`; it must now wake for `second`
    await sleep(300);
    assert.equal(expiredAt.first, undefined);
    assert.ok(expiredAt.second !== undefined, 'the later statement expired');
    assert.ok(expiredAt.second >= 155, `not before its own deadline (expired after ${expiredAt.second.toFixed(0)} ms, started at ~60 + 100 ms)`);
  });

  it('expires only the statements still running among many, in any settling order', async () => {
    const queue = new DeadlineQueue(50);
    const expired = new Set<number>();
    const watched = Array.from({ length: 3000 }, (_, index) => queue.watch(() => expired.add(index)));
    // Settle all but every 7th, out of order (most recent first), as concurrent statements finish.
    for (let index = watched.length - 1; index >= 0; index--) if (index % 7 !== 0) queue.settle(watched[index]!);
    assert.equal(queue.pending, Math.ceil(3000 / 7));
    await sleep(250);
    assert.deepEqual([...expired].sort((a, b) => a - b), watched.map((_, index) => index).filter((index) => index % 7 === 0));
    assert.equal(queue.pending, 0);
  });

  it('does not keep the process alive by itself (a statement in flight holds its socket instead)', async () => {
    const { spawnSync } = await import('node:child_process');
    const moduleUrl = new URL('../../src/connection/statement-deadline.js', import.meta.url).href;
    const script = `import { DeadlineQueue } from ${JSON.stringify(moduleUrl)}; new DeadlineQueue(60_000).watch(() => {}); console.log('armed');`;
    const started = performance.now();
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(child.stdout.trim(), 'armed');
    assert.equal(child.status, 0);
    assert.ok(performance.now() - started < 20_000, 'exited without waiting for the 60 s deadline');
  });
});
