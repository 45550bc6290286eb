// berthd as a process on the host: pidfile, graceful SIGTERM, and that it
// undoes its own mounts when containers are removed — checked through the
// Engine API directly, no CLI involved.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { daemonNeeds, skipReason, startDaemon, type Daemon } from '../../helpers/daemon.js';
import { mountsUnder } from '../../helpers/daemon.js';

describe('integration: berthd process', { skip: skipReason(daemonNeeds) }, () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon();
  });
  after(async () => {
    await d?.stop();
  });

  it('writes its pid to --pidfile', () => {
    assert.ok(existsSync(d.pidfile), 'no pidfile');
    assert.equal(readFileSync(d.pidfile, 'utf8').trim(), String(d.pid));
  });

  it('creates its socket with mode 0660', () => {
    assert.equal(statSync(d.socket).mode & 0o777, 0o660);
  });

  it('serves _ping with the API headers', async () => {
    const r = await d.api({ path: '/_ping' });
    assert.equal(r.status, 200);
    assert.equal(r.body, 'OK');
    assert.equal(r.headers['api-version'], '1.50');
    assert.equal(r.headers['ostype'], 'linux');
  });

  it('runs a container through the API and leaves no mounts behind after removing it', async () => {
    const create = await d.api({ method: 'POST', path: '/v1.50/containers/create?name=api-run', body: { Image: 'busybox', Cmd: ['sh', '-c', 'exit 3'] } });
    assert.equal(create.status, 201, create.body);
    const { Id } = create.json<{ Id: string }>();
    const started = await d.api({ method: 'POST', path: `/v1.50/containers/${Id}/start` });
    assert.equal(started.status, 204, started.body);
    const waited = await d.api({ method: 'POST', path: `/v1.50/containers/${Id}/wait`, timeoutMs: 30_000 });
    assert.equal(waited.status, 200, waited.body);
    assert.equal(waited.json<{ StatusCode: number }>().StatusCode, 3);
    const removed = await d.api({ method: 'DELETE', path: `/v1.50/containers/${Id}?v=1` });
    assert.equal(removed.status, 204, removed.body);
    const gone = await d.api({ path: `/v1.50/containers/${Id}/json` });
    assert.equal(gone.status, 404);
    assert.equal(gone.json<{ message: string }>().message, `No such container: ${Id}`);
    // Image layers may stay mounted by design; nothing of the container may.
    const left = mountsUnder(d.dataRoot + '/').filter((m) => m.includes(Id));
    assert.deepEqual(left, []);
  });

  it('exits on SIGTERM and comes back on the same roots with its images', async () => {
    const before = (await d.api({ path: '/v1.50/images/json' })).json<Array<{ Id: string }>>().map((i) => i.Id).sort();
    await d.restart();
    const afterList = (await d.api({ path: '/v1.50/images/json' })).json<Array<{ Id: string }>>().map((i) => i.Id).sort();
    assert.deepEqual(afterList, before);
  });
});
