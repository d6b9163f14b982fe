import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const compiledSrc = join(import.meta.dirname, '..', '..', 'src');
const OPTIONAL = ['@nestjs/terminus', '@opentelemetry/api', '@nestjs/platform-express'];

/** Imports a compiled entry in a fresh Node whose resolver refuses the optional packages, as if they were not installed. */
function importWithout(entry: string): { ok: boolean; output: string } {
  const hook = `export async function resolve(specifier, context, next) {
    if (${JSON.stringify(OPTIONAL)}.some((name) => specifier === name || specifier.startsWith(name + '/'))) throw new Error('not installed: ' + specifier);
    return next(specifier, context);
  }`;
  const script = `
    import { register } from 'node:module';
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));
    await import(${JSON.stringify(pathToFileURL(join(compiledSrc, entry)).href)});
    console.log('loaded');`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  return { ok: child.status === 0 && child.stdout.includes('loaded'), output: child.stdout + child.stderr };
}

describe('optional integrations stay optional', () => {
  it('the main entry and the testing kit load without @nestjs/terminus, @opentelemetry/api or @nestjs/platform-express', () => {
    for (const entry of ['index.js', 'testing/index.js']) {
      const result = importWithout(entry);
      assert.ok(result.ok, `${entry}: ${result.output}`);
    }
  });

  it('the terminus entry does need @nestjs/terminus (so the check above can fail)', () => {
    const result = importWithout('terminus/index.js');
    assert.equal(result.ok, false);
    assert.match(result.output, /not installed: @nestjs\/terminus/);
  });
});
