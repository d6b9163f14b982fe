import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { plpgsqlUnavailableReason } from '../support/flaky-function.js';

describe('the flaky() test function needs PL/pgSQL', () => {
  it('refuses CockroachDB before 23.2 with the reason, instead of failing on a syntax error', () => {
    const reason = plpgsqlUnavailableReason('CockroachDB CCL v23.1.14 (x86_64-pc-linux-gnu, built 2024/01/01, go1.19)');
    assert.match(reason ?? '', /needs PL\/pgSQL, which CockroachDB has from 23\.2 \(server is 23\.1\)/);
  });

  it('accepts CockroachDB 23.2 and later, and PostgreSQL', () => {
    assert.equal(plpgsqlUnavailableReason('CockroachDB CCL v23.2.0 (x86_64-pc-linux-gnu, built 2024/01/01, go1.21)'), undefined);
    assert.equal(plpgsqlUnavailableReason('CockroachDB CCL v25.1.2 (x86_64-pc-linux-gnu, built 2025/03/01, go1.22)'), undefined);
    assert.equal(plpgsqlUnavailableReason('PostgreSQL 18.4 on x86_64-pc-linux-gnu'), undefined);
  });
});
