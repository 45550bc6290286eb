import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loggedPath } from './server.js';

describe('registry access log', () => {
  it('writes the request target with secret query values replaced', () => {
    assert.equal(loggedPath('/v2/a/manifests/v1'), '/v2/a/manifests/v1');
    assert.equal(loggedPath('/token?service=s&scope=repository%3Aa%3Apull'), '/token?service=s&scope=repository%3Aa%3Apull');
    assert.equal(loggedPath('/token?service=s&password=hunter2&access_token=abc'), '/token?service=s&password=REDACTED&access_token=REDACTED');
    assert.equal(loggedPath(undefined), undefined);
  });
});
