import { MigrationError } from '../errors.js';
import type { AnyTable } from '../schema/table.definition.js';

/**
 * The tables in an order they can be created in: every table after the
 * tables its foreign keys reference (a topological sort), and by name
 * wherever the references leave the order open, so the result does not
 * depend on the order a module exports them in. A reference to a table
 * outside the list (one that already exists) and a table referencing itself
 * impose no order. Two definitions of one table name, or references that
 * form a cycle, are refused with the tables named: no order can create them.
 */
export function inForeignKeyOrder(tables: readonly AnyTable[]): AnyTable[] {
  const byName = new Map<string, AnyTable>();
  for (const table of tables) {
    if (byName.has(table.name) && byName.get(table.name) !== table) {
      throw new MigrationError(`Two table definitions are named "${table.name}": export each table once`);
    }
    byName.set(table.name, table);
  }
  const dependencies = new Map<string, Set<string>>();
  for (const [name, table] of byName) {
    const references = new Set<string>();
    for (const column of table.columnNames) {
      const target = table.column(column)!.references?.table;
      if (target !== undefined && target !== name && byName.has(target)) references.add(target);
    }
    dependencies.set(name, references);
  }

  const ordered: AnyTable[] = [];
  const placed = new Set<string>();
  const names = [...byName.keys()].sort();
  while (placed.size < names.length) {
    // The first table by name whose referenced tables are all placed; fine for the tens of tables a module holds.
    const next = names.find((name) => !placed.has(name) && [...dependencies.get(name)!].every((target) => placed.has(target)));
    if (next === undefined) throw new MigrationError(`Cannot order the tables: their foreign keys form a cycle: ${describeCycle(names.filter((name) => !placed.has(name)), dependencies)}`);
    placed.add(next);
    ordered.push(byName.get(next)!);
  }
  return ordered;
}

/** One cycle among the unplaceable tables, as `"a" → "b" → "a"`: each of them references another of them. */
function describeCycle(remaining: readonly string[], dependencies: ReadonlyMap<string, ReadonlySet<string>>): string {
  const left = new Set(remaining);
  const path: string[] = [];
  let current = remaining[0]!;
  while (!path.includes(current)) {
    path.push(current);
    current = [...dependencies.get(current)!].filter((target) => left.has(target)).sort()[0]!;
  }
  return [...path.slice(path.indexOf(current)), current].map((name) => `"${name}"`).join(' → ');
}
