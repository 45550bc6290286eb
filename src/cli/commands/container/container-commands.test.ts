import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { FakeDaemon } from '../../../client/testing/fake-daemon.js';
import { runCaptured } from '../../testing/capture.js';
import { frame, STDERR, STDOUT } from '../../../lib/streams/stdcopy.js';

let daemon: FakeDaemon;
const berth = (...args: string[]) => runCaptured(['-H', daemon.host, ...args]);
const now = Math.floor(Date.now() / 1000);
const ID = '3f4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c1b2a3f4e';

const summary = {
  Id: ID, Names: ['/web'], Image: 'busybox', ImageID: 'sha256:aa', Command: "sh -c 'exit 0; sleep 100'",
  Created: now - 7200, Ports: [{ IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }],
  Labels: { tier: 'front' }, State: 'running', Status: 'Up 2 hours', Mounts: [],
  NetworkSettings: { Networks: { bridge: {} } },
};

before(async () => { daemon = await new FakeDaemon().listen(); });
after(() => daemon.close());

test('ps prints docker\'s table', async () => {
  daemon.json('GET /containers/json', 200, [summary]);
  const r = await berth('ps');
  assert.equal(r.code, 0);
  assert.equal(r.stdout,
    'CONTAINER ID   IMAGE     COMMAND                  CREATED       STATUS       PORTS                  NAMES\n'
    + '3f4e5d6c7b8a   busybox   "sh -c \'exit 0; slee…"   2 hours ago   Up 2 hours   0.0.0.0:8080->80/tcp   web\n');
});

test('ps sends -a, -n and filters; -q prints ids', async () => {
  daemon.json('GET /containers/json', 200, [summary]);
  const r = await berth('ps', '-aq', '--filter', 'status=running', '-f', 'label=tier=front', '-n', '2');
  assert.equal(r.stdout, '3f4e5d6c7b8a\n');
  const q = daemon.seen('GET /containers/json').at(-1)!.query;
  assert.equal(q.get('all'), '1');
  assert.equal(q.get('limit'), '2');
  assert.deepEqual(JSON.parse(q.get('filters')!), { status: { running: true }, label: { 'tier=front': true } });
});

test('ps --format table, plain and json', async () => {
  daemon.json('GET /containers/json', 200, [summary]);
  let r = await berth('ps', '--format', 'table {{.ID}}\\t{{.Names}}\\t{{.Label "tier"}}');
  assert.equal(r.stdout, 'CONTAINER ID   NAMES     tier\n3f4e5d6c7b8a   web       front\n');
  r = await berth('ps', '--no-trunc', '--format', '{{.ID}} {{.State}} {{.Networks}}');
  assert.equal(r.stdout, `${ID} running bridge\n`);
  r = await berth('ps', '--format', '{{json .}}');
  const obj = JSON.parse(r.stdout) as Record<string, string>;
  assert.equal(obj['Names'], 'web');
  assert.equal(obj['Ports'], '0.0.0.0:8080->80/tcp');
  assert.equal(obj['Labels'], 'tier=front');
});

test('rm reports each failure, echoes successes, exits 1', async () => {
  daemon.on('DELETE /containers/web', (_req, res) => { res.writeHead(204); res.end(); });
  daemon.json('DELETE /containers/ghost', 404, { message: 'No such container: ghost' });
  const r = await berth('rm', 'web', 'ghost');
  assert.equal(r.code, 1);
  assert.equal(r.stdout, 'web\n');
  assert.equal(r.stderr, 'Error response from daemon: No such container: ghost\n');
});

