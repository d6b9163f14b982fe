import { existsSync, readFileSync } from 'node:fs';

/**
 * Where test processes append the `process.exit` calls `process-exit-guard` saw (JSON lines), for run-tests to report.
 * Kept apart from the preload so run-tests can read the file without patching its own `process.exit`.
 */
export const PROCESS_EXITS_FILE_ENV = 'NESTJS_COCKROACHDB_PROCESS_EXITS_FILE';

export interface ProcessExit {
  /** The spec file whose process called `process.exit`. */
  file: string;
  code: string;
  /** Where it was called from. */
  caller: string;
}

export function readProcessExits(file: string): ProcessExit[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ProcessExit);
}
