import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { startDatabaseServer, type DatabaseServer } from './database-server.js';
import { readSecretLeaks, SECRET_LEAKS_FILE_ENV } from './secret-guard.js';
import { SERVER_KIND_ENV, SERVER_URL_ENV } from './test-database.js';

/**
 * The test command: starts one database server for the whole run, runs every
 * compiled `*.spec.js` under node:test with it, stops the server, and ends with
 * the plain `N passed, N failed, N skipped` line CI reads.
 * Arguments filter spec files by substring: `npm test -- transaction`.
 * Every test process preloads `log-secret-guard`: a spec whose log lines
 * showed a password counts as failed even if its own tests passed.
 */
async function main(): Promise<number> {
  const testRoot = join(import.meta.dirname, '..');
  const filters = process.argv.slice(2);
  const files = findSpecs(testRoot).filter(
    (file) => filters.length === 0 || filters.some((filter) => relative(testRoot, file).includes(filter)),
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
  let exitCode = 1;
  try {
    exitCode = await runNodeTest(files, summaryFile, leaksFile, server);
  } finally {
    await server.stop();
  }
  const totals = readTotals(summaryFile);
  const leakingFiles = reportSecretLeaks(leaksFile, testRoot);
  rmSync(summaryDir, { recursive: true, force: true });
  if (!totals) {
    console.error('The test runner wrote no summary: it crashed before finishing');
    return 1;
  }
  const failed = totals.failed + leakingFiles;
  console.log(`${totals.passed} passed, ${failed} failed, ${totals.skipped} skipped`);
  return failed > 0 ? 1 : exitCode;
}

/** Prints every password the log guard saw (masked) and returns how many spec files leaked one. */
function reportSecretLeaks(leaksFile: string, testRoot: string): number {
  const leaks = readSecretLeaks(leaksFile);
  for (const leak of leaks) {
    console.error(`Secret guard: ${relative(testRoot, leak.file)} logged a password at ${leak.level} level: ${leak.excerpt}`);
  }
  return new Set(leaks.map((leak) => leak.file)).size;
}

function readTotals(file: string): { passed: number; failed: number; skipped: number } | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function runNodeTest(files: string[], summaryFile: string, leaksFile: string, server: DatabaseServer): Promise<number> {
  const args = [
    '--enable-source-maps',
    // node:test passes these flags on to each test file's process.
    '--import',
    join(import.meta.dirname, 'log-secret-guard.js'),
    '--test',
    `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${join(import.meta.dirname, 'summary-reporter.js')}`,
    `--test-reporter-destination=${summaryFile}`,
    ...files,
  ];
  const child = spawn(process.execPath, args, {
    stdio: 'inherit',
    env: {
      ...process.env,
      [SERVER_URL_ENV]: server.url,
      [SERVER_KIND_ENV]: server.kind,
      [SECRET_LEAKS_FILE_ENV]: leaksFile,
    },
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
}

function findSpecs(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((entry) => {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) return findSpecs(path);
      return entry.endsWith('.spec.js') ? [path] : [];
    })
    .sort();
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
