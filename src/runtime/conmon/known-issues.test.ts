import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRuntimeVersion, runtimeWarnings } from './known-issues.js';

describe('runtime known issues', () => {
  it('parses version lines', () => {
    assert.deepEqual(parseRuntimeVersion('runc version 1.1.5+ds1'), [1, 1, 5]);
    assert.deepEqual(parseRuntimeVersion('crun version 1.8.1'), [1, 8, 1]);
    assert.equal(parseRuntimeVersion('nonsense'), undefined);
  });
  it('warns about old versions only', () => {
    assert.equal(runtimeWarnings('runc', 'runc version 1.1.5+ds1').length, 2);
    assert.match(runtimeWarnings('runc', 'runc version 1.1.5')[0]!, /CVE-2024-21626/);
    assert.deepEqual(runtimeWarnings('runc', 'runc version 1.3.0'), []);
    assert.equal(runtimeWarnings('crun', 'crun version 1.8.1').length, 3);
    assert.deepEqual(runtimeWarnings('crun', 'crun version 1.28'), []);
  });
});
