import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readLogs } from '../logs/index.js';
import type { AttachConnection, ExitRecord, OutputChunk, SpecInput } from '../types.js';
import { ConmonRuntime } from './conmon-runtime.js';
import { skipUnlessRoot } from '../../lib/testing/needs-root.js';
import { until } from '../../lib/testing/until.js';
import { heldInPipeWrite } from '../../lib/testing/pipe-write.js';

const CONMON = '/usr/bin/conmon';
const RUNC = '/usr/bin/runc';
const missing = !existsSync(CONMON) || !existsSync(RUNC) || !existsSync('/bin/busybox');
if (missing && process.env.CI === 'true') throw new Error('needs /usr/bin/conmon, /usr/bin/runc and /bin/busybox (scripts/setup.sh installs them)');
const skip = skipUnlessRoot('real containers') || (missing ? 'needs /usr/bin/conmon, /usr/bin/runc and /bin/busybox' : false);


/** Whether a process other than this one has `word` among its command-line arguments. */
async function anyProcessWithArg(word: string): Promise<boolean> {
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    const args = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (args.split('\0').includes(word)) return true;
  }
  return false;
}

describe('ConmonRuntime with runc (integration)', { skip }, () => {
  let dir: string;
  let rootfs: string;
  let rt: ConmonRuntime;
  const exits = new Map<string, ExitRecord>();
  const prefix = `t${process.pid}`;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'berth-conmon-'));
    rootfs = path.join(dir, 'rootfs');
    await mkdir(path.join(rootfs, 'bin'), { recursive: true });
    await mkdir(path.join(rootfs, 'etc'));
    await copyFile('/bin/busybox', path.join(rootfs, 'bin/busybox'));
    for (const applet of ['sh', 'cat', 'echo', 'sleep', 'stty', 'ls', 'id', 'ip']) await symlink('busybox', path.join(rootfs, 'bin', applet));
    await writeFile(path.join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n');
    await writeFile(path.join(rootfs, 'etc/group'), 'root:x:0:\napp:x:1000:\n');
    rt = new ConmonRuntime({ execRoot: path.join(dir, 'exec'), runtimes: { runc: RUNC }, exitPollMs: 200 });
    rt.onExit((id, e) => exits.set(id, e));
  });
  after(async () => {
    await rt?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Writes the bundle of a container running `args` and creates it. */
  async function create(name: string, args: string[], over: Partial<SpecInput> = {}): Promise<{ id: string; bundle: string; log: string; pid: number }> {
    const id = `${prefix}-${name}`;
    const bundle = path.join(dir, 'bundles', id);
    const log = path.join(dir, 'logs', id, 'ctr.log');
    await rt.writeSpec(bundle, {
      id, rootfs, args, env: [], cwd: '/', user: '', hostname: name, tty: false, openStdin: false,
      networkMode: 'private', cgroupsPath: `/berth/${id}`, readonlyRootfs: true, ...over,
    });
    const { pid } = await rt.create(id, { bundleDir: bundle, runtime: 'runc', tty: over.tty ?? false, openStdin: over.openStdin ?? false, logPath: log });
    return { id, bundle, log, pid };
  }

  function capture(conn: AttachConnection): { chunks: OutputChunk[]; closed: Promise<void>; text: (s?: string) => string } {
    const chunks: OutputChunk[] = [];
    conn.on('data', (c: OutputChunk) => chunks.push(c));
    const closed = new Promise<void>((r) => conn.once('close', () => r()));
    const text = (s?: string): string => Buffer.concat(chunks.filter((c) => !s || c.stream === s).map((c) => c.data)).toString();
    return { chunks, closed, text };
  }

  function waitExit(id: string, ms = 5000): Promise<ExitRecord> {
    return until(() => exits.get(id), `the exit of ${id} to be reported`, ms);
  }

  it('probes runc as working', async () => {
    const p = await rt.probe();
    assert.equal(p.defaultRuntime, 'runc');
    assert.equal(p.runtimes[0]?.ok, true, p.runtimes[0]?.reason);
  });

  it('runs a container: attach output, log, exit code, delete', async () => {
    const { id, bundle, log } = await create('out', ['/bin/sh', '-c', 'echo hello; echo oops >&2; ip -o link show lo; ls -C /proc/self/fd; exit 3']);
    assert.equal(await readFile(path.join(bundle, 'runtime'), 'utf8'), 'runc');
    const conn = await rt.attach(id);
    const out = capture(conn);
    assert.equal(await rt.isStartPending(id), true, 'created, not started');
    await rt.start(id);
    const exit = await waitExit(id);
    assert.equal(await rt.isStartPending(id), false);
    assert.equal(exit.exitCode, 3);
    assert.match(exit.finishedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    assert.deepEqual(await rt.readExit(id), exit);
    await out.closed;
    assert.match(out.text('stdout'), /^hello\n/);
    assert.match(out.text('stdout'), /lo: <LOOPBACK,UP/);
    assert.match(out.text('stdout'), /^0 +1 +2 +3$/m, 'no leaked fds');
    assert.equal(out.text('stderr'), 'oops\n');
    const entries = [];
    for await (const e of readLogs(log, {})) entries.push(`${e.stream}:${e.data.toString()}`);
    // stdout and stderr are separate pipes: their relative order in the log is not fixed.
    assert.equal(entries.find((e) => e.startsWith('stdout:')), 'stdout:hello\n');
    assert.deepEqual(entries.filter((e) => e.startsWith('stderr:')), ['stderr:oops\n']);
    // conmon exits just after writing the exit file.
    await until(async () => !(await rt.isMonitorAlive(id)), 'conmon to exit after recording the exit', 2000);
    assert.equal(await rt.isMonitorAlive(id), false);
    await rt.delete(id);
    await rt.delete(id); // idempotent
    assert.equal(readdirSync(rt.paths.runtimeRoot('runc')).includes(id), false);
  });

  it('follows the log of a running container until it stops', async () => {
    const { id, log } = await create('follow', ['/bin/sh', '-c', 'echo one; sleep 0.2; echo two; sleep 0.2; echo three']);
    await rt.start(id);
    const stopped = waitExit(id).then(() => undefined);
    const lines: string[] = [];
    for await (const e of readLogs(log, { follow: true, stopped })) lines.push(e.data.toString());
    assert.deepEqual(lines, ['one\n', 'two\n', 'three\n']);
    await rt.delete(id);
  });

  it('passes stdin and closes it', async () => {
    const { id } = await create('stdin', ['/bin/sh', '-c', 'cat; echo done'], { openStdin: true });
    const conn = await rt.attach(id);
    const out = capture(conn);
    await rt.start(id);
    conn.writeStdin(Buffer.from('ping\n'));
    // cat echoing the line shows it went through before stdin closes.
    await until(() => out.text().includes('ping\n'), 'cat to echo the line written to stdin');
    conn.closeStdin();
    assert.equal((await waitExit(id)).exitCode, 0);
    await out.closed;
    assert.equal(out.text(), 'ping\ndone\n');
    await rt.delete(id);
  });

  it('kills, pauses, resumes, lists processes and survives without a client', async () => {
    const { id } = await create('sleep', ['/bin/sleep', '30'], { user: 'app' });
    await rt.start(id);
    assert.equal(await rt.isMonitorAlive(id), true);
    const top = await rt.top(id);
    assert.ok(top.Titles.includes('PID') && top.Titles.includes('CMD'));
    assert.equal(top.Processes.length, 1);
    assert.match(top.Processes[0]!.at(-1)!, /sleep 30/);
    await rt.pause(id);
    await rt.resume(id);
    // sleep is pid 1 and has no SIGTERM handler, so the kernel ignores TERM: use KILL.
    await rt.kill(id, 'KILL');
    const exit = await waitExit(id);
    assert.equal(exit.exitCode, 137);
    await assert.rejects(rt.kill(id, 'TERM'), (e: Error & { kind?: string }) => e.kind === 'conflict' || e.kind === 'not-found');
    await rt.delete(id);
  });

  it('resizes a tty and rotates the log', async () => {
    // The shell waits for the new size (stty fails until the terminal has one), prints it, then
    // waits for SIGUSR1 before printing again: the test rotates the log between the two.
    const script = 'trap "echo after; exit" USR1; while [ "$(stty size 2>/dev/null)" != "33 77" ]; do sleep 0.01; done; stty size; while :; do sleep 0.01; done';
    const { id, log } = await create('tty', ['/bin/sh', '-c', script], { tty: true });
    const conn = await rt.attach(id);
    const out = capture(conn);
    await rt.start(id);
    await rt.resize(id, 33, 77);
    // A tty's output may reach conmon in pieces: a partial (P) line and its end (F) are one line.
    const logText = async (file: string): Promise<string> => (await readFile(file, 'utf8')).split('\n').filter(Boolean)
      .map((l) => { const [, , tag, ...msg] = l.split(' '); return msg.join(' ') + (tag === 'F' ? '\n' : ''); }).join('');
    await until(async () => /33 77/.test(await logText(log)), 'the resized terminal size in the log');
    await rt.rotateLog(id, log, 2);
    await rt.kill(id, 'USR1');
    await waitExit(id);
    await out.closed;
    assert.match(out.text(), /33 77\r\n/);
    assert.match(await logText(`${log}.1`), /33 77/);
    assert.match(await logText(log), /after/);
    const all: string[] = [];
    for await (const e of readLogs(log, {})) all.push(e.data.toString());
    assert.deepEqual(all, ['33 77\r\n', 'after\r\n']);
    await rt.delete(id);
  });

  it('rejects a missing binary with the runtime message and leaves no state', async () => {
    const id = `${prefix}-missing`;
    let message = '';
    await assert.rejects(create('missing', ['nosuchbin']), (e: Error) => { message = e.message; return /executable file not found/.test(e.message); });
    assert.match(message, /"nosuchbin"/);
    assert.equal(readdirSync(rt.paths.runtimeRoot('runc')).includes(id), false);
    await assert.rejects(rt.start(id), (e: Error & { kind?: string }) => e.kind === 'not-found');
    assert.equal(existsSync(rt.paths.exitFile(id)), false);
    assert.equal(existsSync(`/sys/fs/cgroup/memory/berth/${id}`), false, 'cgroup removed');
    // Once no conmon or runc of this container is left to write an exit file, one scan by the
    // runtime's exit watcher (which also waits out a scan under way) settles whether it reports one.
    await until(async () => !(await anyProcessWithArg(id)), `the processes of ${id} to be gone`);
    await (rt as unknown as { exits: { scan(): Promise<void> } }).exits.scan();
    assert.equal(exits.has(id), false, 'no exit reported for a create that failed');
  });

  it('applies cgroup limits and the default security profile', async () => {
    const { id } = await create('limits', ['/bin/sh', '-c', 'grep -E "^Cap(Inh|Eff|Bnd)" /proc/self/status; cat /proc/interrupts | wc -c; echo x > /proc/sys/kernel/hostname; sleep 5'], {
      memory: 64 * 1024 * 1024, pidsLimit: 50, nanoCpus: 5e8,
    });
    await symlink('busybox', path.join(rootfs, 'bin', 'grep')).catch(() => {});
    await symlink('busybox', path.join(rootfs, 'bin', 'wc')).catch(() => {});
    const conn = await rt.attach(id);
    const out = capture(conn);
    await rt.start(id);
    const cg = (ctrl: string, file: string): Promise<string> => readFile(`/sys/fs/cgroup/${ctrl}/berth/${id}/${file}`, 'utf8').then((s) => s.trim());
    assert.equal(await cg('memory', 'memory.limit_in_bytes'), String(64 * 1024 * 1024));
    assert.equal(await cg('pids', 'pids.max'), '50');
    assert.equal(await cg('cpu', 'cpu.cfs_quota_us'), '50000');
    // Kill only once the script has written everything (three Cap lines and a count; the hostname error).
    await until(() => out.text('stdout').split('\n').length > 4 && out.text('stderr').endsWith('\n'), 'the output of the script before its sleep');
    await rt.kill(id, 9);
    await waitExit(id);
    await out.closed;
    assert.match(out.text('stdout'), /CapInh:\t0000000000000000/);
    assert.match(out.text('stdout'), /CapEff:\t00000000a80425fb/);
    assert.match(out.text('stdout'), /^0$/m, '/proc/interrupts is masked');
    assert.match(out.text('stderr'), /hostname: Read-only file system/);
    await rt.delete(id);
  });

  it('records OOM kills and forgets them on re-create', async () => {
    await symlink('busybox', path.join(rootfs, 'bin', 'head')).catch(() => {});
    await symlink('busybox', path.join(rootfs, 'bin', 'tr')).catch(() => {});
    const { id, bundle, log } = await create('oom', ['/bin/sh', '-c', 'a=$(head -c 200000000 /dev/zero | tr "\\0" a); echo survived'], { memory: 16 * 1024 * 1024 });
    await rt.start(id);
    const exit = await waitExit(id, 15000);
    assert.equal(exit.exitCode, 137);
    assert.equal(exit.oomKilled, true);
    await rt.delete(id);
    exits.delete(id);
    await rt.writeSpec(bundle, {
      id, rootfs, args: ['/bin/true'], env: [], cwd: '/', user: '', hostname: 'again', tty: false, openStdin: false,
      networkMode: 'private', cgroupsPath: `/berth/${id}`,
    });
    await symlink('busybox', path.join(rootfs, 'bin', 'true')).catch(() => {});
    await rt.create(id, { bundleDir: bundle, runtime: 'runc', tty: false, openStdin: false, logPath: log });
    await rt.start(id);
    const second = await waitExit(id);
    assert.deepEqual([second.exitCode, second.oomKilled], [0, undefined]);
    await rt.delete(id);
  });

  it('a paused attach connection holds the container back, and nothing is lost', async () => {
    await symlink('busybox', path.join(rootfs, 'bin', 'seq')).catch(() => {});
    // About 2 MB: far more than the socket buffers between conmon and us hold.
    const { id, log, pid } = await create('paused', ['/bin/seq', '1', '300000']);
    const conn = await rt.attach(id);
    const out = capture(conn);
    let whilePaused = 0;
    let paused = false;
    conn.on('data', () => {
      if (paused) whilePaused++;
      else if (out.chunks.length === 1) { paused = true; conn.pause(); }
    });
    await rt.start(id);
    await until(() => paused, 'the first chunk of output');
    // seq blocked on its full pipe, making no progress, shows the hold reached the container. Were
    // it not held, it ends (its exit is reported, or its process is gone) and the checks below fail.
    await until(async () => exits.has(id) || await heldInPipeWrite(pid).catch(() => true), 'seq to be held back', 15000, 100);
    assert.equal(paused, true);
    assert.equal(whilePaused, 0, 'no output is delivered while paused');
    assert.equal(exits.get(id), undefined, 'conmon waits on the paused client, and the container on conmon');
    paused = false;
    conn.resume();
    assert.equal((await waitExit(id, 15000)).exitCode, 0);
    await out.closed;
    const expected = Array.from({ length: 300000 }, (_, i) => `${i + 1}\n`).join('');
    assert.equal(out.text('stdout'), expected);
    let logged = 0;
    for await (const e of readLogs(log, {})) logged += e.data.length;
    assert.equal(logged, expected.length);
    await rt.delete(id);
  });

  it('rejects unknown containers and runtimes', async () => {
    await assert.rejects(rt.start(`${prefix}-nope`), (e: Error & { kind?: string }) => e.kind === 'not-found');
    await assert.rejects(rt.create(`${prefix}-x`, { bundleDir: dir, runtime: 'nope', tty: false, openStdin: false, logPath: path.join(dir, 'l') }),
      (e: Error & { kind?: string }) => e.kind === 'invalid-argument');
    await assert.rejects(rt.kill('../etc', 9), (e: Error & { kind?: string }) => e.kind === 'invalid-argument');
  });
});
