import { appendFileSync } from 'node:fs';
import { PROCESS_EXITS_FILE_ENV, type ProcessExit } from './process-exits.js';

/**
 * Preloaded (`--import`) into every test process by run-tests. A spec that
 * calls `process.exit` ends its process with tests still unrun and their
 * results unsent, and node:test reports the file as passed; so every such
 * call is recorded and run-tests counts the file as failed. The exit itself
 * still happens. The one legitimate caller is node:test's own
 * `--test-force-exit` once every test has finished, recognised by its frame.
 */
function guardedExit(this: NodeJS.Process, code?: string | number | null): never {
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, guardedExit);
  const caller = holder.stack?.split('\n')[1]?.trim() ?? 'unknown';
  const exitsFile = process.env[PROCESS_EXITS_FILE_ENV];
  if (exitsFile && process.argv[1]?.endsWith('.spec.js') && !caller.includes('node:internal/test_runner')) {
    const exit: ProcessExit = { file: process.argv[1], code: String(code ?? process.exitCode ?? 0), caller };
    appendFileSync(exitsFile, `${JSON.stringify(exit)}\n`);
  }
  return originalExit.call(this, code);
}

const originalExit = process.exit;
process.exit = guardedExit;
