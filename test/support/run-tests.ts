import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { startDatabaseServer } from './database-server';
import { SERVER_URL_ENV } from './test-database';

/**
 * The test command: starts one database server for the whole run, runs every
 * compiled `*.spec.js` under node:test with it, stops the server, and ends with
 * the plain `N passed, N failed, N skipped` line CI reads.
 * Arguments filter spec files by substring: `npm test -- transaction`.
 */
async function main(): Promise<number> {
  const testRoot = join(__dirname, '..');
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
  let exitCode = 1;
  try {
    exitCode = await runNodeTest(files, summaryFile, server.url);
  } finally {
    await server.stop();
  }
  const totals = readTotals(summaryFile);
  rmSync(summaryDir, { recursive: true, force: true });
  if (!totals) {
    console.error('The test runner wrote no summary: it crashed before finishing');
    return 1;
  }
  console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  return totals.failed > 0 ? 1 : exitCode;
}

function readTotals(file: string): { passed: number; failed: number; skipped: number } | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function runNodeTest(files: string[], summaryFile: string, url: string): Promise<number> {
  const args = [
    '--enable-source-maps',
    '--test',
    `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${join(__dirname, 'summary-reporter.js')}`,
    `--test-reporter-destination=${summaryFile}`,
    ...files,
  ];
  const child = spawn(process.execPath, args, { stdio: 'inherit', env: { ...process.env, [SERVER_URL_ENV]: url } });
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
