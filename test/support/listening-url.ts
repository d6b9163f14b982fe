import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Waits for `cockroach start --listening-url-file` to name its URL. The file
 * is written in place (not renamed into place), so a reader can see it half
 * written; cockroach ends the URL with a newline, so only a first line that
 * ends with one and parses as a URL counts.
 */
export async function waitForListeningUrl(file: string, child: ChildProcess, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const url = completeUrl(file);
    if (url) return url;
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`cockroach exited (${child.exitCode ?? child.signalCode}) before it wrote its URL`);
    }
    if (Date.now() > deadline) throw new Error(`cockroach did not write its URL to ${file} within ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

function completeUrl(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined; // not created yet
  }
  const end = text.indexOf('\n');
  if (end < 0) return undefined;
  const line = text.slice(0, end).trim();
  return URL.canParse(line) ? line : undefined;
}
