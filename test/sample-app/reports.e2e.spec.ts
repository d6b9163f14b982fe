import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSampleApp, type SampleApp } from './sample-app.fixture.js';

// Outside the testing kit: the report is a read-only snapshot of committed writes (AS OF SYSTEM TIME on CockroachDB), which a savepoint is not.
let sample: SampleApp;
before(async () => {
  sample = await startSampleApp('sample_reports');
});
after(() => sample.close());

describe('sample app: reports', () => {
  it('GET /reports/balances reads every balance, their exact total and the transfer count in one read-only snapshot', async () => {
    const alice = (await sample.http.post('/accounts').send({ owner: 'alice', balance: '9007199254740993' }).expect(201)).body.id;
    const bob = (await sample.http.post('/accounts').send({ owner: 'bob', balance: 7 }).expect(201)).body.id;
    await sample.http.post('/transfers').send({ from: alice, to: bob, amount: 3 }).expect(201);
    // On CockroachDB the report reads AS OF SYSTEM TIME '-2s': wait until the writes above are that old.
    if (sample.testDb.dialect === 'cockroach') await sleep(2_500);

    const report = (await sample.http.get('/reports/balances').expect(200)).body;
    assert.equal(report.dialect, sample.testDb.dialect);
    assert.equal(report.historical, sample.testDb.dialect === 'cockroach');
    assert.equal(report.asOfSystemTime, '-2s');
    assert.deepEqual(
      report.accounts.map((account: { owner: string; balance: string }) => [account.owner, account.balance]),
      [['alice', '9007199254740990'], ['bob', '10']],
    );
    // Beyond 2^53, and still exact: INT8 and its SUM travel as strings.
    assert.equal(report.total, '9007199254741000');
    assert.equal(report.transfers, 1);
  });
});
