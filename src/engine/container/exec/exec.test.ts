import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import { kindOf } from '../../../lib/errors/index.js';
import { ContainerService } from '../service.js';
import { fakeEngine, type FakeEngine } from '../testing/fakes.js';
import { PROBE_OUTPUT_MAX } from './probe.js';
import { startFailureExitCode } from './start-failure.js';

async function read(s: NodeJS.ReadableStream | undefined): Promise<string> {
  if (!s) return '';
  let out = '';
  for await (const c of s as AsyncIterable<Buffer>) out += c.toString();
  return out;
}

describe('exec (fake runtime)', () => {
  let f: FakeEngine;
  let svc: ContainerService;
  let id: string;
  const engines: FakeEngine[] = [];
  beforeEach(async () => {
    f = await fakeEngine();
    engines.push(f);
    svc = new ContainerService(f.deps);
    id = (await svc.create({ Image: 'busybox', Cmd: ['sleep', '1000'], User: 'app' }, 'box')).Id;
    await svc.start(id);
  });
  after(async () => { for (const e of engines) await e.cleanup(); });

  it('create, start and inspect: output, exit code, events, the container user as default', async () => {
    f.runtime.execScript = () => ({ stdout: 'hi\n', stderr: 'oops\n', exitCode: 3 });
    const { Id } = svc.execCreate('box', { Cmd: ['sh', '-c', 'x'], AttachStdout: true, AttachStderr: true, Env: ['A=1'] });
    assert.deepEqual(svc.execInspect(Id).ExitCode, null);
    const run = await svc.execStart(Id, {})();
    assert.equal(await read(run.stdout), 'hi\n');
    assert.equal(await read(run.stderr), 'oops\n');
    assert.equal(await run.done, 3);
    const info = svc.execInspect(Id);
    assert.equal(info.Running, false);
    assert.equal(info.ExitCode, 3);
    assert.equal(info.ContainerID, id);
    assert.ok((info.Pid ?? 0) > 0);
    assert.deepEqual(info.ProcessConfig, { tty: false, entrypoint: 'sh', arguments: ['-c', 'x'], privileged: false });
    assert.equal(f.runtime.execs[0]!.spec.user, 'app');
    assert.deepEqual(f.runtime.execs[0]!.spec.env, ['A=1']);
    assert.deepEqual(f.events.list.filter((e) => e.startsWith('exec')), ['exec_create: sh -c x box', 'exec_start: sh -c x box', 'exec_die box']);
  });

  it('a second start is a conflict; an unknown id is not found with Docker\'s message', async () => {
    const { Id } = svc.execCreate('box', { Cmd: ['true'] });
    await (await svc.execStart(Id, {})()).done;
    assert.throws(() => svc.execStart(Id, {}), (e) => kindOf(e) === 'conflict');
    assert.throws(() => svc.execInspect('nope'), (e: Error) => kindOf(e) === 'not-found' && e.message === 'No such exec instance: nope');
  });

  it('refuses a paused or stopped container, and an empty command, creating nothing', async () => {
    assert.throws(() => svc.execCreate('box', { Cmd: [] }), (e) => kindOf(e) === 'invalid-argument');
    await svc.pause('box');
    assert.throws(() => svc.execCreate('box', { Cmd: ['true'] }), (e: Error) => kindOf(e) === 'conflict' && /is paused, unpause the container before exec/.test(e.message));
    await svc.unpause('box');
    await svc.kill('box');
    for (let i = 0; i < 50 && svc.store.get('box').state.status === 'running'; i++) await new Promise((r) => setImmediate(r));
    assert.throws(() => svc.execCreate('box', { Cmd: ['true'] }), (e: Error) => kindOf(e) === 'conflict' && /is not running/.test(e.message));
    assert.equal(f.runtime.execs.length, 0);
  });

  it('a runtime refusal becomes a start error with 127 or 126', async () => {
    f.runtime.execScript = () => ({ startError: 'exec failed: exec: "nope": executable file not found in $PATH' });
    const { Id } = svc.execCreate('box', { Cmd: ['nope'] });
    const run = await svc.execStart(Id, {})();
    assert.match(run.startError ?? '', /^OCI runtime exec failed: .*executable file not found/);
    assert.equal(await run.done, 127);
    assert.equal(svc.execInspect(Id).ExitCode, 127);
    assert.equal(startFailureExitCode('exec: "/etc": permission denied'), 126);
  });

  it('execs go with their container', async () => {
    const { Id } = svc.execCreate('box', { Cmd: ['true'] });
    await svc.remove('box', { force: true });
    assert.throws(() => svc.execInspect(Id), (e) => kindOf(e) === 'not-found');
  });

  it('runProbe collects output cut one byte past 4096 (so the cut shows) and reports the exit code', async () => {
    f.runtime.execScript = () => ({ stdout: 'x'.repeat(10_000), exitCode: 1 });
    const r = await svc.runProbe('box', ['check'], { timeoutMs: 5000 });
    assert.equal(r.exitCode, 1);
    assert.equal(r.timedOut, false);
    assert.equal(r.output.length, PROBE_OUTPUT_MAX + 1);
  });

  it('runProbe kills a probe that outlives its timeout', async () => {
    f.runtime.execScript = () => ({ hang: true });
    const r = await svc.runProbe('box', ['hang'], { timeoutMs: 20 });
    assert.equal(r.timedOut, true);
    assert.equal(f.runtime.execs[0]!.killed, 'SIGKILL');
  });
});