test('rm -f of a missing container prints the error and exits 0; other failures still fail', async () => {
  daemon.on('DELETE /containers/web', (_req, res) => { res.writeHead(204); res.end(); });
  daemon.json('DELETE /containers/ghost', 404, { message: 'No such container: ghost' });
  daemon.json('DELETE /containers/stuck', 500, { message: 'driver failed to remove root filesystem' });
  let r = await berth('rm', '-f', 'web', 'ghost');
  assert.equal(r.code, 0);
  assert.equal(r.stdout, 'web\n');
  assert.equal(r.stderr, 'Error response from daemon: No such container: ghost\n');
  assert.equal(daemon.seen('DELETE /containers/web').at(-1)!.query.get('force'), '1');
  r = await berth('rm', '-f', 'ghost', 'stuck');
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'Error response from daemon: No such container: ghost\nError response from daemon: driver failed to remove root filesystem\n');
});

test('stop passes -t and treats already-stopped as success', async () => {
  daemon.on('POST /containers/web/stop', (_req, res) => { res.writeHead(304); res.end(); });
  const r = await berth('stop', '-t', '3', 'web');
  assert.equal(r.code, 0);
  assert.equal(r.stdout, 'web\n');
  assert.equal(daemon.seen('POST /containers/web/stop').at(-1)!.query.get('t'), '3');
});

test('run -d creates with the flags docker sends, starts, prints the id', async () => {
  daemon.json('POST /containers/create', 201, { Id: ID, Warnings: [] });
  daemon.on(`POST /containers/${ID}/start`, (_req, res) => { res.writeHead(204); res.end(); });
  const r = await berth('run', '-d', '--name', 'web', '-e', 'A=1', '-l', 'x=y', '-p', '8080:80', '--rm', '-m', '64m',
    '--restart', 'on-failure:3', '-w', '/tmp', 'busybox', 'ls', '-l');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `${ID}\n`);
  const create = daemon.seen('POST /containers/create').at(-1)!;
  assert.equal(create.query.get('name'), 'web');
  const body = JSON.parse(create.body) as Record<string, any>;
  assert.equal(body['Image'], 'busybox');
  assert.deepEqual(body['Cmd'], ['ls', '-l']);
  assert.deepEqual(body['Env'], ['A=1']);
  assert.deepEqual(body['Labels'], { x: 'y' });
  assert.equal(body['WorkingDir'], '/tmp');
  assert.deepEqual(body['ExposedPorts'], { '80/tcp': {} });
  assert.equal(body['AttachStdout'], false);
  assert.deepEqual(body['HostConfig'].PortBindings, { '80/tcp': [{ HostIp: '', HostPort: '8080' }] });
  assert.equal(body['HostConfig'].AutoRemove, true);
  assert.equal(body['HostConfig'].Memory, 64 * 1024 * 1024);
  assert.deepEqual(body['HostConfig'].RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 3 });
});

test('run attached streams stdout/stderr and exits with the container code', async () => {
  const C = 'c0ffee';
  daemon.json('POST /containers/create', 201, { Id: C, Warnings: null });
  let attached: import('node:stream').Duplex | undefined;
  let release: ((code: number) => void) | undefined;
  const exited = new Promise<number>((r) => { release = r; });
  daemon.upgrade(`POST /containers/${C}/attach`, (_req, socket) => { attached = socket; });
  daemon.on(`POST /containers/${C}/wait`, async (req, res) => {
    assert.equal(req.query.get('condition'), 'next-exit');
    const code = await exited;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ StatusCode: code }));
  });
  daemon.on(`POST /containers/${C}/start`, (_req, res) => {
    res.writeHead(204);
    res.end();
    attached!.write(frame(STDOUT, Buffer.from('out\n')));
    attached!.end(frame(STDERR, Buffer.from('err\n')));
    release!(3);
  });
  const r = await berth('run', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 3');
  assert.equal(r.stdout, 'out\n');
  assert.equal(r.stderr, 'err\n');
  assert.equal(r.code, 3);
});

