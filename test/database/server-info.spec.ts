import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseServerVersion } from '../../src/connection/server-info.js';

describe('server version detection', () => {
  it('recognises CockroachDB and its version', () => {
    const info = parseServerVersion(
      'CockroachDB CCL v23.2.4 (x86_64-pc-linux-gnu, built 2024/04/08 19:13:11, go1.21.9 X:nocoverageredesign)',
    );
    assert.equal(info.dialect, 'cockroach');
    assert.deepEqual(info.version, { major: 23, minor: 2, patch: 4 });
    assert.deepEqual(info.capabilities, {
      transactionPriority: true,
      asOfSystemTime: true,
      nestedSavepoints: true,
      upsert: true,
    });
  });

  it('knows CockroachDB before 20.1 has no nested savepoints', () => {
    assert.equal(parseServerVersion('CockroachDB OSS v19.2.12 (x86_64)').capabilities.nestedSavepoints, false);
  });

  it('recognises PostgreSQL', () => {
    const info = parseServerVersion('PostgreSQL 18.4 on x86_64-pc-linux-gnu, compiled by gcc 7.5.0, 64-bit');
    assert.equal(info.dialect, 'postgres');
    assert.deepEqual(info.version, { major: 18, minor: 4, patch: 0 });
    assert.equal(info.capabilities.asOfSystemTime, false);
  });

  it('refuses a server it does not know', () => {
    assert.throws(() => parseServerVersion('MySQL 8.0'), /Unrecognised server/);
  });
});
