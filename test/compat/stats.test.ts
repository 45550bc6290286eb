// stats, update and OOM as the docker CLI and the Python SDK see them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { compatNeeds, pythonSdkSkip, run, skipReason, startDaemon, type Daemon } from '../helpers/daemon.js';
import { exitsWith, includes, lines, ok, uniq } from '../helpers/assert.js';


/** The memory cgroup file of a container on this host, v1 or v2, found from its init's /proc entry. */
function memoryLimitFile(pid: number): string {
  const text = readFileSync(`/proc/${pid}/cgroup`, 'utf8');
  const v1 = /^\d+:memory:(.*)$/m.exec(text);
  if (v1) return `/sys/fs/cgroup/memory${v1[1]}/memory.limit_in_bytes`;
  return `/sys/fs/cgroup${/^0::(.*)$/m.exec(text)![1]}/memory.max`;
}

describe('compat: stats, update, OOM', { skip: skipReason(compatNeeds) }, () => {
  let d: Daemon;
  let name: string;
  before(async () => {
    d = await startDaemon();
    name = uniq('stats');
    ok(await d.docker(['run', '-d', '--name', name, '--memory', '64m', 'busybox', 'sleep', '600']));
  });
  after(async () => {
    await d?.stop();
  });

  const inspect = async (format: string, ref: string): Promise<string> => ok(await d.docker(['inspect', '-f', format, ref])).trim();

  it('docker stats --no-stream prints docker\'s columns with the limit and one pid', async () => {
    const out = lines(ok(await d.docker(['stats', '--no-stream', name])));
    assert.match(out[0]!, /^CONTAINER ID\s+NAME\s+CPU %\s+MEM USAGE \/ LIMIT\s+MEM %\s+NET I\/O\s+BLOCK I\/O\s+PIDS$/);
    assert.match(out[1]!, new RegExp(`^[0-9a-f]{12}\\s+${name}\\s+\\d+\\.\\d\\d%\\s+[\\d.]+[KMG]?i?B / 64MiB\\s+\\d+\\.\\d\\d%\\s+\\S+ / \\S+\\s+\\S+ / \\S+\\s+1$`));
    // The container is on the default bridge: its eth0 is counted under networks, as Docker does.
    const res = await d.api({ method: 'GET', path: `/containers/${name}/stats?stream=false` });
    assert.ok(Object.keys((JSON.parse(res.body) as { networks?: object }).networks ?? {}).includes('eth0'), res.body);
  });

  it('stats of a stopped container is the zeroed row; a missing one is an error', async () => {
    const stopped = uniq('stopped');
    ok(await d.docker(['create', '--name', stopped, 'busybox', 'true']));
    const row = ok(await d.docker(['stats', '--no-stream', '--format', '{{.Name}} {{.CPUPerc}} {{.MemUsage}} {{.PIDs}}', stopped])).trim();
    assert.equal(row, `${stopped} 0.00% 0B / 0B 0`);
    const r = await d.docker(['stats', '--no-stream', 'no-such-container']);
    exitsWith(r, 1);
    includes(r.stderr, 'No such container: no-such-container', r);
  });

  it('the stats API streams frames with precpu filled from the second on', async () => {
    const res = await d.api({ method: 'GET', path: `/containers/${name}/stats?stream=false` });
    assert.equal(res.status, 200);
    const s = res.json() as { cpu_stats: { cpu_usage: { total_usage: number }; online_cpus: number }; precpu_stats: { system_cpu_usage?: number }; memory_stats: { limit: number; usage: number }; name: string };
    assert.equal(s.name, `/${name}`);
    assert.equal(s.memory_stats.limit, 64 * 1024 * 1024);
    assert.ok(s.memory_stats.usage > 0 && s.cpu_stats.cpu_usage.total_usage > 0 && s.cpu_stats.online_cpus > 0);
    assert.ok((s.precpu_stats.system_cpu_usage ?? 0) > 0, 'stream=false primes precpu_stats');
    const bad = await d.api({ method: 'GET', path: `/containers/${name}/stats?stream=true&one-shot=true` });
    assert.equal(bad.status, 400);
  });

  it('berth stats --no-stream agrees with docker', async () => {
    const out = lines(ok(await d.berth(['stats', '--no-stream', '--format', '{{.Name}} {{.MemUsage}}', name])));
    assert.match(out[0]!, new RegExp(`^${name} \\S+ / 64MiB$`));
  });

  it('docker update --memory changes the live cgroup and inspect, and survives a restart', async () => {
    assert.equal(ok(await d.docker(['update', '--memory', '32m', '--pids-limit', '50', name])).trim(), name);
    assert.equal(await inspect('{{.HostConfig.Memory}}', name), String(32 * 1024 * 1024));
    const pid = Number(await inspect('{{.State.Pid}}', name));
    assert.equal(readFileSync(memoryLimitFile(pid), 'utf8').trim(), String(32 * 1024 * 1024));
    ok(await d.docker(['restart', '-t', '0', name]));
    const pid2 = Number(await inspect('{{.State.Pid}}', name));
    assert.equal(readFileSync(memoryLimitFile(pid2), 'utf8').trim(), String(32 * 1024 * 1024));
  });

  it("update refuses bad values with docker's messages and changes nothing", async () => {
    let r = await d.docker(['update', '--memory', '1m', name]);
    exitsWith(r, 1);
    includes(r.stderr, 'Minimum memory limit allowed is 6MB', r);
    r = await d.docker(['update', '--memory', '32m', '--memory-swap', '16m', name]);
    exitsWith(r, 1);
    includes(r.stderr, 'Minimum memoryswap limit should be larger than memory limit', r);
    assert.equal(await inspect('{{.HostConfig.Memory}}', name), String(32 * 1024 * 1024));
    const rm = uniq('autorm');
    ok(await d.docker(['run', '-d', '--rm', '--name', rm, 'busybox', 'sleep', '600']));
    r = await d.docker(['update', '--restart', 'always', rm]);
    exitsWith(r, 1);
    includes(r.stderr, 'Restart policy cannot be updated because AutoRemove is enabled for the container', r);
    r = await d.docker(['update', '--memory', '32m', 'no-such-container']);
    exitsWith(r, 1);
    includes(r.stderr, 'No such container: no-such-container', r);
  });

  it("update of a stopped container changes its config for the next start", async () => {
    const stopped = uniq('upd');
    ok(await d.docker(['create', '--name', stopped, 'busybox', 'sleep', '600']));
    ok(await d.docker(['update', '--memory', '48m', '--restart', 'on-failure:2', stopped]));
    assert.equal(await inspect('{{.HostConfig.Memory}} {{.HostConfig.RestartPolicy.Name}}', stopped), `${48 * 1024 * 1024} on-failure`);
    ok(await d.docker(['start', stopped]));
    const pid = Number(await inspect('{{.State.Pid}}', stopped));
    assert.equal(readFileSync(memoryLimitFile(pid), 'utf8').trim(), String(48 * 1024 * 1024));
  });

  it('an OOM-killed container reports OOMKilled, exit code 137 and an oom event before die', async () => {
    const oom = uniq('oom');
    const since = Math.floor(Date.now() / 1000) - 1;
    const r = await d.docker(['run', '--name', oom, '--memory', '8m', 'busybox', 'sh', '-c', 'x=a; while true; do x=$x$x; done']);
    exitsWith(r, 137);
    assert.equal(await inspect('{{.State.OOMKilled}} {{.State.ExitCode}}', oom), 'true 137');
    const events = ok(await d.docker(['events', '--since', String(since), '--until', String(Math.ceil(Date.now() / 1000) + 1),
      '--filter', `container=${oom}`, '--format', '{{.Action}}']));
    const actions = lines(events).filter((a) => a === 'oom' || a === 'die');
    assert.deepEqual(actions, ['oom', 'die']);
  });

  it("the Python SDK's container.stats(stream=False) reads the fields it needs", { skip: pythonSdkSkip() }, async () => {
    const script = [
      'import docker, json',
      'c = docker.from_env().containers.get(' + JSON.stringify(name) + ')',
      's = c.stats(stream=False)',
      'print(json.dumps([s["name"], s["memory_stats"]["limit"] > 0, "total_usage" in s["cpu_stats"]["cpu_usage"], s["pids_stats"]["current"]]))',
    ].join('\n');
    const r = await run('python3', ['-c', script], { env: { DOCKER_HOST: d.host } });
    assert.deepEqual(JSON.parse(ok(r)), [`/${name}`, true, true, 1]);
  });
});
