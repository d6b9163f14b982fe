import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join, relative } from 'node:path';
import ts from 'typescript';

/**
 * An app's `declaration: true` build (the Nest 12 starter's) writes the
 * inferred type of `export const notes = defineTable(…)` into its .d.ts, and
 * can only name a type the package exports (else TS2883 / TS2742). So every
 * exported type that a public declaration refers to, transitively, must be
 * exported by an entry point. Types a module keeps to itself are fine:
 * TypeScript writes their structure out instead. The consumer test proves the
 * same in a real app; this finds the name at once, without a pack.
 */
const root = join(import.meta.dirname, '..', '..', '..');
const entries = ['src/index.ts', 'src/testing/index.ts', 'src/terminus/index.ts'].map((file) => join(root, file));

function unexportedPublicTypes(): string[] {
  const program = ts.createProgram(entries, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    experimentalDecorators: true,
    types: ['node'],
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const unalias = (symbol: ts.Symbol): ts.Symbol => (symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol);
  const inSource = (node: ts.Node): boolean => !relative(join(root, 'src'), node.getSourceFile().fileName).startsWith('..');
  const isInternal = (node: ts.Node): boolean => ts.getJSDocTags(node).some((tag) => tag.tagName.text === 'internal');
  const isExportedFromItsModule = (node: ts.Node): boolean =>
    ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword);

  const exported = new Set<ts.Symbol>();
  for (const entry of entries) {
    const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
    for (const symbol of checker.getExportsOfModule(module)) exported.add(unalias(symbol));
  }
  const queue = [...exported];
  const seen = new Set(queue);
  const missing = new Set<string>();
  const visit = (node: ts.Node): void => {
    // Private and @internal members are not in the shipped .d.ts; neither is a function's body.
    if (isInternal(node) || (ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.PrivateKeyword))) return;
    if (ts.isBlock(node) || (ts.isVariableDeclaration(node) && node.type && node.initializer)) {
      if (ts.isVariableDeclaration(node)) visit(node.type!);
      return;
    }
    if (ts.isTypeReferenceNode(node) || ts.isExpressionWithTypeArguments(node)) {
      const name = ts.isTypeReferenceNode(node) ? node.typeName : node.expression;
      const found = checker.getSymbolAtLocation(ts.isQualifiedName(name) ? name.right : name);
      const symbol = found && unalias(found);
      const declaration = symbol?.declarations?.[0];
      if (symbol && declaration && inSource(declaration) && !(symbol.flags & ts.SymbolFlags.TypeParameter) && isExportedFromItsModule(declaration)) {
        if (!exported.has(symbol)) missing.add(`${symbol.name} (${relative(root, declaration.getSourceFile().fileName)})`);
        if (!seen.has(symbol)) {
          seen.add(symbol);
          queue.push(symbol);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  for (let symbol = queue.shift(); symbol; symbol = queue.shift()) {
    for (const declaration of symbol.declarations ?? []) if (inSource(declaration)) visit(declaration);
  }
  return [...missing].sort();
}

describe('public types', () => {
  it('exports every type that a public declaration names, so apps can write their inferred types out', () => {
    assert.deepEqual(unexportedPublicTypes(), []);
  });
});