test('run with an unknown image says so and exits 125', async () => {
  daemon.json('POST /containers/create', 404, { message: 'No such image: nothere:latest' });
  daemon.json('POST /images/create', 404, { message: 'pull access denied for nothere, repository does not exist' });
  const r = await berth('run', 'nothere');
  assert.equal(r.code, 125);
  assert.equal(r.stderr, "Unable to find image 'nothere:latest' locally\n"
    + "berth: Error response from daemon: pull access denied for nothere, repository does not exist\n\nRun 'berth run --help' for more information\n");
});

test('run maps a missing executable to 127 and a non-executable to 126', async () => {
  daemon.json('POST /containers/create', 201, { Id: 'dead', Warnings: [] });
  daemon.json('POST /containers/dead/start', 400, { message: 'failed to create task: exec: "nope": executable file not found in $PATH' });
  let r = await berth('run', '-d', 'busybox', 'nope');
  assert.equal(r.code, 127);
  assert.match(r.stderr, /^berth: Error response from daemon: failed to create task: exec: "nope": executable file not found/);
  daemon.json('POST /containers/dead/start', 400, { message: 'exec /etc/passwd: permission denied' });
  r = await berth('run', '-d', 'busybox', '/etc/passwd');
  assert.equal(r.code, 126);
});

test('inspect prints JSON, formats, and reports missing objects', async () => {
  const info = { Id: ID, Name: '/web', State: { Status: 'running', Running: true }, Config: { Labels: { a: 'b' }, Tty: false } };
  daemon.json('GET /containers/web/json', 200, info);
  daemon.json('GET /containers/ghost/json', 404, { message: 'No such container: ghost' });
  daemon.json('GET /images/ghost/json', 404, { message: 'No such image: ghost:latest' });
  let r = await berth('inspect', 'web');
  assert.equal(r.code, 0);
  assert.deepEqual(JSON.parse(r.stdout), [info]);
  assert.match(r.stdout, /^\[\n {4}\{\n {8}"Id"/);
  r = await berth('inspect', '-f', '{{.State.Status}} {{index .Config.Labels "a"}} {{json .Config.Labels}}', 'web');
  assert.equal(r.stdout, 'running b {"a":"b"}\n');
  r = await berth('inspect', 'ghost');
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '[]\n');
  assert.equal(r.stderr, 'Error: No such object: ghost\n');
  r = await berth('container', 'inspect', 'ghost');
  assert.equal(r.stderr, 'Error response from daemon: No such container: ghost\n');
});

test('inspect -f evaluates against docker\'s typed structs, then the raw answer, as docker does', async () => {
  const info = { Id: ID, Name: '/web', State: { Status: 'running', Running: true, Pid: 7 }, Config: { Labels: null, Entrypoint: null, Tty: false },
    HostConfig: { CpuShares: 0, Extra: 'x' } };
  daemon.json('GET /containers/web/json', 200, info);
  let r = await berth('inspect', '-f', '{{.Config.Labels.x}}|{{if .State.Health}}a{{else}}b{{end}}|{{len .Config.Entrypoint}}|{{.Config.ExposedPorts}}', 'web');
  assert.equal(r.code, 0);
  assert.equal(r.stdout, '<no value>|b|0|map[]\n');
  r = await berth('container', 'inspect', '-f', '{{.State}}', 'web');
  assert.equal(r.stdout, '{running true false false false false 7 0    <nil>}\n');
  // fields the typed struct lacks still come from the answer itself
  r = await berth('inspect', '-f', '{{.HostConfig.CpuShares}} {{.HostConfig.Extra}}', 'web');
  assert.equal(r.stdout, '0 x\n');
  // a key in neither: docker prints a lone newline, then each failure in the order of the names
  r = await berth('inspect', '-f', '{{.Config.Nope}}', 'web', 'ghost');
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '\n');
  assert.equal(r.stderr, 'template parsing error: template: :1:9: executing "" at <.Config.Nope>: map has no entry for key "Nope"\n'
    + 'Error: No such object: ghost\n');
  r = await berth('inspect', '--format', 'json', 'web', 'ghost');
  assert.equal(r.stdout, `${JSON.stringify([info])}\n`);
  assert.equal(r.stderr, 'Error: No such object: ghost\n');
  r = await berth('inspect', '-f', '{{.Id', 'web');
  assert.equal(r.code, 64);
  assert.match(r.stderr, /^template parsing error: template: :1: unclosed action/);
});

