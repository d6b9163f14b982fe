#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { extname, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Logger, type LoggerService } from '@nestjs/common';
import { Migration } from 'node-pg-migrate';
import { CockroachDatabase } from '../database/cockroach-database.service.js';
import type { Dialect } from '../connection/server-info.js';
import type { RunMigrationsOptions } from '../common/migrations.options.js';
import { migrationStatus, revertLastMigration, runMigrations, type MigrationState } from '../migrations/migration.runner.js';
import { migrationFromTables } from '../migrations/migration.template.js';
import { Table, type AnyTable } from '../schema/table.definition.js';

const USAGE = `Usage: nestjs-cockroachdb migrate <command> [options]

Commands:
  up                 apply every pending migration
  down               revert the last applied migration
  status             list the migrations and whether each is applied
  create <name>      write an empty migration <timestamp>_<name>.sql

Options:
  --dir <directory>        migrations directory (default: migrations)
  --url <postgresql://…>   the database (default: the DATABASE_URL environment variable)
  --table <name>           migration history table (default: pgmigrations)
  --from-tables <module>   with create: a compiled JS module whose exported table
                           definitions become the migration's CREATE TABLE statements,
                           in foreign-key order
  --dialect <cockroach|postgres>  with --from-tables: the SQL dialect (default: cockroach)`;

class UsageError extends Error {}

/** `migrate status` found applied migrations whose files changed or are gone: exit 1, with what to do. */
class HistoryMismatch extends Error {}

/**
 * The library logs through Nest's Logger, which would print `[Nest] … LOG`
 * lines among the CLI's own. The CLI reports each outcome itself, so info
 * lines are dropped; warnings and errors still show, as plain lines on stderr.
 */
const cliLogger: LoggerService = {
  log: () => undefined,
  debug: () => undefined,
  verbose: () => undefined,
  warn: (message: unknown) => void process.stderr.write(`warning: ${String(message)}\n`),
  error: (message: unknown) => void process.stderr.write(`${String(message)}\n`),
  fatal: (message: unknown) => void process.stderr.write(`${String(message)}\n`),
};

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      dir: { type: 'string', default: 'migrations' },
      url: { type: 'string' },
      table: { type: 'string' },
      'from-tables': { type: 'string' },
      dialect: { type: 'string', default: 'cockroach' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [group, command, name, ...extra] = positionals;
  if (values.help) {
    process.exitCode = 0;
    return out(USAGE);
  }
  if (group !== 'migrate' || command === undefined || extra.length > 0) throw new UsageError(USAGE);

  if (command === 'create') {
    if (!name || !/^[A-Za-z0-9_-]+$/.test(name)) throw new UsageError('create needs a name of letters, digits, "_" and "-"');
    // Everything that can fail runs before the file exists: a failed create leaves no file behind.
    let content: string | undefined;
    if (values['from-tables']) {
      const dialect = values.dialect;
      if (dialect !== 'cockroach' && dialect !== 'postgres') throw new UsageError('--dialect must be cockroach or postgres');
      content = migrationFromTables(await importTables(values['from-tables']), dialect as Dialect);
    }
    const file = await Migration.create(name, values.dir, { language: 'sql', filenameFormat: 'utc' });
    if (content !== undefined) {
      try {
        await writeFile(file, content);
      } catch (error) {
        await rm(file, { force: true });
        throw error;
      }
    }
    process.exitCode = 0;
    return out(`Created ${file}`);
  }
  if (name !== undefined) throw new UsageError(USAGE);

  const url = values.url ?? process.env.DATABASE_URL;
  if (!url) throw new UsageError('Set DATABASE_URL or pass --url postgresql://…');
  const options = { directory: values.dir, ...(values.table === undefined ? {} : { tableName: values.table }) };
  const db = await CockroachDatabase.connect({ url, connectRetry: { attempts: 1 }, pool: { max: 2 }, applicationName: 'nestjs-cockroachdb-cli' });
  // The outcome is reported and the exit code set before closing: they stand even if the event loop ends during close().
  try {
    await runCommand(db, command, options, values.dir);
    process.exitCode = 0;
  } catch (error) {
    await report(error);
  }
  await db.close();
}

/** Prints a line and waits until it is written: the process exits right after, which would drop pending output on a pipe. */
function out(line: string): Promise<void> {
  return new Promise((resolve) => process.stdout.write(`${line}\n`, () => resolve()));
}

