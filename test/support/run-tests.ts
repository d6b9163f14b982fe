import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { startDatabaseServer, type DatabaseServer } from './database-server.js';
import { PROCESS_EXITS_FILE_ENV, readProcessExits } from './process-exits.js';
import { findSpecs, SPEC_ROOT_ENV } from './spec-files.js';
import { readSecretLeaks, SECRET_LEAKS_FILE_ENV } from './secret-guard.js';
import type { RunTotals } from './summary-reporter.js';
import { SERVER_KIND_ENV, SERVER_URL_ENV } from './test-database.js';

/**
 * The test command: starts one database server for the whole run, runs every
 * compiled `*.spec.js` under node:test with it, stops the server, and ends with
 * the plain `N passed, N failed, N skipped` line CI reads. That line always
 * agrees with the exit code: besides failed tests it counts failed hooks and
 * suites, files that register no test, files that call `process.exit`, and
 * files that leaked a password; if node:test fails the run without saying
 * why, the counts cannot be trusted, and the line says at least 1 failed.
 * Arguments filter spec files by substring: `npm test -- transaction`.
 * Every test process preloads `log-secret-guard` and `process-exit-guard`.
 * `TEST_TIMEOUT_MS` (default 600000: the consumer test's file installs three
 * apps) bounds each test: node:test's
 * `--test-timeout`, which Node before 24 applies to each file's process, so
 * there a handle a spec leaves open fails its file at that bound instead of
 * hanging CI. `TEST_RUN_TIMEOUT_MS` (default 30 minutes) bounds the whole run
 * whatever the Node version; a run stopped by it prints a summary it
 * cannot vouch for, and fails.
 */
async function main(): Promise<number> {
  const testRoot = join(import.meta.dirname, '..');
  const specRoot = process.env[SPEC_ROOT_ENV] ?? testRoot;
  const filters = process.argv.slice(2);
  const files = findSpecs(specRoot).filter(
    (file) => filters.length === 0 || filters.some((filter) => relative(specRoot, file).includes(filter)),
  );
  if (files.length === 0) {
    console.error(`No spec files match ${filters.join(', ')}`);
    return 1;
  }

  const server = await startDatabaseServer();
  console.log(`Database server: ${server.kind}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void server.stop().finally(() => process.exit(130)));
  }
  const summaryDir = mkdtempSync(join(tmpdir(), 'nestjs-cockroachdb-summary-'));
  const summaryFile = join(summaryDir, 'summary.json');
  const leaksFile = join(summaryDir, 'secret-leaks.jsonl');
  const exitsFile = join(summaryDir, 'process-exits.jsonl');
  let exitCode = 1;
  try {
    exitCode = await runNodeTest(files, { summaryFile, leaksFile, exitsFile }, server);
  } finally {
    await server.stop();
  }
  const totals = readTotals(summaryFile);
  const leakingFiles = reportSecretLeaks(leaksFile, specRoot);
  const brokenFiles = reportBrokenFiles(files, totals, exitsFile, specRoot);
  rmSync(summaryDir, { recursive: true, force: true });
  if (!totals) {
    console.error('The test runner wrote no summary (it crashed or was stopped before finishing): the counts cannot be trusted');
    console.log('0 passed, 1 failed, 0 skipped');
    return 1;
  }
  for (const failure of totals.suiteFailures) console.error(`Failed outside a test: ${failure}`);
  let failed = totals.failed + leakingFiles + brokenFiles;
  if (exitCode !== 0 && failed === 0) {
    console.error(`node --test exited with code ${exitCode} but reported no failure: the counts cannot be trusted`);
    failed = 1;
  }
  console.log(`${totals.passed} passed, ${failed} failed, ${totals.skipped} skipped`);
  return failed > 0 ? 1 : exitCode;
}

/** Prints every password the log guard saw (masked) and returns how many spec files leaked one. */
function reportSecretLeaks(leaksFile: string, specRoot: string): number {
  const leaks = readSecretLeaks(leaksFile);
  for (const leak of leaks) {
    console.error(`Secret guard: ${relative(specRoot, leak.file)} logged a password at ${leak.level} level: ${leak.excerpt}`);
  }
  return new Set(leaks.map((leak) => leak.file)).size;
}

/**
 * Prints, and returns how many, spec files ended without running what they
 * hold: a file that called `process.exit` (its remaining tests never ran) or
 * a file that registered no test at all (nothing ran; also what a file looks
 * like whose results an early exit lost).
 */
function reportBrokenFiles(files: string[], totals: RunTotals | undefined, exitsFile: string, specRoot: string): number {
  const broken = new Set<string>();
  for (const exit of readProcessExits(exitsFile)) {
    console.error(`${relative(specRoot, exit.file)} called process.exit(${exit.code}) ${exit.caller}: its remaining tests never ran`);
    broken.add(exit.file);
  }
  if (!totals) return broken.size;
  for (const file of files) {
    const tests = (totals.testsByFile[file] ?? 0) + (totals.testsByFile[sourceOf(file)] ?? 0);
    if (broken.has(file) || tests > 0) continue;
    console.error(`${relative(specRoot, file)} registered no test`);
    broken.add(file);
  }
  return broken.size;
}

/** The TypeScript file a compiled spec came from: node:test names that one when source maps are on. */
function sourceOf(compiled: string): string {
  const projectRoot = join(import.meta.dirname, '..', '..', '..');
  return join(projectRoot, relative(join(projectRoot, 'build'), compiled)).replace(/\.js$/, '.ts');
}

function readTotals(file: string): RunTotals | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RunTotals;
  } catch {
    return undefined;
  }
}

interface RunFiles {
  summaryFile: string;
  leaksFile: string;
  exitsFile: string;
}

function runNodeTest(files: string[], { summaryFile, leaksFile, exitsFile }: RunFiles, server: DatabaseServer): Promise<number> {
  const args = [
    '--enable-source-maps',
    // node:test passes these flags on to each test file's process.
    '--import',
    join(import.meta.dirname, 'log-secret-guard.js'),
    '--import',
    join(import.meta.dirname, 'process-exit-guard.js'),
    '--test',
    `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`,
    `--test-timeout=${process.env.TEST_TIMEOUT_MS ?? 600_000}`,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${join(import.meta.dirname, 'summary-reporter.js')}`,
    `--test-reporter-destination=${summaryFile}`,
    ...files,
  ];
  // Its own process group, so the watchdog can end it together with every test process it started.
  const child = spawn(process.execPath, args, {
    stdio: 'inherit',
    detached: true,
    env: {
      ...process.env,
      [SERVER_URL_ENV]: server.url,
      [SERVER_KIND_ENV]: server.kind,
      [SECRET_LEAKS_FILE_ENV]: leaksFile,
      [PROCESS_EXITS_FILE_ENV]: exitsFile,
    },
  });
  const killGroup = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  const runTimeoutMs = Number(process.env.TEST_RUN_TIMEOUT_MS ?? 1_800_000);
  const watchdog = setTimeout(() => {
    console.error(`The run did not end within TEST_RUN_TIMEOUT_MS (${runTimeoutMs} ms): stopping it`);
    killGroup();
  }, runTimeoutMs);
  process.once('exit', killGroup);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(watchdog);
      resolve(code ?? 1);
    }),
  );
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
