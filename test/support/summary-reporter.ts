import { isAbsolute } from 'node:path';

/** The part of a node:test `test:pass` / `test:fail` event this reporter reads (documented for Node 20 and 22+). */
interface TestEvent {
  type: string;
  data: {
    name?: string;
    file?: string;
    details?: { type?: string; error?: { failureType?: string; message?: string; cause?: unknown } };
    skip?: boolean | string;
    todo?: boolean | string;
  };
}

/** What the reporter writes to its destination (JSON); run-tests prints the CI summary line from it. */
export interface RunTotals {
  passed: number;
  failed: number;
  skipped: number;
  /** Tests (and skipped suites) each spec file reported, by absolute path: a file missing here registered none. */
  testsByFile: Record<string, number>;
  /** Failures that belong to no test case: a hook, a `describe` body, a whole file (crash, timeout). */
  suiteFailures: string[];
}

/**
 * A node:test reporter that counts test cases, and counts as failed every
 * failure that is not a test case's own: a failing `before`/`after` hook, a
 * `describe` body that throws, a file that crashes or times out. A suite (or
 * file) that failed only because a test inside it failed is not counted
 * again. Under process isolation node:test also reports each file as a test
 * named by its path; that one never counts as a pass, so a file that
 * registered nothing (or lost its events to `process.exit`) is visible in
 * `testsByFile` by its absence.
 */
async function* summaryReporter(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  const totals: RunTotals = { passed: 0, failed: 0, skipped: 0, testsByFile: {}, suiteFailures: [] };
  const registered = (file: string | undefined) => {
    if (file !== undefined) totals.testsByFile[file] = (totals.testsByFile[file] ?? 0) + 1;
  };
  for await (const { type, data } of source) {
    if (type !== 'test:pass' && type !== 'test:fail') continue;
    const isFile = data.name !== undefined && (data.name === data.file || isAbsolute(data.name));
    const isSuite = data.details?.type === 'suite';
    if (isFile || isSuite) {
      if (type === 'test:fail' && data.details?.error?.failureType !== 'subtestsFailed') {
        totals.failed++;
        totals.suiteFailures.push(`${isFile ? 'file' : `suite "${data.name}"`} in ${data.file}: ${describeError(data.details?.error)}`);
      } else if (isSuite && isSkipped(data)) {
        totals.skipped++;
        registered(data.file);
      }
      continue;
    }
    registered(data.file);
    if (type === 'test:fail') totals.failed++;
    else if (isSkipped(data)) totals.skipped++;
    else totals.passed++;
  }
  yield JSON.stringify(totals);
}

function isSkipped(data: TestEvent['data']): boolean {
  return (data.skip !== undefined && data.skip !== false) || (data.todo !== undefined && data.todo !== false);
}

function describeError(error: { failureType?: string; message?: string; cause?: unknown } | undefined): string {
  if (!error) return 'failed';
  const cause = error.cause instanceof Error ? error.cause.message : typeof error.cause === 'string' ? error.cause : undefined;
  return [error.failureType, error.message, cause].filter((part) => part !== undefined && part !== '').join(': ');
}

// node:test loads a reporter module's default export.
export default summaryReporter;
