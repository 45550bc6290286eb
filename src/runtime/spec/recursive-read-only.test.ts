import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isInvalidArgument } from '../../lib/errors/index.js';
import { recursiveReadOnlyGap, wantsRecursiveReadOnly, withRecursiveReadOnly } from './recursive-read-only.js';

const ro = { type: 'bind' as const, source: '/srv', destination: '/srv', options: ['rbind', 'rro', 'rprivate'] };
const rw = { type: 'bind' as const, source: '/a', destination: '/a', options: ['rbind', 'rw', 'rprivate'] };

describe('recursive read-only binds', () => {
  it('needs kernel 5.12 and a runtime that lists rro', () => {
    assert.equal(recursiveReadOnlyGap({ kernelRelease: '6.1.0-18-amd64', runtime: 'runc', mountOptions: ['rbind', 'rro'] }), undefined);
    assert.equal(recursiveReadOnlyGap({ kernelRelease: '5.12.0', runtime: 'runc', mountOptions: ['rro'] }), undefined);
    assert.match(recursiveReadOnlyGap({ kernelRelease: '5.11.22', runtime: 'runc', mountOptions: ['rro'] })!, /older than 5\.12/);
    assert.match(recursiveReadOnlyGap({ kernelRelease: '4.19.0', runtime: 'runc', mountOptions: ['rro'] })!, /older than 5\.12/);
    assert.equal(recursiveReadOnlyGap({ kernelRelease: '6.1.0', runtime: 'crun', mountOptions: undefined }), 'rro is not supported by runtime "crun": OCI features struct is not available');
    assert.equal(recursiveReadOnlyGap({ kernelRelease: '6.1.0', runtime: 'x', mountOptions: ['ro'] }), 'rro is not supported by runtime "x"');
  });

  it('keeps rro where it can be had, falls back to ro where not, and fails a forced one', () => {
    assert.ok(wantsRecursiveReadOnly([rw, ro]));
    assert.ok(!wantsRecursiveReadOnly([rw]));
    assert.deepEqual(withRecursiveReadOnly([rw, ro], undefined), [rw, ro]);
    assert.deepEqual(withRecursiveReadOnly([rw, ro], 'no'), [rw, { ...ro, options: ['rbind', 'ro', 'rprivate'] }]);
    assert.throws(() => withRecursiveReadOnly([{ ...ro, forceRecursiveReadOnly: true }], 'rro is not supported by runtime "x"'),
      (err: Error) => isInvalidArgument(err) && err.message === 'rro is not supported by runtime "x"');
  });
});
