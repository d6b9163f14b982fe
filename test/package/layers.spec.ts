import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname, sep } from 'node:path';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import ts from 'typescript';

/**
 * DESIGN §12: the layers of src/, from the ground up; a file imports only
 * from its own layer or below, type-only imports included, and no import
 * circle exists anywhere. Read with TypeScript's own import scanner, so
 * `import type`, `export … from` and `import()` all count.
 */
const root = join(import.meta.dirname, '..', '..', '..');
const src = join(root, 'src');

const LAYERS: ReadonlyArray<readonly [layer: string, test: (path: string) => boolean]> = [
  ['ground', (path) => path === 'errors.ts' || path.startsWith('interfaces/') || path.startsWith('common/')],
  ['connection', (path) => path.startsWith('connection/')],
  ['schema', (path) => path.startsWith('schema/')],
  ['telemetry', (path) => path.startsWith('telemetry/')],
  ['transaction engine', (path) => path.startsWith('transaction/')],
  ['facade', (path) => path.startsWith('database/')],
  ['clients', (path) => /^(repository|migrations|health|http|testing)\//.test(path)],
  ['Nest layer and entry points', (path) => !path.includes('/') || /^(cli|terminus)\//.test(path)],
];

function layerOf(path: string): number {
  const index = LAYERS.findIndex(([, test]) => test(path));
  assert.notEqual(index, -1, `${path} belongs to no layer of DESIGN §12: add its folder to LAYERS`);
  return index;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Each src file (relative, `/`-separated) with the src files it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(src)) {
    const imports = ts
      .preProcessFile(readFileSync(file, 'utf8'), true, true)
      .importedFiles.map((imported) => imported.fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => toKey(resolve(dirname(file), name.replace(/\.js$/, '.ts'))));
    graph.set(toKey(file), [...new Set(imports)]);
  }
  return graph;
}

function toKey(path: string): string {
  return relative(src, path).split(sep).join('/');
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function importCircles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, next);
    low.set(file, next++);
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file)!, index.get(target)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || (graph.get(file) ?? []).includes(file)) circles.push(component.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return circles;
}

describe('layers (DESIGN §12)', () => {
  const graph = importGraph();

  it('reads every file of src/ and finds the imports of the facade', () => {
    assert.ok(graph.size > 50, `only ${graph.size} files read`);
    const importers = [...graph].filter(([, targets]) => targets.includes('database/cockroach-database.service.ts'));
    assert.ok(importers.length > 3, 'the scanner sees who imports the facade');
  });

  it('src/ has no import circle, type-only imports included', () => {
    assert.deepEqual(importCircles(graph), []);
  });

  it('every import runs to the same layer or one below it', () => {
    const upward = [...graph].flatMap(([file, targets]) =>
      targets
        .filter((target) => graph.has(target) && layerOf(target) > layerOf(file))
        .map((target) => `${file} (${LAYERS[layerOf(file)]![0]}) imports ${target} (${LAYERS[layerOf(target)]![0]})`),
    );
    assert.deepEqual(upward, []);
  });

  it('nothing under transaction/, schema/, telemetry/ or connection/ imports CockroachDatabase’s file', () => {
    const offenders = [...graph]
      .filter(([file]) => /^(transaction|schema|telemetry|connection)\//.test(file))
      .filter(([, targets]) => targets.includes('database/cockroach-database.service.ts'))
      .map(([file]) => file);
    assert.deepEqual(offenders, []);
  });

  it('the import scanner catches type-only imports and re-exports (a circle made of them is still found)', () => {
    const circular = new Map<string, string[]>([
      ['a.ts', ['b.ts']],
      ['b.ts', ['a.ts']],
    ]);
    assert.deepEqual(importCircles(circular), [['a.ts', 'b.ts']]);
    const scanned = ts.preProcessFile("import type { A } from './a.js';\nexport { B } from './b.js';\nconst c = await import('./c.js');", true, true);
    assert.deepEqual(scanned.importedFiles.map((file) => file.fileName), ['./a.js', './b.js', './c.js']);
  });
});
