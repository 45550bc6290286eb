import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestApiServer } from '../../server/testing/index.js';
import { addVolumeRoutes } from './routes.js';
import { VolumeApi } from '../../../engine/volume/api.js';
import { EventBus } from '../../../engine/events/bus.js';
import { LocalVolumeService } from '../../../volume/index.js';
import type { Volume, VolumeListResponse, VolumePruneResponse } from '../../../api/volume.js';
import type { EventMessage } from '../../../api/event.js';

const q = (f: Record<string, string[]>): string => `filters=${encodeURIComponent(JSON.stringify(f))}`;

describe('volume routes over the local store', () => {
  let root: string;
  let vols: LocalVolumeService;
  const events: EventMessage[] = [];
  let t: TestApiServer;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'volr-'));
    vols = new LocalVolumeService(root);
    await vols.load();
    const bus = new EventBus();
    bus.subscribe((e) => events.push(e));
    t = new TestApiServer((r) => addVolumeRoutes(r, new VolumeApi(vols, bus)));
  });
  after(async () => {
    await t.close();
    await rm(root, { recursive: true, force: true });
  });

  const create = async (body: unknown): Promise<{ status: number; vol: Volume; text: string }> => {
    const r = await t.request({ method: 'POST', path: '/volumes/create', body });
    return { status: r.status, vol: r.json<Volume>(), text: r.text };
  };
  const names = async (query = ''): Promise<string[]> =>
    (await t.request(`/volumes?${query}`)).json<VolumeListResponse>().Volumes.map((v) => v.Name).sort();

  it('creates with 201 in Docker\'s shape, and a second create of the name returns the same volume', async () => {
    const a = await create({ Name: 'web', Labels: { tier: 'front' }, DriverOpts: { type: 'tmpfs', device: 'tmpfs' } });
    assert.equal(a.status, 201, a.text);
    assert.deepEqual(Object.keys(a.vol).sort(), ['CreatedAt', 'Driver', 'Labels', 'Mountpoint', 'Name', 'Options', 'Scope']);
    assert.equal(a.vol.Mountpoint, join(root, 'web', '_data'));
    assert.equal(a.vol.Scope, 'local');
    assert.deepEqual(a.vol.Options, { type: 'tmpfs', device: 'tmpfs' });
    const b = await create({ Name: 'web' });
    assert.deepEqual(b.vol, a.vol);
    assert.deepEqual(events.filter((e) => e.Type === 'volume').map((e) => [e.Action, e.Actor.ID]), [['create', 'web']]);
    assert.deepEqual((await t.request('/volumes/web')).json(), a.vol);
  });

  it('answers bad names with 400 and unknown volumes with 404', async () => {
    const bad = await create({ Name: 'x' });
    assert.equal(bad.status, 400);
    const r = await t.request('/volumes/nosuch');
    assert.equal(r.status, 404);
    assert.equal(r.json<{ message: string }>().message, 'get nosuch: no such volume');
    assert.equal((await t.request({ method: 'DELETE', path: '/volumes/nosuch' })).status, 404);
    assert.equal((await t.request({ method: 'DELETE', path: '/volumes/nosuch?force=1' })).status, 204);
  });

  it('filters lists by name, driver, label and dangling', async () => {
    await create({ Name: 'db', Labels: { tier: 'back' } });
    svcRef('db', 'c1');
    assert.deepEqual(await names(q({ name: ['we'] })), ['web']);
    assert.deepEqual(await names(q({ label: ['tier=back'] })), ['db']);
    assert.deepEqual(await names(q({ label: ['tier'] })), ['db', 'web']);
    assert.deepEqual(await names(q({ dangling: ['true'] })), ['web']);
    assert.deepEqual(await names(q({ dangling: ['false'] })), ['db']);
    assert.deepEqual(await names(q({ driver: ['nfs'] })), []);
    const r = await t.request(`/volumes?${q({ bogus: ['1'] })}`);
    assert.equal(r.status, 400);
    assert.equal(r.json<{ message: string }>().message, "invalid filter 'bogus'");
  });

  it('refuses to delete a volume in use with 409', async () => {
    const r = await t.request({ method: 'DELETE', path: '/volumes/db' });
    assert.equal(r.status, 409);
    assert.equal(r.json<{ message: string }>().message, 'remove db: volume is in use - [c1]');
  });

  it('prunes only unused anonymous volumes unless all=true, reporting the bytes', async () => {
    const anon = await create({ Labels: { 'com.docker.volume.anonymous': '' } });
    assert.match(anon.vol.Name, /^[0-9a-f]{64}$/);
    assert.deepEqual(anon.vol.Labels, { 'com.docker.volume.anonymous': '' });
    await writeFile(join(anon.vol.Mountpoint, 'f'), Buffer.alloc(500));
    let p = (await t.request({ method: 'POST', path: '/volumes/prune' })).json<VolumePruneResponse>();
    assert.deepEqual(p, { VolumesDeleted: [anon.vol.Name], SpaceReclaimed: 500 });
    p = (await t.request({ method: 'POST', path: `/volumes/prune?${q({ all: ['true'], 'label!': ['tier=front'] })}` })).json<VolumePruneResponse>();
    assert.deepEqual(p, { VolumesDeleted: null, SpaceReclaimed: 0 });
    // web has driver options (a tmpfs): Docker never prunes those, there is nothing to reclaim.
    const plain = await create({ Name: 'plain' });
    assert.deepEqual([plain.vol.Labels, plain.vol.Options], [null, null], 'none given: null, as Docker shows them');
    p = (await t.request({ method: 'POST', path: `/volumes/prune?${q({ all: ['1'] })}` })).json<VolumePruneResponse>();
    assert.deepEqual(p, { VolumesDeleted: ['plain'], SpaceReclaimed: 0 });
    assert.deepEqual(await names(), ['db', 'web']);
  });

  it('prune for a client older than API 1.42 takes named volumes too', async () => {
    await create({ Name: 'old-named' });
    const p = (await t.request({ method: 'POST', path: '/v1.41/volumes/prune' })).json<VolumePruneResponse>();
    assert.deepEqual(p, { VolumesDeleted: ['old-named'], SpaceReclaimed: 0 });
  });

  function svcRef(name: string, id: string): void {
    vols.addRef(name, id);
  }
});
