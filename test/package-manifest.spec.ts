import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  main: string;
  types: string;
  exports: Record<string, { types?: string; default?: string } | string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

describe('package manifest', () => {
  it('declares every package imported from src/ as a dependency or peer dependency', () => {
    const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
    const builtins = new Set(builtinModules);
    const imported = new Map<string, string>();
    for (const file of sourceFiles(join(root, 'src'))) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/(?:from\s+|import\s*\(\s*|require\(\s*)['"]([^'"]+)['"]/g)) {
        const specifier = match[1]!;
        if (specifier.startsWith('.') || specifier.startsWith('node:') || builtins.has(specifier)) continue;
        imported.set(packageName(specifier), file);
      }
    }
    assert.ok(imported.has('pg') && imported.has('@nestjs/common'), 'the scan finds the imports it is meant to check');
    for (const [name, file] of imported) {
      assert.ok(declared.has(name), `${name} (imported by ${file}) is not a dependency or peer dependency`);
    }
  });

  it('keeps Nest, pg, reflect-metadata and rxjs as peer dependencies, installed for development', () => {
    for (const name of ['@nestjs/common', '@nestjs/core', 'reflect-metadata', 'rxjs', 'pg']) {
      assert.ok(manifest.peerDependencies?.[name], `${name} is a peer dependency`);
      assert.ok(manifest.devDependencies?.[name], `${name} is a dev dependency`);
      assert.equal(manifest.dependencies?.[name], undefined, `${name} is not a hard dependency`);
    }
  });

  it('is one ES module build: exports carry types first, then import and default, all to dist/', () => {
    assert.equal((manifest as { type?: string }).type, 'module', 'one module format, so there is one transaction context per process');
    const entry = manifest.exports['.'];
    assert.ok(typeof entry === 'object', 'exports["."] is a conditions object');
    assert.deepEqual(Object.keys(entry), ['types', 'import', 'default'], 'types must come first for TypeScript to pick it');
    assert.equal(entry.types, './dist/index.d.ts');
    assert.equal((entry as { import?: string }).import, './dist/index.js');
    assert.equal(entry.default, './dist/index.js');
    assert.equal((manifest as { engines?: { node?: string } }).engines?.node, '>=20.19.0', 'require(esm) needs Node 20.19');
    const build = JSON.parse(readFileSync(join(root, 'tsconfig.build.json'), 'utf8')) as {
      compilerOptions: { rootDir: string; outDir: string; declaration: boolean; stripInternal: boolean };
      include: string[];
    };
    assert.deepEqual(
      [build.compilerOptions.rootDir, build.compilerOptions.outDir, build.compilerOptions.declaration, build.compilerOptions.stripInternal, build.include],
      ['src', 'dist', true, true, ['src']],
      'tsconfig.build.json turns src/index.ts into dist/index.js and dist/index.d.ts, without @internal members',
    );
  });

  it('names in its Nest peer ranges exactly the majors the consumer test installs and proves', () => {
    const proven = readdirSync(join(root, 'test', 'consumer', 'apps'))
      .map((app) => /^nest(\d+)-/.exec(app)?.[1])
      .filter((major): major is string => major !== undefined)
      .sort();
    assert.ok(proven.length > 0, 'the consumer test has apps');
    for (const name of ['@nestjs/common', '@nestjs/core']) {
      const majors = (manifest.peerDependencies?.[name] ?? '').split('||').map((range) => /\^(\d+)\./.exec(range.trim())?.[1]).sort();
      assert.deepEqual(majors, proven, `${name}'s peer range`);
    }
  });

  it('builds on prepack, so npm pack and npm publish ship compiled code', () => {
    const scripts = (manifest as { scripts?: Record<string, string> }).scripts ?? {};
    assert.match(scripts.prepack ?? '', /npm run build/);
    // The packed package.json keeps its scripts: an install-time one (prepare
    // included, for a tarball or git dependency) makes npm ask every app to
    // approve it in allowScripts. dist/ is built before packing instead.
    for (const event of ['preinstall', 'install', 'postinstall', 'prepare']) {
      assert.equal(scripts[event], undefined, `no ${event} script runs in the apps that install the package`);
    }
    assert.deepEqual((manifest as { files?: string[] }).files, ['dist']);
  });
});
