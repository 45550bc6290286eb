// Bad input through the Engine API: every case gets Docker's status and a JSON message,
// the daemon stays up, and nothing half-made is left (no container, no mount).
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { daemonNeeds, mountsUnder, skipReason, startDaemon, type Daemon } from '../../helpers/daemon.js';

describe('integration: hostile Engine API input', { skip: skipReason(daemonNeeds) }, () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon();
  });
  after(async () => {
    await d?.stop();
  });

  async function expectError(req: Parameters<Daemon['api']>[0], status: number, message?: RegExp): Promise<void> {
    const r = await d.api(req);
    assert.equal(r.status, status, `${req.method ?? 'GET'} ${req.path}: ${r.body}`);
    const body = r.json<{ message: string }>();
    assert.equal(typeof body.message, 'string');
    if (message) assert.match(body.message, message);
  }

  const create = (body: unknown, query = '', headers?: Record<string, string>) =>
    ({ method: 'POST', path: `/v1.50/containers/create${query}`, body, headers });

  // API version bounds, unknown paths, bad escapes and unknown filter keys are checked at the
  // HTTP layer without a daemon: src/daemon/server/server.test.ts and the route tests.
  it('a container reference cannot climb out of the store', async () => {
    await expectError({ path: '/containers/..%2F..%2Fetc/json' }, 404, /No such container/);
  });

  it('rejects malformed create bodies with 400', async () => {
    await expectError(create('{"Image":'), 400, /invalid JSON/);
    await expectError(create('{}{}'), 400, /invalid JSON/);
    await expectError(create(''), 400, /invalid JSON: EOF/);
    await expectError(create({}), 400, /config cannot be empty in order to create a container/);
    await expectError(create('{"Image":"busybox"}', '', { 'content-type': 'application/xml' }), 400, /unsupported Content-Type header \(application\/xml\)/);
    await expectError(create({ Image: 'busybox', Cmd: 5 }), 400, /invalid JSON/);
    await expectError(create({ Image: 'busybox', Env: { a: 1 } }), 400, /invalid JSON/);
    await expectError(create({ Image: 'busybox', Labels: ['x'] }), 400, /invalid JSON/);
    await expectError(create({ Image: 'busybox', HostConfig: { Memory: '1g' } }), 400, /invalid JSON/);
    await expectError(create({ Image: 'busybox', Env: ['A\u0000B=1'] }), 400);
  });

  it('rejects bad names, images and host config with Docker wording', async () => {
    for (const name of ['a', '-x', '.x', 'x/y', 'x y', '../x']) {
      await expectError(create({ Image: 'busybox' }, `?name=${encodeURIComponent(name)}`), 400, /Invalid container name/);
    }
    await expectError(create({ Image: 'nosuchimage' }), 404, /No such image: nosuchimage:latest/);
    await expectError(create({ Image: 'FOO:bar' }), 400, /invalid reference format/);
    await expectError(create({ Image: 'busybox', HostConfig: { Memory: 524287 } }), 400, /Minimum memory limit allowed is 6MB/);
    await expectError(create({ Image: 'busybox', HostConfig: { CpuShares: -1 } }), 400, /invalid CPU shares/);
    await expectError(create({ Image: 'busybox', HostConfig: { Runtime: 'nope' } }), 400, /unknown or invalid runtime name: nope/);
    await expectError(create({ Image: 'busybox', HostConfig: { RestartPolicy: { Name: 'something' } } }), 400, /invalid restart policy/);
    await expectError(create({ Image: 'busybox', HostConfig: { IpcMode: 'invalid' } }), 400, /invalid IPC mode: invalid/);
    await expectError(create({ Image: 'busybox', HostConfig: { CpusetCpus: '1-0' } }), 400);
    await expectError(create({ Image: 'busybox', WorkingDir: 'relative' }), 400, /absolute path/);
    // Values a runtime would only refuse at start are refused at create.
    await expectError(create('{"Image":"busybox","HostConfig":{"Memory":99999999999999999999999}}'), 400, /invalid JSON/);
    await expectError(create({ Image: 'busybox', HostConfig: { OomScoreAdj: 1.5 } }), 400, /invalid JSON/);
    await expectError(create({ Image: 'busybox', HostConfig: { CpusetCpus: '99999' } }), 400, /Requested CPUs are not available/);
    await expectError(create({ Image: 'busybox', HostConfig: { CapAdd: ['NOPE'] } }), 400, /invalid CapAdd: unknown capability: "CAP_NOPE"/);
    await expectError(create({ Image: 'busybox', HostConfig: { CpuPeriod: -5 } }), 400);
    await expectError(create({ Image: 'busybox', HostConfig: { BlkioWeight: 99999 } }), 400, /blkio weight/);
    await expectError(create({ Image: 'busybox', HostConfig: { Mounts: [{ Type: 'bind', Source: '/', Target: '/' }] } }), 400, /destination can't be '\/'/);
    await expectError(create({ Image: 'busybox' }, '?platform=windows/amd64'), 404, /does not match the specified platform/);
    await expectError(create({ Image: 'busybox' }, '?platform=linux/bogus'), 404, /does not match the specified platform/);
    await expectError(create('{"Image":"busybox"}', '', { 'content-type': 'application/json; charset=x"' }), 400, /malformed Content-Type header/);
  });

  it('a name filter cannot stall the daemon', async () => {
    const long = 'a'.repeat(200);
    assert.equal((await d.api(create({ Image: 'busybox' }, `?name=${long}`))).status, 201);
    const started = Date.now();
    const r = await d.api({ path: '/containers/json?all=1&filters=' + encodeURIComponent('{"name":{"(a+)+b":true}}') });
    assert.equal(r.status, 200, r.body);
    assert.ok(Date.now() - started < 2000, `name filter took ${Date.now() - started} ms`);
    assert.equal((await d.api({ method: 'DELETE', path: `/containers/${long}` })).status, 204);
    await expectError({ path: '/events?since=abc' }, 400);
  });

  it('rejects bad filters and query values without a 500', async () => {
    // Malformed filters, unknown keys and non-numeric limits are route checks (lifecycle.test.ts).
    await expectError({ path: '/containers/json?filters=' + encodeURIComponent('{"status":{"bogus":true}}') }, 400, /invalid filter/);
    const ok = await d.api({ path: '/containers/json?filters=' + encodeURIComponent('{"status":["running"]}') });
    assert.equal(ok.status, 200);
  });

  it('answers state conflicts with 304 and 409', async () => {
    const c = await d.api(create({ Image: 'busybox', Cmd: ['sleep', '30'] }, '?name=conflicts'));
    assert.equal(c.status, 201, c.body);
    const { Id } = c.json<{ Id: string }>();
    assert.equal((await d.api({ method: 'POST', path: `/containers/${Id}/stop` })).status, 304);
    assert.equal((await d.api({ method: 'POST', path: `/containers/${Id}/start` })).status, 204);
    assert.equal((await d.api({ method: 'POST', path: `/containers/${Id}/start` })).status, 304);
    await expectError(create({ Image: 'busybox' }, '?name=conflicts'), 409, /Conflict. The container name "\/conflicts" is already in use by container/);
    await expectError({ method: 'DELETE', path: `/containers/${Id}` }, 409, /container is running/);
    await expectError({ method: 'DELETE', path: '/images/busybox' }, 409, /conflict/);
    assert.equal((await d.api({ method: 'DELETE', path: `/containers/${Id}?force=1` })).status, 204);
    await expectError({ method: 'POST', path: `/containers/${Id}/kill` }, 404, /No such container/);
  });

  it('gives exactly one container to 20 parallel creates of one name', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => d.api(create({ Image: 'busybox' }, '?name=race'))));
    assert.equal(results.filter((r) => r.status === 201).length, 1);
    assert.equal(results.filter((r) => r.status === 409).length, 19);
    assert.equal((await d.api({ method: 'DELETE', path: '/containers/race' })).status, 204);
  });

  it('leaves nothing half-made after all of that, and still serves', async () => {
    const list = (await d.api({ path: '/containers/json?all=1' })).json<unknown[]>();
    assert.deepEqual(list, []);
    assert.deepEqual(readdirSync(join(d.dataRoot, 'containers')), []);
    assert.deepEqual(mountsUnder(d.dataRoot), []);
    assert.equal((await d.api({ path: '/_ping' })).body, 'OK');
  });
});
