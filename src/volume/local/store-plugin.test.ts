import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalVolumeService } from './store.js';
import { InternalError, NotFoundError, kindOf } from '../../lib/errors/index.js';
import type { PluginVolumeInfo, VolumePlugin, VolumePlugins } from '../plugin/index.js';

/** A plugin in memory: volumes at /plug/<name>, every call recorded as "Method name [id]". */
class FakePlugin implements VolumePlugin {
  readonly calls: string[] = [];
  readonly fail = new Map<string, string>();
  /** What List (and Get) know beside what berth created. */
  readonly has: PluginVolumeInfo[] = [];
  constructor(readonly name: string) {}
  #do(call: string): void {
    this.calls.push(call);
    const err = this.fail.get(call.split(' ')[0]!);
    if (err) throw new InternalError(err);
  }
  async create(v: string, opts: Record<string, string>): Promise<void> { this.#do(`Create ${v} ${JSON.stringify(opts)}`); }
  async remove(v: string): Promise<void> { this.#do(`Remove ${v}`); }
  async mount(v: string, id: string): Promise<string> { this.#do(`Mount ${v} ${id}`); return `/plug/${v}`; }
  async unmount(v: string, id: string): Promise<void> { this.#do(`Unmount ${v} ${id}`); }
  async path(v: string): Promise<string> { this.#do(`Path ${v}`); return ''; }
  async get(v: string): Promise<PluginVolumeInfo> {
    this.#do(`Get ${v}`);
    const info = this.has.find((x) => x.Name === v);
    if (!info) throw new InternalError(`no such volume ${v}`);
    return info;
  }
  async list(): Promise<PluginVolumeInfo[]> { this.#do('List'); return [...this.has]; }
  async capabilities(): Promise<{ Scope: string }> { return { Scope: 'local' }; }
}

describe('LocalVolumeService with volume plugins', () => {
  let root: string;
  let plug: FakePlugin;
  let svc: LocalVolumeService;
  const plugins: VolumePlugins = {
    driver: async (name) => {
      if (name === plug.name) return plug;
      throw new NotFoundError(`error looking up volume plugin ${name}: plugin "${name}" not found`);
    },
    activated: () => [plug],
  };
  const req = (name: string, driver = 'testplug', options: Record<string, string> = {}) => ({ name, driver, labels: {}, options });
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'volp-'));
    plug = new FakePlugin('testplug');
    svc = new LocalVolumeService(root, () => {}, plugins);
    await svc.load();
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('create asks the plugin and records the volume (no _data); it survives a reload', async () => {
    const v = await svc.create(req('pv', 'testplug', { size: '1g' }));
    assert.deepEqual(plug.calls, ['Create pv {"size":"1g"}', 'Path pv']);
    assert.equal(v.driver, 'testplug');
    assert.equal(v.mountpoint, '');
    assert.deepEqual(await readdir(join(root, 'pv')), ['volume.json']);
    assert.equal(JSON.parse(await readFile(join(root, 'pv', 'volume.json'), 'utf8')).driver, 'testplug');
    assert.equal(await svc.size('pv'), -1);
    const again = new LocalVolumeService(root, () => {}, plugins);
    await again.load();
    assert.deepEqual(again.get('pv'), v);
  });

  it('an unknown driver is Docker\'s not-found, and nothing is recorded', async () => {
    await assert.rejects(svc.create(req('xx', 'nope')), (e) => kindOf(e) === 'not-found' && (e as Error).message === 'error looking up volume plugin nope: plugin "nope" not found');
    await assert.rejects(new LocalVolumeService(root).create(req('xx', 'testplug')), { message: 'error looking up volume plugin testplug: plugin "testplug" not found' });
    assert.deepEqual(await readdir(root), []);
  });

  it('the plugin\'s refusal to create keeps its text and records nothing', async () => {
    plug.fail.set('Create', 'no space left on tank');
    await assert.rejects(svc.create(req('full')), { message: 'create full: no space left on tank' });
    assert.deepEqual(svc.list(), []);
    assert.deepEqual(await readdir(root), []);
  });

  it('an existing name: no driver given uses it whatever its driver; a different driver given is a conflict', async () => {
    const v = await svc.create(req('shared'));
    assert.deepEqual(await svc.create(req('shared', '')), v);
    await assert.rejects(svc.create(req('shared', 'local')), (e) => kindOf(e) === 'conflict'
      && (e as Error).message === "create shared: driver 'testplug' already has volume 'shared': volume name must be unique");
    await svc.create(req('loc', 'local'));
    await assert.rejects(svc.create(req('loc', 'testplug')), { message: "create loc: driver 'local' already has volume 'loc': volume name must be unique" });
    assert.equal(plug.calls.filter((c) => c.startsWith('Create')).length, 1);
  });

  it('each container mounts with its own id and unmounts with the same; unmount without a mount asks nothing', async () => {
    await svc.create(req('pv'));
    plug.calls.length = 0;
    assert.equal(await svc.mount('pv', 'c1'), '/plug/pv');
    assert.equal(await svc.mount('pv', 'c2'), '/plug/pv');
    assert.equal(svc.get('pv').mountpoint, '/plug/pv');
    await svc.unmount('pv', 'c1');
    await svc.unmount('pv', 'c1');
    await svc.unmount('pv', 'c3');
    await svc.unmount('pv', 'c2');
    assert.deepEqual(plug.calls, ['Mount pv c1', 'Mount pv c2', 'Unmount pv c1', 'Unmount pv c2']);
  });

  it('a refused Mount fails with the plugin\'s text and owes no Unmount', async () => {
    await svc.create(req('pv'));
    plug.fail.set('Mount', 'device busy');
    await assert.rejects(svc.mount('pv', 'c1'), { message: "error while mounting volume '': device busy" });
    await svc.unmount('pv', 'c1');
    assert.ok(!plug.calls.some((c) => c.startsWith('Unmount')), plug.calls.join('\n'));
  });

  it('an adopted mount is unmounted at stop without being mounted again', async () => {
    await svc.create(req('pv'));
    plug.calls.length = 0;
    await svc.adoptMount('pv', 'c9');
    await svc.unmount('pv', 'c9');
    assert.deepEqual(plug.calls, ['Unmount pv c9']);
  });

  it('remove asks the plugin first; its refusal keeps the volume unless forced', async () => {
    await svc.create(req('gone'));
    await svc.remove('gone');
    assert.ok(plug.calls.includes('Remove gone'));
    assert.deepEqual(await readdir(root), []);
    await svc.create(req('stuck'));
    plug.fail.set('Remove', 'snapshots exist');
    await assert.rejects(svc.remove('stuck'), { message: 'remove stuck: snapshots exist' });
    assert.equal(svc.get('stuck').driver, 'testplug');
    await svc.remove('stuck', true);
    assert.throws(() => svc.get('stuck'), { message: 'get stuck: no such volume' });
  });

  it('listAll adds what activated plugins list, once per name; a failing List is a warning, not an error', async () => {
    await svc.create(req('mine'));
    plug.has.push({ Name: 'mine', Mountpoint: '/elsewhere' }, { Name: 'old', Mountpoint: '/plug/old', CreatedAt: '2020-01-02T03:04:05Z' });
    const { volumes, warnings } = await svc.listAll();
    assert.deepEqual(volumes.map((v) => [v.name, v.driver, v.mountpoint, v.createdAt]).slice(1), [['old', 'testplug', '/plug/old', '2020-01-02T03:04:05Z']]);
    assert.deepEqual(volumes.map((v) => v.name), ['mine', 'old']);
    assert.deepEqual(warnings, []);
    plug.fail.set('List', 'backend down');
    const failed = await svc.listAll();
    assert.deepEqual(failed.volumes.map((v) => v.name), ['mine']);
    assert.deepEqual(failed.warnings, ['list testplug: backend down']);
  });

  it('lookup falls back to the activated plugins\' Get; an unknown name stays not found', async () => {
    plug.has.push({ Name: 'old', Mountpoint: '/plug/old' });
    const v = await svc.lookup('old');
    assert.deepEqual([v.name, v.driver, v.mountpoint, v.createdAt], ['old', 'testplug', '/plug/old', '']);
    await assert.rejects(svc.lookup('nosuch'), { message: 'get nosuch: no such volume' });
    assert.throws(() => svc.get('old'), { message: 'get old: no such volume' }, 'inspect records nothing');
  });
});