async function report(error: unknown): Promise<void> {
  const plain = error instanceof UsageError || error instanceof HistoryMismatch;
  const message = error instanceof Error ? (plain ? error.message : `${error.name}: ${error.message}`) : String(error);
  process.exitCode = error instanceof UsageError ? 2 : 1;
  await new Promise<void>((resolve) => process.stderr.write(`${message}\n`, () => resolve()));
}

async function runCommand(db: CockroachDatabase, command: string, options: RunMigrationsOptions, dir: string): Promise<void> {
  switch (command) {
    case 'up': {
      const applied = await runMigrations(db, options);
      await out(applied.length === 0 ? 'Up to date' : `Applied ${applied.join(', ')}`);
      return;
    }
    case 'down': {
      const reverted = await revertLastMigration(db, options);
      await out(reverted === undefined ? 'No migration is applied' : `Reverted ${reverted}`);
      return;
    }
    case 'status': {
      const states = await migrationStatus(db, options);
      if (states.length === 0) await out(`No migrations in ${resolve(dir)}`);
      for (const { state, name } of states) await out(`${state.padEnd(8)} ${name}`);
      const mismatches = states.filter((migration) => migration.state === 'changed' || migration.state === 'missing');
      if (mismatches.length > 0) throw new HistoryMismatch(mismatchAdvice(mismatches, options.tableName ?? 'pgmigrations'));
      return;
    }
    default:
      throw new UsageError(USAGE);
  }
}

/** One line per applied migration whose file no longer matches, saying what to do; `migrate up` refuses to run until they are fixed. */
function mismatchAdvice(mismatches: MigrationState[], historyTable: string): string {
  const lines = mismatches.map(({ name, state, file }) =>
    state === 'changed'
      ? `${name}: ${file} was edited after it was applied. Restore the applied version (e.g. git checkout the file) and put the change in a new migration.`
      : `${name}: applied, but its file ${name}.sql is not in the directory. Restore the file; if the migration was removed on purpose, revert it first or delete its row from ${historyTable}.`,
  );
  return [`${mismatches.length} applied migration(s) no longer match their files; migrate up refuses to run until they do:`, ...lines].join('\n');
}

/** The table definitions a module exports (directly or in exported arrays). */
async function importTables(modulePath: string): Promise<AnyTable[]> {
  let exported: Record<string, unknown>;
  try {
    exported = (await import(pathToFileURL(resolve(modulePath)).href)) as Record<string, unknown>;
  } catch (error) {
    if (TYPESCRIPT_EXTENSIONS.has(extname(modulePath)) && (error as { code?: unknown } | null)?.code === 'ERR_UNKNOWN_FILE_EXTENSION') {
      throw new UsageError(typeScriptModuleMessage(modulePath));
    }
    throw error;
  }
  const tables = Object.values(exported)
    .flatMap((value) => (Array.isArray(value) ? value : [value]))
    .filter((value): value is AnyTable => value instanceof Table);
  const unique = [...new Set(tables)];
  if (unique.length === 0) throw new UsageError(`${modulePath} exports no table definitions (defineTable(...))`);
  return unique;
}

const TYPESCRIPT_EXTENSIONS = new Set(['.ts', '.mts', '.cts']);

/**
 * Node runs no TypeScript by itself: point at the compiled module (guessing
 * its place in a Nest project's `dist/`) or at a loader that compiles on the fly.
 */
function typeScriptModuleMessage(modulePath: string): string {
  const extension = extname(modulePath);
  const compiled = `${modulePath.slice(0, -extension.length)}${{ '.ts': '.js', '.mts': '.mjs', '.cts': '.cjs' }[extension]}`;
  const fromRoot = relative(process.cwd(), resolve(compiled));
  const candidates = [...new Set([fromRoot.replace(/^src\//, 'dist/'), `dist/${fromRoot}`])].filter((candidate) => !candidate.startsWith('..'));
  const found = candidates.find((candidate) => existsSync(candidate));
  return [
    `--from-tables ${modulePath} is TypeScript, which Node cannot import as it is.`,
    `Build the project first (e.g. \`nest build\` or \`tsc\`) and pass the compiled module: --from-tables ${found ?? candidates[0] ?? compiled}${found ? '' : ' (or wherever your build writes it)'};`,
    'or run the bin with a TypeScript loader: NODE_OPTIONS="--import tsx" npx nestjs-cockroachdb migrate create … (tsx installed).',
  ].join('\n');
}

Logger.overrideLogger(cliLogger);
process.exitCode = 1;
main(process.argv.slice(2)).then(
  () => process.exit(),
  (error: unknown) => report(error).then(() => process.exit()),
);
