import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Where run-tests looks for spec files instead of the compiled `test/`; the runner's self-test points it at its fixtures. */
export const SPEC_ROOT_ENV = 'NESTJS_COCKROACHDB_SPEC_ROOT';

/** Every compiled `*.spec.js` under `dir`, sorted, skipping `fixtures` folders. */
export function findSpecs(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((entry) => {
      const path = join(dir, entry);
      // `fixtures` folders hold specs meant to fail: the runner's self-test runs them on purpose.
      if (statSync(path).isDirectory()) return entry === 'fixtures' ? [] : findSpecs(path);
      return entry.endsWith('.spec.js') ? [path] : [];
    })
    .sort();
}
