// Volumes through the real docker CLI: create, ls (with filters and formats), inspect, rm and
// prune, and the bad input Docker refuses, with Docker's words and exit codes. The in-use case
// (409) needs containers that mount volumes and is covered by the route tests here.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import { compatNeeds, skipReason, startDaemon, type Daemon } from '../helpers/daemon.js';
import { describeResult } from '../helpers/exec.js';
import { hex64, lines, ok, uniq } from '../helpers/assert.js';

interface VolumeJson {
  CreatedAt: string;
  Driver: string;
  Labels: Record<string, string> | null;
  Mountpoint: string;
  Name: string;
  Options: Record<string, string> | null;
  Scope: string;
}

describe('compat: docker volume commands', { skip: skipReason(compatNeeds) }, () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon();
  });
  after(async () => {
    if (d) await d.stop();
  });

  const names = async (...args: string[]): Promise<string[]> => lines(ok(await d.docker(['volume', 'ls', ...args, '--format', '{{.Name}}'])));

  it('create prints the name; inspect shows Docker\'s fields in Docker\'s order', async () => {
    const name = uniq('vc');
    assert.equal(ok(await d.docker(['volume', 'create', '--label', 'tier=front', '--label', 'bare', '-o', 'type=tmpfs', '-o', 'device=tmpfs', '-o', 'o=size=1m', name])), `${name}\n`);
    const raw = ok(await d.docker(['volume', 'inspect', name]));
    const [v] = JSON.parse(raw) as VolumeJson[];
    assert.deepEqual(Object.keys(v!), ['CreatedAt', 'Driver', 'Labels', 'Mountpoint', 'Name', 'Options', 'Scope']);
    assert.match(v!.CreatedAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$/);
    assert.deepEqual({ ...v!, CreatedAt: '' }, {
      CreatedAt: '', Driver: 'local', Labels: { tier: 'front', bare: '' }, Mountpoint: join(d.dataRoot, 'volumes', name, '_data'),
      Name: name, Options: { type: 'tmpfs', device: 'tmpfs', o: 'size=1m' }, Scope: 'local',
    });
    assert.match(raw, new RegExp(`^\\[\\n {4}\\{\\n {8}"CreatedAt": "`));
    assert.equal(ok(await d.docker(['volume', 'inspect', '-f', '{{.Name}} {{.Driver}} {{.Labels.tier}}', name])), `${name} local front\n`);
    // a second create of the name finds the volume
    assert.equal(ok(await d.docker(['volume', 'create', '--name', name])), `${name}\n`);
  });

  it('create without a name makes a 64-hex one; ls shows DRIVER and VOLUME NAME', async () => {
    const name = ok(await d.docker(['volume', 'create'])).trim();
    assert.match(name, hex64);
    const out = ok(await d.docker(['volume', 'ls']));
    const [header, ...rows] = lines(out);
    assert.equal(header, 'DRIVER    VOLUME NAME');
    assert.ok(rows.includes(`local     ${name}`), out);
    assert.ok(lines(ok(await d.docker(['volume', 'ls', '-q']))).includes(name));
    ok(await d.docker(['volume', 'rm', name]));
  });

  it('ls filters by name, label, driver and dangling', async () => {
    const a = uniq('vfa');
    const b = uniq('vfb');
    ok(await d.docker(['volume', 'create', '--label', 'env=prod', a]));
    ok(await d.docker(['volume', 'create', '--label', 'env=dev', b]));
    assert.deepEqual(await names('-f', `name=${a}`), [a]);
    assert.deepEqual((await names('-f', 'label=env=dev')).filter((n) => n === a || n === b), [b]);
    assert.deepEqual((await names('-f', 'label=env')).filter((n) => n === a || n === b).sort(), [a, b].sort());
    assert.ok((await names('-f', 'dangling=true')).includes(a));
    assert.deepEqual(await names('-f', 'driver=nosuch'), []);
    const bad = await d.docker(['volume', 'ls', '-f', 'bogus=1']);
    assert.equal(bad.code, 1, describeResult(bad));
    assert.match(bad.stderr, /invalid filter 'bogus'/);
    assert.equal(ok(await d.docker(['volume', 'rm', a, b])), `${a}\n${b}\n`);
  });

  it('refuses bad names and unknown volumes with Docker\'s words', async () => {
    let r = await d.docker(['volume', 'create', 'x']);
    assert.equal(r.code, 1, describeResult(r));
    assert.match(r.stderr, /volume name is too short, names should be at least two alphanumeric characters/);
    r = await d.docker(['volume', 'create', '_bad']);
    assert.equal(r.code, 1, describeResult(r));
    assert.match(r.stderr, /"_bad" includes invalid characters for a local volume name, only "\[a-zA-Z0-9\]\[a-zA-Z0-9_.-\]" are allowed/);
    r = await d.docker(['volume', 'inspect', 'nosuchvol']);
    assert.equal(r.code, 1, describeResult(r));
    assert.match(r.stderr, /no such volume/);
    r = await d.docker(['volume', 'rm', 'nosuchvol']);
    assert.equal(r.code, 1, describeResult(r));
    assert.match(r.stderr, /get nosuchvol: no such volume/);
    ok(await d.docker(['volume', 'rm', '-f', 'nosuchvol']));
  });

  it('prune removes only anonymous volumes unless -a, and reports them', async () => {
    const named = uniq('vp');
    ok(await d.docker(['volume', 'create', named]));
    let out = ok(await d.docker(['volume', 'prune', '-f']));
    assert.ok(!out.includes(named), out);
    assert.match(out, /Total reclaimed space: /);
    out = ok(await d.docker(['volume', 'prune', '-a', '-f', '--filter', 'label=nosuch']));
    assert.ok(!out.includes(named), out);
    out = ok(await d.docker(['volume', 'prune', '-a', '-f']));
    assert.match(out, new RegExp(`^Deleted Volumes:\\n(.*\\n)*${named}\\n(.*\\n)*\\nTotal reclaimed space: \\d`));
    assert.ok(!(await names()).includes(named));
  });

  it('bin/berth prints what docker prints', async () => {
    const name = uniq('vb');
    const same = async (args: string[]): Promise<void> => {
      const [a, b] = [await d.docker(args), await d.berth(args)];
      assert.deepEqual({ code: b.code, stdout: b.stdout }, { code: a.code, stdout: a.stdout }, `${args.join(' ')}\n${describeResult(b)}`);
    };
    assert.equal(ok(await d.berth(['volume', 'create', '--label', 'k=v', '-o', 'type=tmpfs', '-o', 'device=tmpfs', name])), `${name}\n`);
    await same(['volume', 'ls']);
    await same(['volume', 'ls', '-q', '-f', 'label=k=v']);
    // one label only: docker prints several in Go's random map order
    await same(['volume', 'ls', '-f', 'label=k', '--format', '{{.Name}} {{.Driver}} {{.Scope}} {{.Labels}} {{.Label "k"}}']);
    await same(['volume', 'inspect', name]);
    await same(['volume', 'inspect', '-f', '{{json .Options}}', name]);
    await same(['volume', 'prune', '-f']);
    const r = await d.berth(['volume', 'rm', name, 'nosuchvol']);
    assert.equal(r.code, 1, describeResult(r));
    assert.equal(r.stdout, `${name}\n`);
    assert.match(r.stderr, /get nosuchvol: no such volume/);
  });

  it('system df counts volumes and their size', async () => {
    const name = uniq('vdf');
    ok(await d.docker(['volume', 'create', name]));
    const [v] = JSON.parse(ok(await d.docker(['volume', 'inspect', name]))) as VolumeJson[];
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(v!.Mountpoint, 'blob'), Buffer.alloc(2048));
    const out = ok(await d.docker(['system', 'df', '-v']));
    assert.match(out, new RegExp(`^${name}\\s+0\\s+2\\.048kB$`, 'm'), out);
    const row = lines(ok(await d.docker(['system', 'df', '--format', '{{.Type}} {{.TotalCount}} {{.Active}}']))).find((l) => l.startsWith('Local Volumes'));
    assert.match(row ?? '', /^Local Volumes [1-9]\d* 0$/);
    ok(await d.docker(['volume', 'rm', name]));
  });
});
