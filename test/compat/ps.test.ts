// docker ps and inspect: what lists and filters show for running, exited and
// created containers.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { compatNeeds, skipReason, startDaemon, type Daemon } from '../helpers/daemon.js';
import { hex12, hex64, lines, ok } from '../helpers/assert.js';

describe('compat: ps and inspect', { skip: skipReason(compatNeeds) }, () => {
  let d: Daemon;
  // One daemon for the file, so these names are unique without random suffixes.
  const running = 'ps-running';
  const exited = 'ps-exited';
  const created = 'ps-created';
  const ids: Record<string, string> = {};

  before(async () => {
    d = await startDaemon();
    ok(await d.docker(['run', '-d', '--name', running, '-l', 'tier=web', 'busybox', 'sleep', '600']));
    await d.docker(['run', '--name', exited, '-l', 'tier=batch', 'busybox', 'sh', '-c', 'exit 3']);
    ok(await d.docker(['create', '--name', created, 'busybox', 'true']));
    for (const n of [running, exited, created]) {
      ids[n] = ok(await d.docker(['inspect', '-f', '{{.Id}}', n])).trim();
    }
  });
  after(async () => {
    await d?.stop();
  });

  const names = async (...args: string[]) => lines(ok(await d.docker(['ps', ...args, '--format', '{{.Names}}']))).sort();

  it('ps shows running containers under the Docker header', async () => {
    const out = lines(ok(await d.docker(['ps'])));
    assert.match(out[0]!, /^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$/);
    assert.equal(out.length, 2, out.join('\n'));
    assert.match(out[1]!, new RegExp(`^${ids[running]!.slice(0, 12)}\\s+busybox\\s+"sleep 600"\\s+.*\\s+Up .*\\s+${running}$`));
  });

  it('ps -a adds exited and created containers', async () => {
    assert.deepEqual(await names('-a'), [created, exited, running].sort());
  });

  it('ps -q prints short ids; --no-trunc full ids', async () => {
    assert.deepEqual(lines(ok(await d.docker(['ps', '-q']))), [ids[running]!.slice(0, 12)]);
    const all = lines(ok(await d.docker(['ps', '-a', '-q', '--no-trunc'])));
    for (const id of all) assert.match(id, hex64);
    assert.deepEqual(all.sort(), Object.values(ids).sort());
    for (const id of lines(ok(await d.docker(['ps', '-a', '-q'])))) assert.match(id, hex12);
  });

  it('ps -n 1 shows the last created container', async () => {
    assert.deepEqual(await names('-n', '1'), [created]);
  });

  it('--no-trunc shows the full command too', async () => {
    const out = ok(await d.docker(['ps', '--no-trunc', '--format', '{{.ID}} {{.Command}}']));
    assert.equal(out.trim(), `${ids[running]} "sleep 600"`);
  });

  it('filters: status, name, label, id, ancestor, exited', async () => {
    assert.deepEqual(await names('-a', '--filter', 'status=exited'), [exited]);
    assert.deepEqual(await names('-a', '--filter', 'status=created'), [created]);
    assert.deepEqual(await names('-a', '--filter', 'status=running'), [running]);
    assert.deepEqual(await names('-a', '--filter', `name=${running}`), [running]);
    assert.deepEqual(await names('-a', '--filter', 'label=tier=web'), [running]);
    assert.deepEqual(await names('-a', '--filter', 'label=tier'), [exited, running].sort());
    assert.deepEqual(await names('-a', '--filter', `id=${ids[exited]!.slice(0, 10)}`), [exited]);
    assert.deepEqual(await names('-a', '--filter', 'ancestor=busybox'), [created, exited, running].sort());
    assert.deepEqual(await names('-a', '--filter', 'exited=3'), [exited]);
    assert.deepEqual(await names('-a', '--filter', 'status=exited', '--filter', 'label=tier=web'), []);
  });

  it('ps -s shows the writable layer and the virtual size with the image', async () => {
    const out = ok(await d.docker(['ps', '-s', '--filter', `name=${running}`, '--format', '{{.Size}}'])).trim();
    assert.match(out, /^\d+(\.\d+)?k?B \(virtual \d+(\.\d+)?[kM]B\)$/);
  });

  it("--format '{{.ID}} {{.Names}} {{.Status}}'", async () => {
    const row = ok(await d.docker(['ps', '--format', '{{.ID}} {{.Names}} {{.Status}}'])).trim();
    assert.match(row, new RegExp(`^${ids[running]!.slice(0, 12)} ${running} Up `));
    const ex = ok(await d.docker(['ps', '-a', '--filter', `name=${exited}`, '--format', '{{.Status}}'])).trim();
    assert.match(ex, /^Exited \(3\) .* ago$/);
    const cr = ok(await d.docker(['ps', '-a', '--filter', `name=${created}`, '--format', '{{.Status}}'])).trim();
    assert.equal(cr, 'Created');
  });

  it("inspect -f '{{.State.Status}}' for containers", async () => {
    const f = async (fmt: string, n: string) => ok(await d.docker(['inspect', '-f', fmt, n])).trim();
    assert.equal(await f('{{.State.Status}}', running), 'running');
    assert.equal(await f('{{.State.Status}}', exited), 'exited');
    assert.equal(await f('{{.State.Status}}', created), 'created');
    assert.equal(await f('{{.State.ExitCode}}', exited), '3');
    assert.equal(await f('{{.Config.Image}}', running), 'busybox');
    assert.equal(await f('{{json .Config.Cmd}}', running), '["sleep","600"]');
    assert.equal(await f('{{.Name}}', running), `/${running}`);
    assert.ok(Number(await f('{{.State.Pid}}', running)) > 0);
  });

  it('inspect prints a JSON array for a container and an image', async () => {
    const [c] = JSON.parse(ok(await d.docker(['inspect', running]))) as Array<{ Id: string; State: { Running: boolean } }>;
    assert.equal(c!.Id, ids[running]);
    assert.equal(c!.State.Running, true);
    const [img] = JSON.parse(ok(await d.docker(['inspect', 'busybox']))) as Array<{ Id: string; RepoTags: string[] }>;
    assert.match(img!.Id, /^sha256:[0-9a-f]{64}$/);
    assert.ok(img!.RepoTags.includes('busybox:latest'), JSON.stringify(img!.RepoTags));
  });

  it("inspect -f for images", async () => {
    assert.match(ok(await d.docker(['inspect', '-f', '{{.Id}}', 'busybox'])).trim(), /^sha256:[0-9a-f]{64}$/);
    assert.equal(ok(await d.docker(['image', 'inspect', '-f', '{{.Os}}/{{.Architecture}}', 'busybox'])).trim(), 'linux/amd64');
    const imageId = ok(await d.docker(['inspect', '-f', '{{.Id}}', 'busybox'])).trim();
    assert.equal(ok(await d.docker(['inspect', '-f', '{{.Image}}', running])).trim(), imageId);
  });
});
