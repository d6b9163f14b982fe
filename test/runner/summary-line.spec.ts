import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SPEC_ROOT_ENV } from '../support/spec-files.js';
import { serverUrl } from '../support/test-database.js';

interface RunOutcome {
  exitCode: number | null;
  passed: number;
  failed: number;
  skipped: number;
  output: string;
}

const SUMMARY_LINE = /^(\d+) passed, (\d+) failed, (\d+) skipped$/;

/**
 * Runs `npm test`'s runner in a child process on one spec of `fixtures/`
 * (which normal discovery skips), on the server this run already has, and
 * reads back its summary line and exit code.
 */
async function runFixture(name: string, env: Record<string, string> = {}): Promise<RunOutcome> {
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    COCKROACH_URL: serverUrl(),
    [SPEC_ROOT_ENV]: join(import.meta.dirname, 'fixtures'),
    ...env,
  };
  // Set by node:test in this process; inherited, it would make the child's node:test speak the parent protocol.
  delete childEnv.NODE_TEST_CONTEXT;
  const child = spawn(process.execPath, [join(import.meta.dirname, '../support/run-tests.js'), `${name}.spec.js`], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const summaries = stdout.split('\n').filter((line) => SUMMARY_LINE.test(line));
  assert.equal(summaries.length, 1, `expected exactly one summary line, got ${summaries.length}:\n${output}`);
  const [, passed, failed, skipped] = SUMMARY_LINE.exec(summaries[0]!)!;
  const outcome = { exitCode, passed: Number(passed), failed: Number(failed), skipped: Number(skipped), output };
  assert.equal(outcome.failed > 0, exitCode !== 0, `the summary line disagrees with exit code ${exitCode}:\n${output}`);
  return outcome;
}

describe('the summary line agrees with the exit code', () => {
  it('counts a healthy file: its passes and skips, exit 0', async () => {
    const run = await runFixture('passes');
    assert.deepEqual([run.passed, run.failed, run.skipped, run.exitCode], [1, 0, 1, 0], run.output);
  });

  it('ends, and fails, a file whose passing test leaves a handle open', async () => {
    const run = await runFixture('leaks-a-handle', { TEST_TIMEOUT_MS: '8000', TEST_RUN_TIMEOUT_MS: '60000' });
    assert.ok(run.failed >= 1, run.output);
    assert.equal(run.exitCode, 1);
  });

  it('counts a failing after hook inside a describe as a failure', async () => {
    const run = await runFixture('after-hook-fails');
    assert.deepEqual([run.passed, run.failed, run.exitCode], [1, 1, 1], run.output);
    assert.match(run.output, /after hook failed/);
  });

  it('counts a failing file-level after hook as a failure', async () => {
    const run = await runFixture('file-hook-fails');
    assert.deepEqual([run.passed, run.failed, run.exitCode], [1, 1, 1], run.output);
    assert.match(run.output, /file-level after hook failed/);
  });

  it('counts a failing before hook as a failure, and the test it stopped as not passed', async () => {
    const run = await runFixture('before-hook-fails');
    assert.equal(run.passed, 0, run.output);
    assert.ok(run.failed >= 1, run.output);
    assert.equal(run.exitCode, 1);
    assert.match(run.output, /before hook failed/);
  });

  it('counts a describe body that throws as a failure', async () => {
    const run = await runFixture('describe-body-throws');
    assert.equal(run.passed, 0, run.output);
    assert.ok(run.failed >= 1, run.output);
    assert.equal(run.exitCode, 1);
    assert.match(run.output, /describe body failed/);
  });

  it('counts a file that calls process.exit(0) midway as failed, whatever it reported', async () => {
    const run = await runFixture('exits-midway');
    assert.ok(run.failed >= 1, run.output);
    assert.equal(run.exitCode, 1);
    assert.match(run.output, /exits-midway\.spec\.js called process\.exit\(0\)/);
  });

  it('counts a file that registers no test as failed', async () => {
    const run = await runFixture('registers-nothing');
    assert.deepEqual([run.passed, run.failed, run.exitCode], [0, 1, 1], run.output);
    assert.match(run.output, /registers-nothing\.spec\.js registered no test/);
  });

  it('fails a test that never ends, at the test timeout, with a summary line', async () => {
    const run = await runFixture('hangs', { TEST_TIMEOUT_MS: '8000' });
    assert.equal(run.passed, 0, run.output);
    assert.ok(run.failed >= 1, run.output);
    assert.equal(run.exitCode, 1);
    assert.match(run.output, /timed out/);
  });

  it('stops a run that outlives TEST_RUN_TIMEOUT_MS, says its counts cannot be trusted, and fails', async () => {
    const run = await runFixture('hangs', { TEST_TIMEOUT_MS: '600000', TEST_RUN_TIMEOUT_MS: '8000' });
    assert.deepEqual([run.passed, run.failed, run.exitCode], [0, 1, 1], run.output);
    assert.match(run.output, /did not end within TEST_RUN_TIMEOUT_MS/);
    assert.match(run.output, /cannot be trusted/);
  });
});
