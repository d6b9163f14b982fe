import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Counts the owned transactions running now, so a graceful shutdown can
 * refuse new ones and wait for the running ones (a counter: no promise per
 * transaction on the hot path).
 */
export class TransactionGate {
  private running = 0;
  private closed = false;
  private onDrained: (() => void) | undefined;

  /** Set once shutdown began: no new transaction may start. */
  get isClosing(): boolean {
    return this.closed;
  }

  get runningTransactions(): number {
    return this.running;
  }

  transactionStarted(): void {
    this.running++;
  }

  transactionEnded(): void {
    if (--this.running === 0) this.onDrained?.();
  }

  /**
   * Closes the gate and waits up to `timeoutMs` for the running transactions
   * to end; resolves with how many are still running then (0 when all ended).
   */
  async close(timeoutMs: number): Promise<number> {
    this.closed = true;
    if (this.running === 0) return 0;
    const settled = new Promise<'settled'>((resolve) => {
      this.onDrained = () => resolve('settled');
    });
    // A referenced timer: the caller awaiting close() must resume even if nothing else keeps Node alive.
    const stopWaiting = new AbortController();
    const timeout = sleep(timeoutMs, 'timeout', { signal: stopWaiting.signal }).catch(() => 'settled');
    await Promise.race([settled, timeout]);
    stopWaiting.abort();
    this.onDrained = undefined;
    return this.running;
  }
}
