import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { migrationDir, sqlMigration, type MigrationDir } from './support/migration-dir.js';

const CHILD = join(import.meta.dirname, 'support', 'migrate-child.js');

interface Replica {
  process: ChildProcess;
  output: () => string;
  /** Resolves with the exit code (or the signal) and what it applied. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; applied: string[] | undefined }>;
}

function startReplica(url: string, directory: string, leaseMs: number, startAt: number, name: string): Replica {
  const child = spawn(process.execPath, [CHILD, url, directory, String(leaseMs), String(startAt), name], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; applied: string[] | undefined }>((resolve) =>
    child.on('exit', (code, signal) => {
      const result = /^RESULT (.*)$/m.exec(output)?.[1];
      resolve({ code, signal, applied: result === undefined ? undefined : (JSON.parse(result) as { applied: string[] }).applied });
    }),
  );
  return { process: child, output: () => output, done };
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('many replicas starting at once', () => {
  let testDb: TestDatabase;
  let dir: MigrationDir;

  before(async () => {
    testDb = await createTestDatabase('migrate_replicas');
    await testDb.admin('CREATE TABLE applied_log (migration TEXT PRIMARY KEY)');
    dir = migrationDir({
      // None of these can run twice: a second run fails on the table or on applied_log's key.
      '1_create.sql': sqlMigration("CREATE TABLE replicated (id INT8 PRIMARY KEY);\nINSERT INTO applied_log VALUES ('1');"),
      // Longer than the lease: only the heartbeat keeps the others out.
      '2_slow.sql': sqlMigration("SELECT pg_sleep(6);\nINSERT INTO applied_log VALUES ('2');"),
      '3_alter.sql': sqlMigration("ALTER TABLE replicated ADD COLUMN note TEXT;\nINSERT INTO applied_log VALUES ('3');"),
    });
  });
  after(async () => {
    await testDb.drop();
    dir.remove();
  });

  it('apply each migration exactly once; the others wait, then find nothing left to do', async () => {
    const count = 6;
    const startAt = Date.now() + 3000;
    const replicas = Array.from({ length: count }, (_, i) => startReplica(testDb.url, dir.path, 3000, startAt, `replica-${i}`));
    const results = await Promise.all(replicas.map((replica) => replica.done));
    results.forEach((result, i) => {
      assert.equal(result.code, 0, `replica ${i} failed:\n${replicas[i]!.output()}`);
      assert.ok(result.applied !== undefined, `replica ${i} did not report what it applied:\n${replicas[i]!.output()}`);
    });

    const applied = results.flatMap((result) => result.applied ?? []);
    assert.deepEqual(applied.sort(), ['1_create', '2_slow', '3_alter'], 'each migration applied by exactly one replica');
    const waited = replicas.filter((replica) => replica.output().includes('Waiting for the migration lock held by'));
    assert.ok(waited.length >= 1, 'no replica had to wait: they did not start together');
    assert.deepEqual(
      (await testDb.admin<{ migration: string }>('SELECT migration FROM applied_log ORDER BY migration')).map((row) => row.migration),
      ['1', '2', '3'],
    );
    assert.deepEqual(
      (await testDb.admin<{ name: string }>('SELECT name FROM pgmigrations ORDER BY run_on, id')).map((row) => row.name),
      ['1_create', '2_slow', '3_alter'],
    );
  });
});

describe('a replica killed while migrating', () => {
  let testDb: TestDatabase;
  let dir: MigrationDir;

  before(async () => {
    testDb = await createTestDatabase('migrate_killed');
    dir = migrationDir({
      // Only the victim sleeps (before touching anything), so the test can kill it mid-migration.
      '1_slow_for_victim.sql': sqlMigration(
        "SELECT pg_sleep(CASE WHEN current_setting('application_name') = 'victim' THEN 60 ELSE 0 END);\nCREATE TABLE survived (id INT8 PRIMARY KEY);",
      ),
      '2_after.sql': sqlMigration('ALTER TABLE survived ADD COLUMN note TEXT;'),
    });
  });
  after(async () => {
    await testDb.drop();
    dir.remove();
  });

  it('holds the others back only until its lease expires; they then apply everything once', async () => {
    const leaseMs = 1500;
    const victim = startReplica(testDb.url, dir.path, leaseMs, Date.now(), 'victim');
    await waitFor(() => victim.output().includes('Applying migration 1_slow_for_victim'), 'the victim to start migrating');
    const holder = await testDb.admin<{ holder: string }>('SELECT holder FROM pgmigrations_lock');
    assert.match(holder[0]?.holder ?? '', new RegExp(`:${victim.process.pid}:`), 'the victim holds the lock');

    const survivors = [0, 1].map((i) => startReplica(testDb.url, dir.path, leaseMs, Date.now(), `survivor-${i}`));
    const waitingForVictim = new RegExp(`Waiting for the migration lock held by \\S+:${victim.process.pid}:`);
    await waitFor(() => survivors.every((replica) => waitingForVictim.test(replica.output())), 'the survivors to wait for the victim');
    victim.process.kill('SIGKILL');
    const killed = await victim.done;
    assert.equal(killed.signal, 'SIGKILL');
    assert.equal(killed.applied, undefined);

    const results = await Promise.all(survivors.map((replica) => replica.done));
    results.forEach((result, i) => {
      assert.equal(result.code, 0, `survivor ${i} failed:\n${survivors[i]!.output()}`);
      assert.ok(result.applied !== undefined, `survivor ${i} did not report what it applied:\n${survivors[i]!.output()}`);
    });
    assert.deepEqual(results.flatMap((result) => result.applied ?? []).sort(), ['1_slow_for_victim', '2_after']);
    if (testDb.dialect === 'postgres') {
      // PostgreSQL notices the dead client only when its statement ends: the survivors did not wait for that, only for the lease.
      const sleeping = await testDb.admin("SELECT 1 FROM pg_stat_activity WHERE application_name = 'victim' AND state = 'active'");
      assert.equal(sleeping.length, 1, 'the victim’s 60 s statement was still running when the survivors finished');
    }
    const columns = await testDb.admin<{ name: string }>(
      "SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'survived' ORDER BY ordinal_position",
    );
    assert.deepEqual(columns.map((c) => c.name), ['id', 'note']);
  });
});
