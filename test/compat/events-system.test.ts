// Events, disk usage, prune and the swarm/plugin answers, through the real docker CLI, berth's
// CLI and the Python SDK against one berthd.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { compatNeeds, run, skipReason, startDaemon, type Daemon } from '../helpers/daemon.js';
import { exitsWith, includes, lines, ok } from '../helpers/assert.js';

interface Event { Type: string; Action: string; Actor: { ID: string; Attributes: Record<string, string> }; time: number; timeNano: number }

describe('compat: events, system df, prune, swarm and plugins', { skip: skipReason({ ...compatNeeds, cli: true }) }, () => {
  let d: Daemon;
  let t0: number;
  let t1: number;
  let id = '';
  before(async () => {
    d = await startDaemon();
    t0 = Date.now() / 1000 - 1;
    ok(await d.docker(['run', '--name', 'ev1', '-l', 'tier=front', 'busybox', 'true']));
    id = ok(await d.docker(['inspect', '--format', '{{.Id}}', 'ev1'])).trim();
    ok(await d.docker(['run', '-d', '--name', 'ev2', 'busybox', 'sleep', '600']));
    ok(await d.docker(['stop', '-t', '1', 'ev2']));
    ok(await d.docker(['tag', 'busybox', 'evtest/tagged:v1']));
    ok(await d.docker(['rmi', 'evtest/tagged:v1']));
    t1 = Date.now() / 1000 + 0.5;
  });
  after(async () => {
    await d?.stop();
  });

  const events = async (args: string[]): Promise<Event[]> =>
    lines(ok(await d.docker(['events', '--since', String(t0), '--until', String(t1), '--format', '{{json .}}', ...args]))).map((l) => JSON.parse(l) as Event);

  it('docker events --since/--until replays what happened, with Docker\'s actions and attributes', async () => {
    const all = await events([]);
    const of = (name: string): string[] => all.filter((e) => e.Actor.Attributes.name === name).map((e) => e.Action);
    assert.deepEqual(of('ev1'), ['create', 'attach', 'start', 'die']);
    // stop: the stop signal, SIGKILL when the timeout passes (busybox sleep as pid 1 ignores TERM), die, stop
    assert.deepEqual(of('ev2').slice(0, 2), ['create', 'start']);
    assert.deepEqual(of('ev2').slice(-2), ['die', 'stop']);
    const kills = all.filter((e) => e.Action === 'kill').map((e) => e.Actor.Attributes.signal);
    assert.equal(kills[0], '15');
    const die = all.find((e) => e.Action === 'die' && e.Actor.ID === id)!;
    assert.equal(die.Actor.Attributes.exitCode, '0');
    assert.match(die.Actor.Attributes.execDuration!, /^\d+$/);
    assert.equal(die.Actor.Attributes.tier, 'front');
    assert.equal(die.Actor.Attributes.image, 'busybox');
    const tag = all.find((e) => e.Type === 'image' && e.Action === 'tag')!;
    assert.equal(tag.Actor.Attributes.name, 'evtest/tagged:v1');
    assert.match(tag.Actor.ID, /^sha256:[0-9a-f]{64}$/);
    assert.equal(all.find((e) => e.Action === 'untag')!.Actor.ID, tag.Actor.ID);
  });

  it('filters: type, event, container by name or id prefix, image, label', async () => {
    assert.ok((await events(['--filter', 'type=image'])).every((e) => e.Type === 'image'));
    assert.deepEqual((await events(['--filter', 'event=die'])).map((e) => e.Actor.Attributes.name), ['ev1', 'ev2']);
    assert.deepEqual([...new Set((await events(['--filter', 'container=ev1'])).map((e) => e.Actor.ID))], [id]);
    assert.deepEqual([...new Set((await events(['--filter', `container=${id.slice(0, 6)}`])).map((e) => e.Actor.ID))], [id]);
    assert.deepEqual((await events(['--filter', 'label=tier=front', '--filter', 'event=start'])).map((e) => e.Actor.ID), [id]);
    assert.deepEqual(await events(['--filter', 'label=tier=back']), []);
    assert.ok((await events(['--filter', 'image=busybox'])).length >= 8);
    assert.deepEqual(await events(['--filter', 'type=network']), []);
  });

  it('berth events prints the same lines as docker events', async () => {
    const args = ['events', '--since', String(t0), '--until', String(t1)];
    const fromDocker = ok(await d.docker(args));
    assert.equal(ok(await d.berth(args)), fromDocker);
    assert.match(lines(fromDocker)[0]!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}(Z|[+-]\d\d:\d\d) container create [0-9a-f]{64} \(image=busybox, name=ev1, tier=front\)$/);
    const fmt = ['system', 'events', '--since', String(t0), '--until', String(t1), '--filter', 'event=die', '--format', '{{json .}}'];
    assert.equal(ok(await d.berth(fmt)), ok(await d.docker(fmt)));
  });

  it('an until in the past ends the stream; since after until is refused', async () => {
    const r = await d.api({ path: `/events?since=${t0}&until=${t0 - 10}` });
    assert.equal(r.status, 400);
    assert.match(r.json<{ message: string }>().message, /cannot be after `until` time/);
    const dur = await d.api({ path: '/events?since=1h&until=0s' });
    assert.equal(dur.status, 200);
    assert.ok(dur.body.split('\n').filter(Boolean).length >= 8);
  });

  it('system df and df -v print the same through berth and docker', async () => {
    ok(await d.docker(['create', '--name', 'df1', 'busybox', 'sh', '-c', 'true']));
    // Ages ("12 seconds ago") may tick between the two runs: compare without them.
    const ageless = (s: string): string => s.replace(/(\d+ seconds|1 second|Less than a second) ago\s*/g, 'N seconds ago ').replace(/ +/g, ' ');
    for (const args of [['system', 'df'], ['system', 'df', '-v'], ['system', 'df', '--format', '{{json .}}']]) {
      const [k, b] = await Promise.all([d.docker(args), d.berth(args)]);
      assert.equal(ageless(ok(b)), ageless(ok(k)), args.join(' '));
    }
    const summary = lines(ok(await d.docker(['system', 'df'])));
    assert.match(summary[1]!, /^Images\s+1\s+1\s+/);
    assert.match(summary[2]!, /^Containers\s+3\s+0\s+/);
  });

  it('container prune --filter: until, label and docker\'s messages for bad filters', async () => {
    ok(await d.docker(['create', '--name', 'keepme', '-l', 'keep=yes', 'busybox', 'true']));
    exitsWith(await d.docker(['container', 'prune', '-f', '--filter', 'until=yesterday']), 1);
    includes((await d.docker(['container', 'prune', '-f', '--filter', 'until=yesterday'])).stderr, 'failed to parse value as time or duration: "yesterday"');
    includes((await d.docker(['container', 'prune', '-f', '--filter', 'colour=red'])).stderr, "invalid filter 'colour'");
    // everything was created within the hour: until=1h keeps all
    assert.equal(ok(await d.docker(['container', 'prune', '-f', '--filter', 'until=1h'])), 'Total reclaimed space: 0B\n');
    ok(await d.docker(['container', 'prune', '-f', '--filter', 'label!=keep']));
    assert.deepEqual(lines(ok(await d.docker(['ps', '-a', '--format', '{{.Names}}']))), ['keepme']);
    const r = ok(await d.berth(['system', 'prune', '-f', '--filter', 'label=keep=yes']));
    assert.match(r, /^Deleted Containers:\n[0-9a-f]{64}\n\nTotal reclaimed space: /);
    const pruneEvents = await d.api({ path: '/events?since=1h&until=0s&filters=%7B%22event%22%3A%5B%22prune%22%5D%7D' });
    assert.ok(pruneEvents.body.includes('"reclaimed"'), pruneEvents.body);
  });

  it('swarm endpoints answer 503 as an engine outside a swarm; plugins list empty', async () => {
    const leave = await d.docker(['swarm', 'leave', '--force']);
    exitsWith(leave, 1);
    includes(leave.stderr, 'Error response from daemon: This node is not part of a swarm');
    const nodes = await d.docker(['node', 'ls']);
    includes(nodes.stderr, 'This node is not a swarm manager.');
    assert.equal((await d.api({ path: '/v1.41/services' })).status, 503);
    assert.equal(ok(await d.docker(['plugin', 'ls', '--format', '{{.Name}}'])), '');
    const missing = await d.api({ path: '/plugins/vieux/sshfs:latest/json' });
    assert.equal(missing.status, 404);
    const wrong = await d.api({ method: 'PUT', path: '/plugins' });
    assert.equal(wrong.status, 405);
    assert.equal(typeof wrong.json<{ message: string }>().message, 'string');
    const unknown = await d.api({ path: '/no/such/endpoint' });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json<{ message: string }>().message, 'page not found');
  });

  it('the Python SDK\'s teardown path: swarm.leave(force=True) passes on the 503, leave() raises it, plugins.list is empty', async () => {
    const py = [
      'import docker, sys',
      `c = docker.DockerClient(base_url="${d.host}")`,
      'print(c.swarm.leave(force=True))',
      'try:',
      '    c.swarm.leave()',
      '    print("no error")',
      'except docker.errors.APIError as e:',
      '    print(e.response.status_code, e.explanation)',
      'print(len(c.plugins.list()))',
    ].join('\n');
    const r = await run('python3', ['-c', py]);
    if (r.code !== 0 && /No module named .docker./.test(r.stderr)) return;
    assert.equal(ok(r), 'True\n503 This node is not part of a swarm\n0\n');
  });
});