test('logs demultiplexes and passes tail, timestamps and since', async () => {
  daemon.json('GET /containers/web/json', 200, { Id: ID, Config: { Tty: false }, State: {} });
  daemon.on('GET /containers/web/logs', (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/vnd.docker.multiplexed-stream' });
    res.write(frame(STDOUT, Buffer.from('one\n')));
    res.end(frame(STDERR, Buffer.from('two\n')));
  });
  const r = await berth('logs', '-n', '5', '-t', '--since', '10m', 'web');
  assert.equal(r.code, 0);
  assert.equal(r.stdout, 'one\n');
  assert.equal(r.stderr, 'two\n');
  const q = daemon.seen('GET /containers/web/logs').at(-1)!.query;
  assert.equal(q.get('tail'), '5');
  assert.equal(q.get('timestamps'), '1');
  assert.ok(Math.abs(Number(q.get('since')) - (Date.now() / 1000 - 600)) < 5);
});

test('wait prints the exit code', async () => {
  daemon.json('POST /containers/web/wait', 200, { StatusCode: 42 });
  const r = await berth('wait', 'web');
  assert.equal(r.stdout, '42\n');
  assert.equal(r.code, 0);
});

test('container prune -f reports what went', async () => {
  daemon.json('POST /containers/prune', 200, { ContainersDeleted: ['a1', 'b2'], SpaceReclaimed: 12345 });
  const r = await berth('container', 'prune', '-f');
  assert.equal(r.stdout, 'Deleted Containers:\na1\nb2\n\nTotal reclaimed space: 12.3kB\n');
});

test('run -i forwards stdin and half-closes it; -t output is raw', async () => {
  const C = 'feed01';
  daemon.json('POST /containers/create', 201, { Id: C, Warnings: [] });
  let attached: import('node:stream').Duplex | undefined;
  let input = '';
  let release: ((code: number) => void) | undefined;
  const exited = new Promise<number>((r) => { release = r; });
  daemon.upgrade(`POST /containers/${C}/attach`, (req, socket) => {
    assert.equal(req.query.get('stdin'), '1');
    attached = socket;
  });
  daemon.on(`POST /containers/${C}/wait`, async (_req, res) => {
    const code = await exited;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ StatusCode: code }));
  });
  daemon.on(`POST /containers/${C}/start`, (_req, res) => {
    res.writeHead(204);
    res.end();
    attached!.on('data', (c: Buffer) => { input += c.toString(); });
    attached!.on('end', () => {
      attached!.end(`raw:${input}`);
      release!(0);
    });
  });
  const r = await runCaptured(['-H', daemon.host, 'run', '-i', '-t', 'busybox', 'cat'], { stdin: 'hello' });
  assert.equal(r.stderr, 'the input device is not a TTY\n');
  assert.equal(r.code, 1);
  const ok = await runCaptured(['-H', daemon.host, 'run', '-i', 'busybox', 'cat'], { stdin: 'hello' });
  // without a TTY the daemon frames output; this fake writes raw bytes, which the decoder holds back
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(input, 'hello');
  const body = JSON.parse(daemon.seen('POST /containers/create').at(-1)!.body) as Record<string, unknown>;
  assert.equal(body['OpenStdin'], true);
  assert.equal(body['StdinOnce'], true);
  assert.equal(body['AttachStdin'], true);
});

