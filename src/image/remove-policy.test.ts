import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { isConflict } from '../lib/errors/index.js';
import { planImageRemoval, type RemovalFacts } from './remove-policy.js';

const id = `sha256:${'ab'.repeat(32)}`;
const facts = (f: Partial<RemovalFacts>): RemovalFacts => ({ ref: 'a:1', id, refs: ['a:1'], users: [], running: [], force: false, ...f });
const conflict = (msg: string) => (e: unknown) => isConflict(e) && (e as Error).message === msg;

describe('planImageRemoval', () => {
  it('untags one of several names and keeps the image', () => {
    assert.deepEqual(planImageRemoval(facts({ refs: ['a:1', 'a:2'] })), { untag: ['a:1'], deleteImage: false });
  });

  it('normalises the name it untags', () => {
    assert.deepEqual(planImageRemoval(facts({ ref: 'docker.io/library/a', refs: ['a:latest'] })), { untag: ['a:latest'], deleteImage: true });
  });

  it('deletes with the last name', () => {
    assert.deepEqual(planImageRemoval(facts({})), { untag: ['a:1'], deleteImage: true });
  });

  it('with the last tag of a repository, drops its digest references too (as Docker does)', () => {
    const dig = `r/a@sha256:${'c'.repeat(64)}`;
    assert.deepEqual(planImageRemoval(facts({ ref: 'r/a:1', refs: ['r/a:1', dig] })), { untag: ['r/a:1', dig], deleteImage: true });
    assert.deepEqual(planImageRemoval(facts({ ref: 'r/a:1', refs: ['r/a:1', 'r/a:2', dig] })), { untag: ['r/a:1'], deleteImage: false });
    assert.deepEqual(planImageRemoval(facts({ ref: 'r/a:1', refs: ['r/a:1', 'b:1', dig] })), { untag: ['r/a:1', dig], deleteImage: false });
    assert.deepEqual(planImageRemoval(facts({ ref: dig, refs: ['r/a:1', dig] })), { untag: [dig], deleteImage: false });
  });

  it('by id, removes all names of one repository', () => {
    assert.deepEqual(planImageRemoval(facts({ ref: 'abab', refs: ['a:1', 'a:2'] })), { untag: ['a:1', 'a:2'], deleteImage: true });
  });

  it('by id with names in several repositories: must be forced', () => {
    assert.throws(() => planImageRemoval(facts({ ref: id, refs: ['a:1', 'b:1'] })),
      conflict('conflict: unable to delete abababababab (must be forced) - image is referenced in multiple repositories'));
    assert.deepEqual(planImageRemoval(facts({ ref: id, refs: ['a:1', 'b:1'], force: true })), { untag: ['a:1', 'b:1'], deleteImage: true });
  });

  it('refuses to drop the last name of an image a container uses, unless forced', () => {
    assert.throws(() => planImageRemoval(facts({ users: ['0123456789abcdef'] })),
      conflict('conflict: unable to remove repository reference "a:1" (must force) - container 0123456789ab is using its referenced image abababababab'));
    assert.deepEqual(planImageRemoval(facts({ users: ['c'], force: true })), { untag: ['a:1'], deleteImage: true });
    // A running user keeps the (now untagged) image even when forced.
    assert.deepEqual(planImageRemoval(facts({ users: ['c'], running: ['c'], force: true })), { untag: ['a:1'], deleteImage: false });
  });

  it('by id: running users cannot be forced, stopped ones can', () => {
    assert.throws(() => planImageRemoval(facts({ ref: 'ababab', users: ['fedcba9876543210'], running: ['fedcba9876543210'], force: true })),
      conflict('conflict: unable to delete abababababab (cannot be forced) - image is being used by running container fedcba987654'));
    assert.throws(() => planImageRemoval(facts({ ref: 'ababab', users: ['fedcba9876543210'] })),
      conflict('conflict: unable to delete abababababab (must be forced) - image is being used by stopped container fedcba987654'));
    assert.deepEqual(planImageRemoval(facts({ ref: 'ababab', users: ['x'], force: true })), { untag: ['a:1'], deleteImage: true });
  });
});
