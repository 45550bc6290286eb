import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { decodeRegistryAuth } from './credentials.js';

const enc = (o: unknown, url = true): string => Buffer.from(JSON.stringify(o)).toString(url ? 'base64url' : 'base64');

describe('decodeRegistryAuth', () => {
  it('reads the docker CLI\'s X-Registry-Auth (base64url JSON, or standard base64)', () => {
    assert.deepEqual(decodeRegistryAuth(enc({ username: 'u', password: 'p?>', serveraddress: 'r:5000' })), { username: 'u', password: 'p?>', serverAddress: 'r:5000' });
    assert.deepEqual(decodeRegistryAuth(enc({ username: 'u', password: 'p?>' }, false)), { username: 'u', password: 'p?>' });
  });
  it('takes "auth" (base64 user:pass) and tokens', () => {
    assert.deepEqual(decodeRegistryAuth(enc({ auth: Buffer.from('me:se:cret').toString('base64') })), { username: 'me', password: 'se:cret' });
    assert.deepEqual(decodeRegistryAuth(enc({ registrytoken: 't' })), { registryToken: 't' });
  });
  it('is anonymous when empty', () => {
    assert.equal(decodeRegistryAuth(undefined), undefined);
    assert.equal(decodeRegistryAuth('e30='), undefined);
    assert.equal(decodeRegistryAuth(enc({ serveraddress: 'r' })), undefined);
  });
  it('refuses garbage with a 400', () => {
    assert.throws(() => decodeRegistryAuth('!!!not-json'), /invalid X-Registry-Auth header/);
  });
});
