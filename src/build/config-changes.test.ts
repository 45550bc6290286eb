import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { resolveChown } from './config-changes.js';

const PASSWD = 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n';
const GROUP = 'root:x:0:\nstaff:x:50:\n';

describe('resolveChown', () => {
  it('looks names up, takes numbers as they are, and uses the user word for a missing group', () => {
    assert.deepEqual(resolveChown('app:staff', PASSWD, GROUP), { uid: 1000, gid: 50 });
    assert.deepEqual(resolveChown('7:8', undefined, undefined), { uid: 7, gid: 8 });
    assert.deepEqual(resolveChown('42', PASSWD, GROUP), { uid: 42, gid: 42 });
  });
  it("says which user or group it could not find, the user first, in Docker's words", () => {
    assert.throws(() => resolveChown('nobody:nogroup', PASSWD, GROUP), { message: "unable to convert uid/gid chown string to host mapping: can't find uid for user nobody: no such user: nobody" });
    assert.throws(() => resolveChown('app:nogroup', PASSWD, GROUP), { message: "unable to convert uid/gid chown string to host mapping: can't find gid for group nogroup: no such group: nogroup" });
    assert.throws(() => resolveChown('app', PASSWD, GROUP), /can't find gid for group app: no such group: app$/);
  });
});
