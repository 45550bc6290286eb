import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SystemApi, runtimeCommitId, type SystemApiDeps } from './api.js';

const deps = {
  containers: { list: () => [] },
  images: { list: () => [] },
  events: {},
  dataRoot: '/var/lib/berth',
  runtimes: [{ name: 'runc', path: '/usr/sbin/runc', ok: true, version: 'runc version 1.1.5+ds1' }],
  defaultRuntime: 'runc',
  daemonId: 'id',
  listContainers: async () => [],
  listImages: () => [],
} as unknown as SystemApiDeps;

test('info carries the lines the CLI prints: live restore, security options, runc commit, registries', async () => {
  const info = await new SystemApi(deps).systemInfo('1.50');
  assert.equal(info.LiveRestoreEnabled, false);
  assert.ok(info.SecurityOptions!.includes('name=seccomp,profile=builtin'), String(info.SecurityOptions));
  assert.deepEqual(info.RuncCommit, { ID: '1.1.5+ds1' });
  assert.deepEqual(info.RegistryConfig, {
    IndexConfigs: { 'docker.io': { Name: 'docker.io', Mirrors: [], Secure: true, Official: true } },
    InsecureRegistryCIDRs: ['::1/128', '127.0.0.0/8'],
    Mirrors: null,
  });
  assert.equal('BridgeNfIptables' in info, false);
});

test('info keeps the fields older API versions still had', async () => {
  const v148 = await new SystemApi(deps).systemInfo('1.48');
  assert.deepEqual(v148.RuncCommit, { ID: '1.1.5+ds1', Expected: '1.1.5+ds1' });
  assert.equal(v148.RegistryConfig!.AllowNondistributableArtifactsCIDRs, null);
  assert.equal(v148.BridgeNfIptables, false);
  const v149 = await new SystemApi(deps).systemInfo('1.49');
  assert.equal('Expected' in v149.RuncCommit!, false);
  assert.equal('AllowNondistributableArtifactsCIDRs' in v149.RegistryConfig!, false);
  assert.equal(v149.BridgeNfIptables, false);
});

test('the runtime commit is the version from its --version line', () => {
  assert.equal(runtimeCommitId('crun version 1.8.1'), '1.8.1');
  assert.equal(runtimeCommitId(undefined), '');
});

test('info lists --insecure-registry values as dockerd does', async () => {
  const info = await new SystemApi({ ...deps, insecureRegistries: ['reg.local:5000', '10.0.0.0/8'] } as SystemApiDeps).systemInfo('1.50');
  assert.deepEqual(info.RegistryConfig!.InsecureRegistryCIDRs, ['10.0.0.0/8', '::1/128', '127.0.0.0/8']);
  assert.deepEqual(info.RegistryConfig!.IndexConfigs['reg.local:5000'], { Name: 'reg.local:5000', Mirrors: [], Secure: false, Official: false });
});
