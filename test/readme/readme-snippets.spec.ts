import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

/**
 * Every TypeScript snippet in the README compiles, strict, against the
 * library's sources as `nestjs-cockroachdb` (and its sub-entry points).
 * Each ```ts block is its own module; a first line `// file: src/x.ts`
 * names its path, so snippets can import one another as an app's files do.
 */
const root = join(import.meta.dirname, '..', '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

interface Snippet {
  readonly line: number;
  readonly path: string;
  readonly code: string;
}

function snippets(): Snippet[] {
  const found: Snippet[] = [];
  const fence = /^```(ts|typescript)\n([\s\S]*?)^```$/gm;
  for (const match of readme.matchAll(fence)) {
    const line = readme.slice(0, match.index).split('\n').length + 1;
    const code = match[2]!;
    const named = /^\/\/ file: (\S+\.ts)\n/.exec(code);
    found.push({ line, code, path: named ? named[1]! : `snippets/readme-line-${line}.ts` });
  }
  return found;
}

let scratch: string;
before(() => {
  scratch = mkdtempSync(join(import.meta.dirname, 'scratch-'));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('README TypeScript snippets', () => {
  it('has snippets to check', () => {
    assert.ok(snippets().length >= 5, `found ${snippets().length}`);
  });

  it('all compile strictly against the public API', () => {
    const files = snippets().map((snippet) => {
      const path = join(scratch, snippet.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, snippet.code);
      return { ...snippet, file: path };
    });
    const program = ts.createProgram(
      files.map((file) => file.file),
      {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        skipLibCheck: true,
        types: ['node'],
        typeRoots: [join(root, 'node_modules', '@types')],
        baseUrl: root,
        paths: {
          'nestjs-cockroachdb': [join(root, 'src', 'index.ts')],
          'nestjs-cockroachdb/*': [join(root, 'src', '*', 'index.ts')],
        },
      },
    );
    const problems = ts.getPreEmitDiagnostics(program).map((diagnostic) => {
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
      const file = files.find((candidate) => candidate.file === diagnostic.file?.fileName);
      if (!file || diagnostic.start === undefined) return message;
      const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start);
      return `README.md:${file.line + line}: ${message}`;
    });
    assert.deepEqual(problems, [], `README snippets that do not compile (${relative(root, scratch)}):\n${problems.join('\n')}`);
  });
});
