import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { waitForListeningUrl } from '../support/listening-url.js';

const dir = mkdtempSync(join(tmpdir(), 'listening-url-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A real child process that writes the file as cockroach does, in place, here in two pieces. */
function writer(file: string, script: string) {
  return spawn(process.execPath, ['-e', script, file], { stdio: 'ignore' });
}

describe('the cockroach harness reads --listening-url-file only once it is written whole', () => {
  it('waits past a half-written URL for the newline that ends it', async () => {
    const file = join(dir, 'half');
    const child = writer(
      file,
      `const fs = require('node:fs'); const file = process.argv[1];
       fs.writeFileSync(file, 'postgresql://root@127.0.0.1:');
       setTimeout(() => fs.appendFileSync(file, '26257/defaultdb?sslmode=disable\\n'), 600);
       setTimeout(() => {}, 2000);`,
    );
    try {
      assert.equal(await waitForListeningUrl(file, child, 20_000), 'postgresql://root@127.0.0.1:26257/defaultdb?sslmode=disable');
    } finally {
      child.kill();
    }
  });

  it('fails at once, naming it, when the process exits without writing a URL', async () => {
    const child = writer(join(dir, 'never'), 'process.exit(3)');
    await assert.rejects(waitForListeningUrl(join(dir, 'never'), child, 20_000), /cockroach exited \(3\) before it wrote its URL/);
  });
});
