// docker exec as a user types it, through the real docker CLI (and berth's own CLI and the raw
// API for what the CLI hides): output, exit codes, identity, environment, errors, restarts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compatNeeds, pythonSdkSkip, skipReason, startDaemon, type Daemon } from '../helpers/daemon.js';
import { exitsWith, includes, ok } from '../helpers/assert.js';


const PYTHON_EXEC = `
import docker, json, os
c = docker.DockerClient(base_url=os.environ['DOCKER_HOST'])
ct = c.containers.get('ex')
a = ct.exec_run(['sh', '-c', 'echo out; echo err >&2; exit 3'], demux=True)
b = ct.exec_run('no-such-cmd')
print(json.dumps([a.exit_code, a.output[0].decode(), a.output[1].decode(), b.exit_code, b.output.decode()]))
`;

describe('compat: docker exec', { skip: skipReason(compatNeeds) }, () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon();
    ok(await d.docker(['run', '-d', '--name', 'ex', 'busybox', 'sh', '-c', 'while :; do sleep 1; done']));
  });
  after(async () => {
    await d?.stop();
  });

  it('prints the output and keeps stdout and stderr apart', async () => {
    const r = await d.docker(['exec', 'ex', 'sh', '-c', 'echo out; echo err >&2']);
    assert.equal(ok(r), 'out\n');
    assert.equal(r.stderr, 'err\n');
  });

  it("the process's exit code is exec's exit code", async () => {
    exitsWith(await d.docker(['exec', 'ex', 'sh', '-c', 'exit 7']), 7);
  });

  it('a missing command exits 127 with the runtime message, a non-executable one 126', async () => {
    const missing = await d.docker(['exec', 'ex', 'no-such-cmd']);
    exitsWith(missing, 127);
    includes(missing.stdout + missing.stderr, /OCI runtime exec failed: .*"no-such-cmd": executable file not found in \$PATH/);
    exitsWith(await d.docker(['exec', 'ex', '/etc']), 126);
  });

  it('the process sees only fds 0, 1 and 2 of its own (CVE-2024-21626 class)', async () => {
    const fds = ok(await d.docker(['exec', 'ex', 'sh', '-c', 'ls /proc/$$/fd; true'])).split(/\s+/).filter(Boolean);
    assert.deepEqual(fds, ['0', '1', '2']);
  });

  it('gets the container seccomp filter and default capabilities; --privileged gets them all', async () => {
    const status = ok(await d.docker(['exec', 'ex', 'cat', '/proc/self/status']));
    includes(status, /Seccomp:\s+2/);
    includes(status, /CapEff:\s+00000000a80425fb/);
    const priv = ok(await d.docker(['exec', '--privileged', 'ex', 'grep', 'CapEff', '/proc/self/status']));
    assert.notEqual(priv.trim(), 'CapEff:\t00000000a80425fb');
  });

  it('-u, -w, -e and --env-file shape the process', async () => {
    const envFile = join(d.base, 'exec.env');
    writeFileSync(envFile, 'FROMFILE=1\n# comment\n');
    const out = ok(await d.docker(['exec', '-u', 'nobody', '-w', '/tmp', '-e', 'X=y', '--env-file', envFile, 'ex', 'sh', '-c', 'id -u; pwd; echo $X $FROMFILE $HOME']));
    assert.equal(out, '65534\n/tmp\ny 1 /home\n');
    const unknown = await d.docker(['exec', '-u', 'nouser', 'ex', 'true']);
    exitsWith(unknown, 126);
    includes(unknown.stdout + unknown.stderr, 'unable to find user nouser');
  });

  it('-i passes stdin through to EOF', async () => {
    assert.equal(ok(await d.docker(['exec', '-i', 'ex', 'cat'], { input: 'line one\nline two\n' })), 'line one\nline two\n');
  });

  it('-t gives the process a terminal, raw output and its exit code', async () => {
    const r = await d.docker(['exec', '-t', 'ex', 'sh', '-c', 'tty; exit 5']);
    exitsWith(r, 5);
    includes(r.stdout, /^\/dev\/pts\/\d+\r\n$/);
  });

  it('-d runs in the background', async () => {
    ok(await d.docker(['exec', '-d', 'ex', 'sh', '-c', 'touch /tmp/detached']));
    for (let i = 0; i < 50; i++) {
      if ((await d.docker(['exec', 'ex', 'test', '-e', '/tmp/detached'])).code === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail('the detached exec did not run');
  });

  it('berth exec works the same way', async () => {
    assert.equal(ok(await d.berth(['exec', '-e', 'A=b', 'ex', 'sh', '-c', 'echo $A'])), 'b\n');
    exitsWith(await d.berth(['exec', 'ex', 'sh', '-c', 'exit 3']), 3);
    assert.equal(ok(await d.berth(['exec', '-i', 'ex', 'cat'], { input: 'hi\n' })), 'hi\n');
  });

  it('inspect reports the exec, and unknown or repeated starts get Docker errors', async () => {
    const created = await d.api({ method: 'POST', path: '/containers/ex/exec', body: { Cmd: ['sh', '-c', 'exit 4'], AttachStdout: true, User: 'nobody' } });
    assert.equal(created.status, 201);
    const id = created.json<{ Id: string }>().Id;
    const before0 = (await d.api({ path: `/exec/${id}/json` })).json<Record<string, unknown>>();
    assert.equal(before0.Running, false);
    assert.equal(before0.ExitCode, null);
    assert.deepEqual(before0.ProcessConfig, { tty: false, entrypoint: 'sh', arguments: ['-c', 'exit 4'], privileged: false, user: 'nobody' });
    assert.equal((await d.api({ method: 'POST', path: `/exec/${id}/start`, body: { Detach: true } })).status, 200);
    let info: Record<string, unknown> = {};
    for (let i = 0; i < 50 && info.ExitCode !== 4; i++) {
      info = (await d.api({ path: `/exec/${id}/json` })).json();
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(info.ExitCode, 4);
    assert.equal(info.Running, false);
    const again = await d.api({ method: 'POST', path: `/exec/${id}/start`, body: { Detach: true } });
    assert.equal(again.status, 409);
    const missing = await d.api({ path: '/exec/nope/json' });
    assert.equal(missing.status, 404);
    assert.equal(missing.json<{ message: string }>().message, 'No such exec instance: nope');
    assert.equal((await d.api({ method: 'POST', path: '/exec/nope/start', body: {} })).status, 404);
  });

  it('a paused or stopped container refuses exec with 409', async () => {
    ok(await d.docker(['run', '-d', '--name', 'exp', 'busybox', 'sleep', '1000']));
    ok(await d.docker(['pause', 'exp']));
    const paused = await d.docker(['exec', 'exp', 'true']);
    exitsWith(paused, 1);
    includes(paused.stderr, 'is paused, unpause the container before exec');
    ok(await d.docker(['unpause', 'exp']));
    ok(await d.docker(['kill', 'exp']));
    const stopped = await d.api({ method: 'POST', path: '/containers/exp/exec', body: { Cmd: ['true'] } });
    assert.equal(stopped.status, 409);
    includes(stopped.body, 'is not running');
  });

  it('the Python SDK (docker package) runs execs', { skip: pythonSdkSkip() }, () => {
    const r = spawnSync('python3', ['-c', PYTHON_EXEC], { env: { ...process.env, DOCKER_HOST: d.host }, encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, r.stderr);
    const [code, out, err, missingCode, missingOut] = JSON.parse(r.stdout) as [number, string, string, number, string];
    assert.deepEqual([code, out, err, missingCode], [3, 'out\n', 'err\n', 127]);
    includes(missingOut, 'executable file not found');
  });

  it('exec works in a container restored after kill -9 of berthd', async () => {
    await d.kill9();
    await d.restart();
    assert.equal(ok(await d.docker(['exec', 'ex', 'echo', 'after'])), 'after\n');
  });
});