test('run -t copies raw output', async () => {
  const C = 'feed02';
  daemon.json('POST /containers/create', 201, { Id: C, Warnings: [] });
  let attached: import('node:stream').Duplex | undefined;
  daemon.upgrade(`POST /containers/${C}/attach`, (_req, socket) => { attached = socket; });
  daemon.json(`POST /containers/${C}/wait`, 200, { StatusCode: 0 });
  daemon.on(`POST /containers/${C}/start`, (_req, res) => {
    res.writeHead(204);
    res.end();
    attached!.end('tty bytes\r\n');
  });
  const r = await runCaptured(['-H', daemon.host, 'run', '-t', 'busybox', 'echo']);
  assert.equal(r.stdout, 'tty bytes\r\n');
  assert.equal(r.code, 0);
});

test('start echoes names, accepts already-running, summarises failures', async () => {
  daemon.on('POST /containers/a/start', (_req, res) => { res.writeHead(204); res.end(); });
  daemon.on('POST /containers/b/start', (_req, res) => { res.writeHead(304); res.end(); });
  daemon.json('POST /containers/c/start', 404, { message: 'No such container: c' });
  const r = await berth('start', 'a', 'b', 'c');
  assert.equal(r.stdout, 'a\nb\n');
  assert.equal(r.stderr, 'Error response from daemon: No such container: c\nfailed to start containers: c\n');
  assert.equal(r.code, 1);
});

test('start -a attaches, starts and exits with the code', async () => {
  daemon.json('GET /containers/job/json', 200, { Id: 'job', Config: { Tty: false, OpenStdin: false }, State: { Running: false } });
  let attached: import('node:stream').Duplex | undefined;
  daemon.upgrade('POST /containers/job/attach', (_req, socket) => { attached = socket; });
  let release: ((code: number) => void) | undefined;
  const exited = new Promise<number>((r) => { release = r; });
  daemon.on('POST /containers/job/wait', async (_req, res) => {
    const code = await exited;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ StatusCode: code }));
  });
  daemon.on('POST /containers/job/start', (_req, res) => {
    res.writeHead(204);
    res.end();
    attached!.end(frame(STDOUT, Buffer.from('done\n')));
    release!(7);
  });
  const r = await berth('start', '-a', 'job');
  assert.equal(r.stdout, 'done\n');
  assert.equal(r.code, 7);
});

test('create: flag errors show usage (125), CLI checks are prefixed (125), daemon errors plain (1)', async () => {
  let r = await berth('create', '-m', 'lots', 'busybox');
  assert.equal(r.code, 125);
  assert.match(r.stderr, /^invalid argument "lots" for "-m, --memory" flag: invalid size: 'lots'\n\nUsage:  berth create/);
  r = await berth('create', '-p', '99999', 'busybox');
  assert.equal(r.code, 125);
  assert.equal(r.stderr, "berth: invalid containerPort: 99999\n\nRun 'berth create --help' for more information\n");
  daemon.json('POST /containers/create', 409, { message: 'Conflict. The container name "/pp" is already in use' });
  r = await berth('create', '--name', 'pp', 'busybox');
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'Error response from daemon: Conflict. The container name "/pp" is already in use\n');
});

test('bad filters are flag errors; rename failures add docker\'s summary line', async () => {
  let r = await berth('ps', '--filter', 'nokey');
  assert.equal(r.code, 125);
  assert.match(r.stderr, /^invalid argument "nokey" for "-f, --filter" flag: bad format of filter \(expected name=value\)\n/);
  daemon.json('POST /containers/nope/rename', 404, { message: 'No such container: nope' });
  r = await berth('rename', 'nope', 'x');
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'Error response from daemon: No such container: nope\nError: failed to rename container named nope\n');
});

