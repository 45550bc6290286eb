import { after, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { kindOf } from '../../lib/errors/index.js';
import { statusText } from '../convert/container.js';
import { ContainerService } from './service.js';
import { fakeEngine, type FakeEngine } from './testing/fakes.js';
import { ContainerStore } from './store.js';

/** Lets queued callbacks and promise chains run (no timers involved: the clock is manual). */
async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

/** Waits for `cond`, which real file writes (the store fsyncs) may take a while to make true. */
async function until(cond: () => boolean, what: string): Promise<void> {
  const giveUp = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > giveUp) assert.fail(`never happened: ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

describe('container life cycle (fake runtime and snapshotter)', () => {
  let f: FakeEngine;
  let svc: ContainerService;
  const state = (id: string): string => svc.store.get(id).state.status;

  const engines: FakeEngine[] = [];
  beforeEach(async () => {
    f = await fakeEngine();
    engines.push(f);
    svc = new ContainerService(f.deps);
  });
  // At the end, once no test's background work writes into its store any more.
  after(async () => { for (const e of engines) await e.cleanup(); });

  const create = async (extra: Record<string, unknown> = {}, name?: string): Promise<string> =>
    (await svc.create({ Image: 'busybox', Cmd: ['true'], ...extra }, name)).Id;

  it('starts through the steps in order and writes the /etc files from the sandbox', async () => {
    const id = await create({}, 'web');
    assert.equal(state(id), 'created');
    await svc.start(id);
    assert.equal(state(id), 'running');
    assert.deepEqual(f.runtime.calls, [`writeSpec ${id}`, `create ${id}`, `start ${id}`]);
    assert.deepEqual(f.snapshotter.calls, [`prepare ${id}`, `mount ${id}`]);
    assert.ok(f.runtime.watched.has(id), 'the monitor is watched');
    const rec = svc.store.get(id);
    assert.match(await readFile(rec.hostsPath, 'utf8'), new RegExp(`127\\.0\\.1\\.1\\t${id.slice(0, 12)}`));
    assert.equal(f.runtime.specs.get(id)!.networkMode, 'private');
    assert.deepEqual(f.events.list, ['create web', 'start web']);
  });

  it('a failing step undoes the steps before it, in reverse, and leaves the container created', async () => {
    const id = await create();
    f.runtime.fail('create', new Error('exec: "nosuch": executable file not found in $PATH'));
    await assert.rejects(svc.start(id), (err) => kindOf(err) === 'invalid-argument');
    assert.deepEqual(f.snapshotter.calls.slice(-2), [`mount ${id}`, `unmount ${id}`]);
    assert.equal(f.snapshotter.mounted.size, 0);
    const rec = svc.store.get(id);
    assert.equal(rec.state.status, 'created');
    assert.equal(rec.state.exitCode, 127);
    assert.match(rec.state.error, /executable file not found/);
    // A later start works: nothing half-made is in the way.
    await svc.start(id);
    assert.equal(state(id), 'running');
  });

  it('a failed runtime start undoes every step, the runtime create included', async () => {
    const id = await create();
    f.runtime.fail('start', new Error('runtime exploded'));
    await assert.rejects(svc.start(id), (err) => kindOf(err) === 'internal');
    assert.ok(f.runtime.calls.includes(`delete ${id}`));
    assert.equal(f.snapshotter.mounted.size, 0);
    assert.equal(state(id), 'created');
  });

  it('an exit is saved before the runtime forgets it, then the start path is torn down', async () => {
    const id = await create();
    await svc.start(id);
    let savedAtDelete = '';
    f.runtime.onDelete = (d) => {
      if (d === id) savedAtDelete = JSON.parse(readFileSync(join(f.root, id, 'container.json'), 'utf8')).state.status;
    };
    f.runtime.exit(id, 3);
    await svc.wait(id, 'not-running');
    await until(() => savedAtDelete !== '', 'runtime delete');
    assert.equal(savedAtDelete, 'exited');
    assert.equal(f.snapshotter.mounted.size, 0, 'rootfs unmounted');
    const rec = svc.store.get(id);
    assert.equal(rec.state.exitCode, 3);
    assert.notEqual(rec.state.finishedAt, '0001-01-01T00:00:00Z');
    // FinishedAt keeps the last exit's time through the next start, as Docker does.
    const finished = rec.state.finishedAt;
    await svc.start(id);
    assert.equal(svc.store.get(id).state.finishedAt, finished);
  });

  it('a save that fails at exit keeps the runtime\'s exit record for the next try', async () => {
    const id = await create();
    await svc.start(id);
    const store = svc.store as ContainerStore & { save: ContainerStore['save'] };
    const realSave = store.save.bind(store);
    store.save = async () => { throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }); };
    f.runtime.exit(id, 4);
    await svc.wait(id, 'not-running');
    store.save = realSave;
    assert.ok(!f.runtime.calls.includes(`delete ${id}`), 'exit record kept');
    assert.ok(f.runtime.exits.has(id));
    assert.equal(state(id), 'exited');
    assert.ok(f.logs.some((l) => /saving exit/.test(l)));
  });

  it('restart policies wait out Docker\'s back-off as "restarting", and a stop wins', async () => {
    const id = await create({ HostConfig: { RestartPolicy: { Name: 'always' } } });
    await svc.start(id);
    f.runtime.exit(id, 1);
    await until(() => f.clock.pending === 1, 'restart scheduled');
    assert.equal(state(id), 'restarting');
    const rec = svc.store.get(id);
    assert.match(statusText(rec, f.clock.now()), /^Restarting \(1\) /);
    f.clock.advance(99);
    await settle();
    assert.equal(state(id), 'restarting', 'not before 100 ms');
    f.clock.advance(1);
    await until(() => state(id) === 'running', 'restarted');
    assert.equal(svc.store.get(id).restartCount, 1);
    // A second quick exit doubles the delay.
    f.runtime.exit(id, 1);
    await until(() => f.clock.pending === 1, 'restart scheduled again');
    f.clock.advance(150);
    await settle();
    assert.equal(state(id), 'restarting', 'the back-off doubled to 200 ms');
    // rm without force refuses a restarting container, as Docker does.
    await assert.rejects(svc.remove(id), (err) => kindOf(err) === 'conflict' && /container is restarting/.test((err as Error).message));
    await svc.stop(id);
    assert.equal(state(id), 'exited');
    f.clock.advance(60_000);
    await settle();
    assert.equal(state(id), 'exited', 'the stop cancelled the restart');
    assert.equal(f.clock.pending, 0);
  });

  it('kill and pause of a restarting container answer as Docker does', async () => {
    const id = await create({ HostConfig: { RestartPolicy: { Name: 'on-failure' } } });
    await svc.start(id);
    f.runtime.exit(id, 2);
    await until(() => f.clock.pending === 1, 'restart scheduled');
    await assert.rejects(svc.kill(id), /is restarting, wait until the container is running/);
    await assert.rejects(svc.pause(id), /is restarting/);
    await svc.remove(id, { force: true });
    assert.throws(() => svc.store.get(id), /No such container/);
    assert.equal(f.clock.pending, 0);
  });

  it('rm -f wins over a policy restart that was already starting the container', async () => {
    const id = await create({ HostConfig: { RestartPolicy: { Name: 'always' } } });
    await svc.start(id);
    f.runtime.exit(id, 1);
    await until(() => f.clock.pending === 1, 'restart scheduled');
    let open!: () => void;
    f.runtime.createGate = new Promise((r) => (open = r));
    f.clock.advance(100);
    await until(() => f.runtime.calls.filter((c) => c === `create ${id}`).length === 2, 'policy start under way');
    const removing = svc.remove(id, { force: true });
    open();
    await removing;
    assert.throws(() => svc.store.get(id), /No such container/);
    assert.equal(f.clock.pending, 0, 'no restart left behind');
    assert.equal(f.runtime.processes.size, 0);
  });

  it('stop sends the stop signal, then SIGKILL when the timeout passes', async () => {
    const id = await create({ StopSignal: 'SIGUSR1' });
    await svc.start(id);
    f.runtime.ignored.add('SIGUSR1');
    const stopping = svc.stop(id, { timeout: 5 });
    await settle();
    assert.ok(f.runtime.calls.includes(`kill ${id} SIGUSR1`));
    assert.ok(!f.runtime.calls.includes(`kill ${id} SIGKILL`));
    f.clock.advance(5000);
    await stopping;
    assert.ok(f.runtime.calls.includes(`kill ${id} SIGKILL`));
    assert.equal(svc.store.get(id).state.exitCode, 137);
    await assert.rejects(svc.stop(id), (err) => kindOf(err) === 'not-modified');
  });

  it('a removal in progress shows as "removing" and refuses a second rm', async () => {
    const id = await create({}, 'gone');
    let open!: () => void;
    f.snapshotter.removeGate = new Promise((r) => (open = r));
    const removing = svc.remove(id);
    await until(() => state(id) === 'removing', 'removing');
    assert.equal(statusText(svc.store.get(id)), 'Removal In Progress');
    await assert.rejects(svc.remove(id), /already in progress/);
    await assert.rejects(svc.start(id), (err) => kindOf(err) === 'conflict');
    open();
    await removing;
    assert.throws(() => svc.store.get(id), /No such container/);
    assert.equal(svc.store.isNameTaken('gone'), false);
    assert.deepEqual(f.events.list.slice(-1), ['destroy gone']);
  });

  it('a monitor that died is an exit: policies and waiters see it', async () => {
    const id = await create({ HostConfig: { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 1 } } });
    await svc.start(id);
    const waited = svc.wait(id, 'next-exit');
    f.runtime.exit(id, 137, { monitorLost: true });
    assert.equal((await waited).StatusCode, 137);
    assert.match(svc.store.get(id).state.error, /monitor died/);
    assert.equal(state(id), 'restarting');
  });

  it('restore reads exits recorded while down, tears down what is not running, and resumes restarts', async () => {
    const running = await create({}, 'running');
    const exitedWhileDown = await create({}, 'exited-while-down');
    const stopped = await create({}, 'stopped');
    const restarting = await create({ HostConfig: { RestartPolicy: { Name: 'always' } } }, 'restarting');
    for (const id of [running, exitedWhileDown, restarting]) await svc.start(id);
    // "stopped" was created but its start was cut short by a crash: rootfs mounted, runtime state.
    await f.snapshotter.mount(stopped);
    await f.runtime.create(stopped, {} as never);
    // berthd dies; one container exits meanwhile; the restarting one was waiting out its back-off.
    const recR = svc.store.get(restarting);
    recR.state = { ...recR.state, status: 'restarting' };
    await svc.store.save(recR);
    f.runtime.exits.set(exitedWhileDown, { exitCode: 7, finishedAt: new Date(f.clock.now()).toISOString() });

    const store2 = new ContainerStore(f.root);
    const svc2 = new ContainerService({ ...f.deps, store: store2 });
    const { cleanup } = await svc2.restore();
    await cleanup;
    await until(() => f.clock.pending === 1, 'restart scheduled');
    assert.equal(store2.get(running).state.status, 'running');
    assert.equal(store2.get(exitedWhileDown).state.status, 'exited');
    assert.equal(store2.get(exitedWhileDown).state.exitCode, 7);
    assert.ok(!f.snapshotter.mounted.has(stopped), 'the start cut short was torn down');
    assert.ok(!f.runtime.processes.has(stopped));
    assert.ok(f.runtime.watched.has(running), 'running containers have their monitor watched');
    f.clock.advance(100);
    await until(() => store2.get(restarting).state.status === 'running', 'restart resumed');
  });

  it('--volumes-from: 404 for a container that does not exist; the donor\'s binds are copied, :ro making them read-only', async () => {
    await assert.rejects(create({ HostConfig: { VolumesFrom: ['nosuch:ro'] } }), (err) => kindOf(err) === 'not-found' && /No such container: nosuch/.test((err as Error).message));
    const donor = await create({ HostConfig: { Binds: ['/tmp:/data'], Tmpfs: { '/run': '' } } }, 'data');
    const id = await create({ HostConfig: { VolumesFrom: ['data:ro'] } });
    assert.deepEqual(svc.store.get(id).mounts.map((m) => [m.type, m.source, m.destination, m.readOnly]), [['bind', '/tmp', '/data', true]]);
    await assert.rejects(create({ HostConfig: { VolumesFrom: ['data:xx'] } }), /invalid mode: xx/);
    assert.deepEqual(svc.store.list().map((r) => r.id).sort(), [donor, id].sort(), 'nothing half-made');
  });

  it('without a volume service, named volumes are refused and nothing is left', async () => {
    await assert.rejects(create({ HostConfig: { Binds: ['vol:/data'] } }), /named volumes are not supported yet/);
    assert.deepEqual(svc.store.list(), []);
  });

  it('mounts are parsed once at create and kept on the record', async () => {
    const id = await create({ HostConfig: { Binds: ['/tmp:/data:ro'], Tmpfs: { '/run': 'size=1m' }, Mounts: [{ Type: 'tmpfs', Target: '/scratch' }] } });
    const rec = svc.store.get(id);
    assert.deepEqual(rec.mounts.map((m) => [m.type, m.destination, m.readOnly, m.origin]), [
      ['bind', '/data', true, 'binds'], ['tmpfs', '/scratch', false, 'mounts'], ['tmpfs', '/run', false, 'tmpfs'],
    ]);
    await svc.start(id);
    assert.deepEqual(f.runtime.specs.get(id)!.mounts!.map((m) => m.destination), ['/data', '/scratch', '/run']);
  });
});

