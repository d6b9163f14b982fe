import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { SERVER_URL_ENV } from './test-database.js';

/**
 * Passwords must never reach a log line or an error (DESIGN §2). Specs
 * assert it on what they see; `log-secret-guard` checks every Nest log
 * call of the whole run against `knownSecrets()`.
 */

/** Where test processes append the leaks `log-secret-guard` finds (JSON lines), for run-tests to report. */
export const SECRET_LEAKS_FILE_ENV = 'NESTJS_COCKROACHDB_SECRET_LEAKS_FILE';

export interface SecretLeak {
  /** The spec file whose process logged it. */
  file: string;
  level: string;
  /** The log text around the secret, the secret masked. */
  excerpt: string;
}

export function readSecretLeaks(file: string): SecretLeak[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as SecretLeak);
}

const registered = new Set<string>();

/** Adds a password a spec made up (e.g. for a server of its own) to the ones the whole-run log guard looks for. */
export function registerSecret(secret: string): void {
  if (secret) registered.add(secret);
}

/** The run's server password, if it has one, and every registered secret. */
export function knownSecrets(): string[] {
  const url = process.env[SERVER_URL_ENV];
  const fromServer = url ? decodeURIComponent(new URL(url).password) : '';
  return [...new Set([fromServer, ...registered])].filter((secret) => secret.length > 0);
}

/**
 * Everything a user could ever see of a value: its message, its stack, and
 * `util.inspect` of it, which walks own properties, `cause` chains and
 * AggregateError members (what Node prints for an uncaught error).
 */
export function visibleText(value: unknown): string {
  if (!(value instanceof Error)) return typeof value === 'string' ? value : inspect(value, { depth: 8 });
  return [String(value), value.stack ?? '', inspect(value, { depth: 8 })].join('\n');
}

/** Where `secret` (raw or URL-encoded) first appears in `text`, with the secret masked; undefined if absent. */
export function leakExcerpt(text: string, secret: string): string | undefined {
  for (const form of new Set([secret, encodeURIComponent(secret)])) {
    const at = text.indexOf(form);
    if (at >= 0) return `…${text.slice(Math.max(0, at - 80), at + form.length + 80).split(form).join('<SECRET>')}…`;
  }
  return undefined;
}

/** Fails if `secret` (raw or URL-encoded) appears in any of `values` (log lines, errors, …). */
export function assertSecretAbsent(secret: string, values: readonly unknown[], what = 'an error or a log line'): void {
  for (const value of values) {
    const excerpt = leakExcerpt(visibleText(value), secret);
    assert.equal(excerpt, undefined, `the password leaked into ${what}: ${excerpt}`);
  }
}