test('run --restart passes the policy through for the daemon to judge', async () => {
  daemon.json('POST /containers/create', 400, { message: "invalid restart policy: unknown policy 'bogus'" });
  const r = await berth('run', '--restart', 'bogus', 'busybox');
  assert.equal(r.code, 125);
  assert.equal(r.stderr, "berth: Error response from daemon: invalid restart policy: unknown policy 'bogus'\n\nRun 'berth run --help' for more information\n");
  const body = JSON.parse(daemon.seen('POST /containers/create').at(-1)!.body) as { HostConfig: { RestartPolicy: unknown } };
  assert.deepEqual(body.HostConfig.RestartPolicy, { Name: 'bogus' });
});

test('exec creates, starts attached and exits with the exec code', async () => {
  daemon.json('POST /containers/web/exec', 201, { Id: 'ex1' });
  daemon.upgrade('POST /exec/ex1/start', (_req, socket) => {
    socket.end(frame(STDOUT, Buffer.from('inside\n')));
  });
  daemon.json('GET /exec/ex1/json', 200, { ID: 'ex1', Running: false, ExitCode: 4, ContainerID: 'web' });
  const r = await berth('exec', '-e', 'A=1', '-w', '/tmp', 'web', 'sh', '-c', 'echo inside; exit 4');
  assert.equal(r.stdout, 'inside\n');
  assert.equal(r.code, 4);
  const body = JSON.parse(daemon.seen('POST /containers/web/exec').at(-1)!.body) as Record<string, unknown>;
  assert.deepEqual(body['Cmd'], ['sh', '-c', 'echo inside; exit 4']);
  assert.deepEqual(body['Env'], ['A=1']);
  assert.equal(body['WorkingDir'], '/tmp');
  assert.equal(body['AttachStdout'], true);
  daemon.json('POST /containers/stopped/exec', 409, { message: 'container stopped is not running' });
  const bad = await berth('exec', 'stopped', 'true');
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr, 'Error response from daemon: container stopped is not running\n');
});

test('run passes the less common flags into the create request', async () => {
  daemon.json('POST /containers/create', 201, { Id: ID, Warnings: ['memory limited'] });
  daemon.on(`POST /containers/${ID}/start`, (_req, res) => { res.writeHead(204); res.end(); });
  const r = await berth('run', '-d', '--mount', 'type=bind,source=/src,target=/dst,readonly', '--health-cmd', 'true',
    '--health-interval', '5s', '--device', '/dev/fuse', '--cpu-shares', '512', '--sysctl', 'net.core.somaxconn=1024',
    '--security-opt', 'no-new-privileges', '--shm-size', '64m', '--network-alias', 'db', '--network', 'mynet',
    '--cap-add', 'NET_ADMIN', '--tmpfs', '/run:size=1m', '--ulimit', 'nofile=1024:2048', '--init', 'busybox');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, 'WARNING: memory limited\n');
  const body = JSON.parse(daemon.seen('POST /containers/create').at(-1)!.body) as Record<string, any>;
  const host = body['HostConfig'];
  assert.deepEqual(host.Mounts, [{ Type: 'bind', Source: '/src', Target: '/dst', ReadOnly: true }]);
  assert.deepEqual(body['Healthcheck'], { Test: ['CMD-SHELL', 'true'], Interval: 5e9 });
  assert.deepEqual(host.Devices, [{ PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' }]);
  assert.equal(host.CpuShares, 512);
  assert.deepEqual(host.Sysctls, { 'net.core.somaxconn': '1024' });
  assert.deepEqual(host.SecurityOpt, ['no-new-privileges']);
  assert.equal(host.ShmSize, 64 * 1024 * 1024);
  assert.equal(host.NetworkMode, 'mynet');
  assert.deepEqual(body['NetworkingConfig'], { EndpointsConfig: { mynet: { Aliases: ['db'] } } });
  assert.deepEqual(host.CapAdd, ['NET_ADMIN']);
  assert.deepEqual(host.Tmpfs, { '/run': 'size=1m' });
  assert.deepEqual(host.Ulimits, [{ Name: 'nofile', Soft: 1024, Hard: 2048 }]);
  assert.equal(host.Init, true);
});
