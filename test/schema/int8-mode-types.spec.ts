import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** The repository root: this file runs from build/test/schema/. */
const ROOT = resolve(import.meta.dirname, '..', '..', '..');

/**
 * Type-checks `source` as an app would: importing `nestjs-cockroachdb` (mapped
 * to this checkout's src) in its own compilation, so one app's declaration
 * merging cannot leak into the test suite's types.
 */
async function typeCheck(source: string): Promise<{ ok: boolean; output: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'int8-types-'));
  try {
    await writeFile(join(dir, 'app.ts'), source);
    await writeFile(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'ES2022',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          experimentalDecorators: true,
          typeRoots: [join(ROOT, 'node_modules', '@types')],
          types: ['node'],
          paths: { 'nestjs-cockroachdb': [join(ROOT, 'src', 'index.ts')] },
        },
        files: ['app.ts'],
      }),
    );
    try {
      const { stdout } = await run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir]);
      return { ok: true, output: stdout };
    } catch (error) {
      return { ok: false, output: String((error as { stdout?: string }).stdout) };
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const APP = (augmentation: string) => `
import { defineTable, int, rowId, type Repository, type Row } from 'nestjs-cockroachdb';
${augmentation}
const ledger = defineTable('ledger', { id: rowId(), amount: int() });
type Entry = Row<typeof ledger>;
export async function total(repo: Repository<typeof ledger>): Promise<number> {
  const entry: Entry | null = await repo.findById(1);
  const amount: number = entry?.amount ?? 0;
  // @ts-expect-error -- under int8: 'number' an INT8 column is not a string
  const text: string = entry!.amount;
  return amount + text.length;
}
`;

describe('the int8 mode, declared once, types every row', () => {
  it('types INT8 columns as number everywhere once the app declares CockroachTypes { int8: "number" }', async () => {
    const result = await typeCheck(APP(`declare module 'nestjs-cockroachdb' { interface CockroachTypes { int8: 'number' } }`));
    assert.equal(result.output.trim(), '');
    assert.ok(result.ok);
  });

  it('keeps the default string type without the declaration (the same app does not compile)', async () => {
    const result = await typeCheck(APP(''));
    assert.equal(result.ok, false);
    assert.match(result.output, /Type 'string' is not assignable to type 'number'/);
    assert.match(result.output, /Unused '@ts-expect-error' directive/);
  });
});
