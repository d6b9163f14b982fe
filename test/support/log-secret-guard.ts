import { Logger } from '@nestjs/common';
import { appendFileSync } from 'node:fs';
import { knownSecrets, leakExcerpt, SECRET_LEAKS_FILE_ENV, visibleText, type SecretLeak } from './secret-guard.js';

/**
 * Preloaded (`--require`) into every test process by run-tests, so "no
 * password in any log line" holds for the whole suite, not only for specs
 * that capture the logger. It wraps Nest's `Logger` methods, the one door
 * every library log line (and Nest's own exception logging) goes through,
 * whichever logger is installed behind it: console, a spec's
 * CapturedLogger, or the TestingLogger that swallows warnings. A leak is
 * appended to the file run-tests names; run-tests prints it and fails the run.
 */
const LEVELS = ['log', 'error', 'warn', 'debug', 'verbose', 'fatal'] as const;
type Level = (typeof LEVELS)[number];
type LogMethod = (this: unknown, message: unknown, ...rest: unknown[]) => void;

function check(level: Level, args: unknown[]): void {
  const secrets = knownSecrets();
  if (secrets.length === 0) return;
  const text = args.map(visibleText).join(' ');
  for (const secret of secrets) {
    const excerpt = leakExcerpt(text, secret);
    if (excerpt === undefined) continue;
    const leak: SecretLeak = { file: process.argv[1] ?? 'unknown', level, excerpt };
    const leaksFile = process.env[SECRET_LEAKS_FILE_ENV];
    if (leaksFile) appendFileSync(leaksFile, `${JSON.stringify(leak)}\n`);
    process.stderr.write(`[secret-guard] a password appeared in a ${level} log line: ${excerpt}\n`);
  }
}

function wrap(target: Record<Level, LogMethod>, level: Level): void {
  const original = target[level];
  target[level] = function (this: unknown, ...args: unknown[]) {
    check(level, args);
    return original.apply(this, args as [unknown, ...unknown[]]);
  };
}

const instanceMethods = Logger.prototype as unknown as Record<Level, LogMethod>;
const staticMethods = Logger as unknown as Record<Level, LogMethod>;
for (const level of LEVELS) {
  wrap(instanceMethods, level);
  wrap(staticMethods, level);
}
