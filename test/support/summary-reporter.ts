interface TestEvent {
  type: string;
  data: { details?: { type?: string }; skip?: boolean | string; todo?: boolean | string };
}

/**
 * A node:test reporter that counts test cases (not suites) and writes the
 * totals as JSON to its destination; run-tests prints the CI summary line from it.
 */
async function* summaryReporter(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  const totals = { passed: 0, failed: 0, skipped: 0 };
  for await (const event of source) {
    if (event.data.details?.type === 'suite') continue;
    if (event.type === 'test:pass') {
      if (event.data.skip !== undefined && event.data.skip !== false) totals.skipped++;
      else if (event.data.todo !== undefined && event.data.todo !== false) totals.skipped++;
      else totals.passed++;
    } else if (event.type === 'test:fail') {
      totals.failed++;
    }
  }
  yield JSON.stringify(totals);
}

// node:test loads a reporter module's default export.
export default summaryReporter;
