import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway migrations directory holding the given files (name → content). */
export interface MigrationDir {
  path: string;
  write(name: string, content: string): string;
  remove(): void;
}

export function migrationDir(files: Record<string, string> = {}): MigrationDir {
  const path = mkdtempSync(join(tmpdir(), 'migrations-'));
  const dir: MigrationDir = {
    path,
    write: (name, content) => {
      const file = join(path, name);
      writeFileSync(file, content);
      return file;
    },
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
  for (const [name, content] of Object.entries(files)) dir.write(name, content);
  return dir;
}

/** A migration file in node-pg-migrate's SQL format. */
export function sqlMigration(up: string, down?: string): string {
  return `-- Up Migration\n${up}\n${down === undefined ? '' : `\n-- Down Migration\n${down}\n`}`;
}
