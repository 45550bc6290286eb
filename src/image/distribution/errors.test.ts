import { strict as assert } from 'node:assert';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { isNotFound, kindOf, UnauthorizedError } from '../../lib/errors/index.js';
import { parseReference } from '../../oci/index.js';
import { registryError, translatePullError } from './errors.js';

const res = (status: number): IncomingMessage => ({ statusCode: status, statusMessage: 'X' }) as IncomingMessage;
const body = (code: string, message: string): Buffer => Buffer.from(JSON.stringify({ errors: [{ code, message }] }));

describe('registry errors in Docker\'s words', () => {
  const ref = parseReference('127.0.0.1:5000/a/b:1');
  it('an unknown manifest', () => {
    const e = translatePullError(registryError(res(404), body('MANIFEST_UNKNOWN', 'manifest unknown')), ref) as Error;
    assert.ok(isNotFound(e));
    assert.equal(e.message, 'manifest for 127.0.0.1:5000/a/b:1 not found: manifest unknown: manifest unknown');
  });
  it('a denied or unauthorised repository', () => {
    const e = translatePullError(registryError(res(403), body('DENIED', 'requested access to the resource is denied')), parseReference('nosuch')) as Error;
    assert.ok(isNotFound(e));
    assert.equal(e.message, "pull access denied for nosuch, repository does not exist or may require 'docker login': denied: requested access to the resource is denied");
    const u = translatePullError(registryError(res(401), Buffer.from('')), ref) as Error;
    assert.match(u.message, /^pull access denied for 127.0.0.1:5000\/a\/b, .*: unauthorized: authentication required$/);
  });
  it('credentials berthd lacks are a 500-kind error, never unauthorized (the CLI would prompt)', () => {
    const e = translatePullError(new UnauthorizedError('Get "http://r/v2/": no basic auth credentials'), ref) as Error;
    assert.equal(kindOf(e), 'internal');
    assert.equal(e.message, 'Get "http://r/v2/": no basic auth credentials');
  });
  it('an unknown name, and a status without a body', () => {
    assert.equal((translatePullError(registryError(res(404), body('NAME_UNKNOWN', 'repository name not known to registry')), ref) as Error).message,
      'repository 127.0.0.1:5000/a/b not found: name unknown: repository name not known to registry');
    assert.equal(registryError(res(502), Buffer.from('<html>')).message, 'received unexpected HTTP status: 502 X');
  });
});
