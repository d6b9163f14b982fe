import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { MigrationError } from '../errors.js';

/** One migration file, read and checked. */
export interface MigrationFile {
  /** The file name without `.sql`: what the history table records (node-pg-migrate's convention). */
  name: string;
  /** Absolute path. */
  path: string;
  /** The leading digits of the file name; they order the migrations and must be unique. */
  version: string;
  /** SHA-256 of the file's bytes, recorded when applied so later edits are caught. */
  checksum: string;
  /** The SQL from the `-- Up Migration` line up to the `-- Down Migration` line (or the end). */
  up: string;
  /** The SQL after `-- Down Migration`; `undefined` when the file has no down section. */
  down: string | undefined;
}

// node-pg-migrate's own markers (its sqlMigration parser): `-- Up Migration`, `-- Down Migration`, any case.
const UP_MARKER = /^\s*--[\s-]*up\s+migration/gim;
const DOWN_MARKER = /^\s*--[\s-]*down\s+migration/gim;
// Quoted into the history table's SQL by node-pg-migrate, so kept to characters that need no quoting.
const FILE_NAME = /^(\d+)[_-][A-Za-z0-9_.-]*\.sql$/;

/**
 * Reads every migration of `directory`, in the order they apply, and refuses
 * the whole set (naming the file) when one is not a migration in
 * node-pg-migrate's SQL format or two share a version. Nothing is applied
 * unless all of them pass.
 */
export async function loadMigrationFiles(directory: string): Promise<MigrationFile[]> {
  const absolute = resolve(directory);
  const info = await stat(absolute).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new MigrationError(`Migrations directory ${absolute} does not exist or is not a directory`, absolute);
  }
  const entries = (await readdir(absolute, { withFileTypes: true }))
    // Hidden files (editor swap files, .gitkeep) are skipped, as node-pg-migrate does.
    .filter((entry) => !entry.name.startsWith('.') && (entry.isFile() || entry.isSymbolicLink()))
    .map((entry) => entry.name)
    .sort(compareFileNames);

  const files: MigrationFile[] = [];
  const byVersion = new Map<string, string>();
  for (const fileName of entries) {
    const path = join(absolute, fileName);
    const match = FILE_NAME.exec(fileName);
    if (!match) {
      throw new MigrationError(
        `Migration file ${path}: expected a name like 20260101120000000_create_users.sql (digits, "_", a name of letters, digits, "_", "-" or ".", then .sql)`,
        path,
      );
    }
    const version = BigInt(match[1]!).toString();
    const twin = byVersion.get(version);
    if (twin !== undefined) {
      throw new MigrationError(`Migration files ${twin} and ${path} have the same version ${match[1]}: give each its own`, path);
    }
    byVersion.set(version, path);
    const bytes = await readFile(path);
    const content = bytes.toString('utf8');
    const { up, down } = splitSections(path, content);
    files.push({
      name: basename(fileName, extname(fileName)),
      path,
      version: match[1]!,
      checksum: createHash('sha256').update(bytes).digest('hex'),
      up,
      down,
    });
  }
  return files;
}

/** Splits the text at its markers; throws unless it has one `-- Up Migration` line and at most one `-- Down Migration` line after it. */
function splitSections(path: string, content: string): { up: string; down: string | undefined } {
  const ups = [...content.matchAll(UP_MARKER)];
  const downs = [...content.matchAll(DOWN_MARKER)];
  if (ups.length !== 1) {
    throw new MigrationError(
      `Migration file ${path} is not in the migration format: expected one "-- Up Migration" line, found ${ups.length}`,
      path,
    );
  }
  if (downs.length > 1) {
    throw new MigrationError(`Migration file ${path} has ${downs.length} "-- Down Migration" lines; expected at most one`, path);
  }
  const up = ups[0]!.index;
  const down = downs[0]?.index;
  if (down !== undefined && down < up) {
    throw new MigrationError(`Migration file ${path}: "-- Down Migration" comes before "-- Up Migration"`, path);
  }
  if (content.slice(0, up).replace(/^\s*--.*$/gm, '').trim() !== '') {
    throw new MigrationError(`Migration file ${path} has SQL before its "-- Up Migration" line`, path);
  }
  return { up: content.slice(up, down), down: down === undefined ? undefined : content.slice(down) };
}

/** By numeric version first (so 9_x runs before 10_x), then by name: the order node-pg-migrate applies them in. */
function compareFileNames(a: string, b: string): number {
  const versionA = /^\d+/.exec(a)?.[0];
  const versionB = /^\d+/.exec(b)?.[0];
  if (versionA !== undefined && versionB !== undefined && BigInt(versionA) !== BigInt(versionB)) {
    return BigInt(versionA) < BigInt(versionB) ? -1 : 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}
