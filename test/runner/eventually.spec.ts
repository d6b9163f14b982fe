import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventually } from '../support/sessions.js';

describe('eventually()', () => {
  it('returns the value that met the condition', async () => {
    let polls = 0;
    assert.equal(await eventually(async () => ++polls, (n) => n === 3), 3);
  });

  it('fails, naming the last value, when the condition never holds', async () => {
    await assert.rejects(eventually(async () => 'stuck', (value) => value === 'done', 200), (error: unknown) => {
      assert.ok(error instanceof assert.AssertionError);
      assert.match(error.message, /never held within 200 ms; last value: 'stuck'/);
      return true;
    });
  });
});
