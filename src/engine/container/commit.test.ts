import { after, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { kindOf } from '../../lib/errors/index.js';
import { mergeCommitConfig } from './commit-config.js';
import { ContainerService } from './service.js';
import { fakeEngine, type FakeEngine } from './testing/fakes.js';

describe('mergeCommitConfig (Docker\'s commit merge)', () => {
  it('fills what the user left empty from the container and keeps only image fields', () => {
    const out = mergeCommitConfig({ Cmd: ['cat', '/x'], Env: ['A=1'] }, {
      Hostname: 'abc', Image: 'busybox', Tty: true, User: 'nobody', Env: ['PATH=/bin', 'A=0'], Cmd: ['sh'], WorkingDir: '/w',
      Labels: { a: '1' }, ExposedPorts: { '80/tcp': {} }, Volumes: {}, StopSignal: 'SIGTERM',
    }, { defaultStopSignal: 'SIGTERM' });
    assert.deepEqual(out, {
      Cmd: ['cat', '/x'], Env: ['A=1', 'PATH=/bin'], User: 'nobody', WorkingDir: '/w', Labels: { a: '1' },
      ExposedPorts: { '80/tcp': {} }, Volumes: null,
    });
  });

  it('takes Cmd and Entrypoint from the container only when the user gave no Entrypoint', () => {
    assert.deepEqual(mergeCommitConfig({ Entrypoint: ['/run'] }, { Cmd: ['sh'], Entrypoint: ['/old'] }).Cmd, undefined);
    const none = mergeCommitConfig({}, { Cmd: ['sh'], Entrypoint: ['/old'] });
    assert.deepEqual([none.Cmd, none.Entrypoint], [['sh'], ['/old']]);
  });

  it('unions labels, ports and volumes, the user\'s label value winning', () => {
    const out = mergeCommitConfig(
      { Labels: { a: 'user' }, ExposedPorts: { '81/tcp': {} }, Volumes: { '/u': {} } },
      { Labels: { a: 'ctr', b: '2' }, ExposedPorts: { '80/tcp': {} }, Volumes: { '/c': {} } },
    );
    assert.deepEqual(out.Labels, { a: 'user', b: '2' });
    assert.deepEqual(Object.keys(out.ExposedPorts ?? {}).sort(), ['80/tcp', '81/tcp']);
    assert.deepEqual(Object.keys(out.Volumes ?? {}).sort(), ['/c', '/u']);
  });
});

describe('containerCommit (fake runtime and image store)', () => {
  let f: FakeEngine;
  let svc: ContainerService;
  const engines: FakeEngine[] = [];
  beforeEach(async () => {
    f = await fakeEngine();
    engines.push(f);
    svc = new ContainerService(f.deps);
  });
  after(async () => { for (const e of engines) await e.cleanup(); });

  const running = async (): Promise<string> => {
    const { Id } = await svc.create({ Image: 'busybox', Cmd: ['sleep', '9'] }, 'web');
    await svc.start(Id);
    return Id;
  };

  it('pauses a running container for the commit and unpauses it after; events in Docker\'s order', async () => {
    const id = await running();
    f.snapshotter.changeList = [{ path: '/x', kind: 1 }];
    const { Id } = await svc.commit(id, { reference: 'img:1', comment: 'c' });
    assert.match(Id, /^sha256:/);
    assert.equal(svc.store.get(id).state.status, 'running');
    assert.deepEqual(f.events.list.slice(-4), ['pause web', `tag ${Id}`, 'commit web', 'unpause web']);
    assert.ok(f.snapshotter.calls.includes(`exportChanges ${id}`));
  });

  it('unpauses even when storing the image fails, and emits no commit', async () => {
    const id = await running();
    f.deps.images.commitImage = () => Promise.reject(new Error('disk full'));
    await assert.rejects(svc.commit(id), /disk full/);
    assert.equal(svc.store.get(id).state.status, 'running');
    assert.ok(!f.events.list.includes('commit web'));
    assert.equal(f.events.list.at(-1), 'unpause web');
  });

  it('with pause=false leaves the container running throughout', async () => {
    const id = await running();
    await svc.commit(id, { pause: false });
    assert.ok(!f.events.list.includes('pause web'));
  });

  it('sends no layer when nothing changed', async () => {
    const id = await running();
    let layer: unknown = 'unset';
    f.deps.images.commitImage = async (opts) => { layer = opts.layer; return f.deps.images.get('busybox'); };
    await svc.commit(id);
    assert.equal(layer, undefined);
  });

  it('refuses a bad --change before pausing anything, and an unknown container with 404', async () => {
    const id = await running();
    const before = f.events.list.length;
    await assert.rejects(svc.commit(id, { changes: ['FROM busybox'] }), (e: Error) => kindOf(e) === 'invalid-argument' && e.message === 'FROM is not a valid change command');
    await assert.rejects(svc.commit(id, { changes: ['STOPSIGNAL 9'] }), /STOPSIGNAL is not a valid change command/);
    assert.equal(f.events.list.length, before);
    await assert.rejects(svc.commit('nope'), (e: Error) => kindOf(e) === 'not-found' && e.message === 'No such container: nope');
  });
});
