import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { parseReference } from '../../oci/index.js';
import { checkInsecureRegistries, isInsecureRegistry, loginDomain, registryEndpoint } from './endpoint.js';

describe('registry endpoints', () => {
  it('send docker.io references (library/ added) to Docker Hub over https', () => {
    const r = parseReference('busybox');
    assert.deepEqual([r.domain, r.path], ['docker.io', 'library/busybox']);
    assert.equal(registryEndpoint(r.domain).base.href, 'https://registry-1.docker.io/');
    assert.equal(registryEndpoint(parseReference('me/app:1').domain).base.origin, 'https://registry-1.docker.io');
  });
  it('speak plain HTTP to loopback registries and the insecure ones, https to the rest', () => {
    assert.equal(registryEndpoint('localhost:5000').base.href, 'http://localhost:5000/');
    assert.equal(registryEndpoint('127.0.0.1:5000').base.href, 'http://127.0.0.1:5000/');
    assert.equal(registryEndpoint('127.9.9.9').base.protocol, 'http:');
    assert.equal(registryEndpoint('[::1]:5000').base.protocol, 'http:');
    assert.equal(registryEndpoint('registry.example.com:5000').base.href, 'https://registry.example.com:5000/');
    assert.equal(registryEndpoint('registry.example.com:5000', ['registry.example.com:5000']).base.protocol, 'http:');
    assert.equal(registryEndpoint('registry.example.com:5000', ['registry.example.com']).base.protocol, 'http:');
    assert.equal(registryEndpoint('registry.example.com:5000', ['registry.example.com:5001']).base.protocol, 'https:');
  });
  it('match insecure CIDRs', () => {
    assert.ok(isInsecureRegistry('10.1.2.3:5000', ['10.0.0.0/8']));
    assert.ok(!isInsecureRegistry('11.1.2.3:5000', ['10.0.0.0/8']));
  });
  it('refuse insecure registries with a scheme, as dockerd does', () => {
    assert.throws(() => checkInsecureRegistries(['http://r:5000']), /should not contain ':\/\/'/);
    checkInsecureRegistries(['r:5000', '10.0.0.0/8', 'host']);
  });
  it('read the server address of a login', () => {
    assert.equal(loginDomain('https://index.docker.io/v1/'), 'docker.io');
    assert.equal(loginDomain(''), 'docker.io');
    assert.equal(loginDomain('127.0.0.1:5000'), '127.0.0.1:5000');
    assert.equal(loginDomain('http://r.example.com:5000/v2/'), 'r.example.com:5000');
  });
});
