import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The part of an example between its README markers, with the imports a user writes. */
function readmeCopyOf(example: string): string {
  const source = readFileSync(join(root, 'test', 'readme-examples', example), 'utf8');
  const body = source.slice(source.indexOf('// README:start\n') + '// README:start\n'.length, source.indexOf('// README:end'));
  return body.replaceAll("'../../src/index.js'", "'nestjs-cockroachdb'").replaceAll("'../../src/testing/index.js'", "'nestjs-cockroachdb/testing'");
}

describe('README testing examples are copies of examples that run here', () => {
  for (const example of ['node-test.example.spec.ts', 'jest.example.ts']) {
    it(`the README contains ${example} verbatim (imports from the package)`, () => {
      assert.ok(readme.includes('```ts\n' + readmeCopyOf(example) + '```'), `README.md lacks an up-to-date copy of test/readme-examples/${example}`);
    });
  }

  it('the Jest example passes under Jest (ESM, on the compiled file)', () => {
    const jest = spawnSync(
      process.execPath,
      [
        '--experimental-vm-modules',
        join(root, 'node_modules', 'jest', 'bin', 'jest.js'),
        '--rootDir', join(root, 'build', 'test', 'readme-examples'),
        '--testMatch', '**/jest.example.js',
        '--transform', '{}',
        '--ci',
      ],
      { encoding: 'utf8', env: process.env },
    );
    const output = jest.stdout + jest.stderr;
    assert.equal(jest.status, 0, output);
    assert.match(output, /Tests:\s+2 passed, 2 total/);
  });
});
