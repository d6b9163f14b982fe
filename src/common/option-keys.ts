import { ConfigurationError } from '../errors.js';

/**
 * Every key an options interface has, checked by the compiler: written as
 * `optionKeys({ a: true, b: true } satisfies Record<keyof Options, true>)`,
 * so a new option cannot be forgotten here.
 */
export function optionKeys(keys: Record<string, true>): readonly string[] {
  return Object.keys(keys);
}

/**
 * Refuses keys an options object does not have: a typo such as
 * `pool.maxConnections` would otherwise be ignored and the default used.
 */
export function refuseUnknownKeys(given: object, known: readonly string[], prefix = ''): void {
  for (const key of Object.keys(given)) {
    if (known.includes(key)) continue;
    const suggestion = closest(key, known);
    throw new ConfigurationError(
      `${prefix}${key}`,
      `unknown option${suggestion ? ` (did you mean "${prefix}${suggestion}"?)` : ''}; expected one of ${known.join(', ')}`,
    );
  }
}

/** The known key within two edits of `key`, case aside, if there is one. */
function closest(key: string, known: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { key: candidate, distance };
  }
  return best?.key;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
