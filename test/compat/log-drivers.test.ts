// --log-driver json-file|local|none with --log-opt: what `docker logs` gives, rotation within
// max-size × max-file, and a long output without newlines that keeps berthd small and its tail.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compatNeeds, skipReason, startDaemon, type Daemon } from '../helpers/daemon.js';
import { exitsWith, includes, ok, uniq } from '../helpers/assert.js';

const MiB = 1024 * 1024;

/** Peak resident memory of a process, in bytes. */
function peakRss(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) * 1024;
}

describe('compat: log drivers', { skip: skipReason(compatNeeds) }, () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon();
  });
  after(async () => {
    await d?.stop();
  });

  const inspect = async (format: string, name: string) => ok(await d.docker(['inspect', '-f', format, name])).trim();

  it('none: run still shows the output; logs is Docker\'s 501', async () => {
    const name = uniq('none');
    assert.equal(ok(await d.docker(['run', '--name', name, '--log-driver', 'none', 'busybox', 'echo', 'hi'])), 'hi\n');
    assert.equal(await inspect('{{.HostConfig.LogConfig.Type}}', name), 'none');
    const r = await d.docker(['logs', name]);
    exitsWith(r, 1);
    includes(r.stderr, 'configured logging driver does not support reading', r);
    const res = await d.api({ path: `/containers/${name}/logs?stdout=1` });
    assert.equal(res.status, 501);
    const opt = await d.docker(['run', '--rm', '--log-driver', 'none', '--log-opt', 'max-size=1m', 'busybox', 'true']);
    exitsWith(opt, 125);
    includes(opt.stderr, 'invalid logging opts for driver none', opt);
  });

  it('local is accepted and readable (stored like json-file)', async () => {
    const name = uniq('local');
    ok(await d.docker(['run', '--name', name, '--log-driver', 'local', 'busybox', 'sh', '-c', 'echo one; echo two >&2']));
    assert.equal(await inspect('{{.HostConfig.LogConfig.Type}}', name), 'local');
    const r = await d.docker(['logs', name]);
    assert.equal(r.stdout, 'one\n');
    assert.equal(r.stderr, 'two\n');
    const bad = await d.docker(['run', '--rm', '--log-driver', 'syslog-nope', 'busybox', 'true']);
    exitsWith(bad, 125);
    includes(bad.stderr, "no log driver named 'syslog-nope' is registered", bad);
  });

  it('rotation keeps to max-size × max-file and the newest lines', async () => {
    const name = uniq('rot');
    ok(await d.docker(['run', '--name', name, '--log-opt', 'max-size=1m', '--log-opt', 'max-file=3', 'busybox', 'sh', '-c',
      'i=0; while [ $i -lt 150000 ]; do echo "line $i ........................................"; i=$((i+1)); done; echo END'], { timeoutMs: 60_000 }));
    const id = await inspect('{{.Id}}', name);
    const dir = join(d.dataRoot, 'containers', id);
    const rotated = readdirSync(dir).filter((f) => /^container\.log\.\d+$/.test(f));
    assert.ok(rotated.length >= 1 && rotated.length <= 2, `rotated files: ${rotated.join(', ')}`);
    for (const f of rotated) assert.ok(statSync(join(dir, f)).size <= MiB, `${f} is ${statSync(join(dir, f)).size} bytes`);
    const out = ok(await d.docker(['logs', '--tail', '2', name]));
    assert.match(out, /^line 149999 \.+\nEND\n$/);
  });

  it('64 MiB without a newline: berthd stays small and logs --tail 1 gives the last piece', async () => {
    const name = uniq('long');
    const before = peakRss(d.pid!);
    ok(await d.docker(['run', '-d', '--name', name, 'busybox', 'sh', '-c', 'head -c 67108864 /dev/zero | tr "\\0" a; printf THE-END']));
    exitsWith(await d.docker(['wait', name]), 0);
    const tail = ok(await d.docker(['logs', '--tail', '1', name]));
    assert.ok(tail.endsWith('THE-END'), tail.slice(-40));
    assert.ok(tail.length <= 64 * 1024, `the last piece only (${tail.length} bytes)`);
    const grew = peakRss(d.pid!) - before;
    assert.ok(grew < 48 * MiB, `berthd grew by ${Math.round(grew / MiB)} MiB`);
  });
});
