// The same basic workflow through berth's own CLI (bin/berth), which must
// behave like docker: output, exit codes, error wording, daemon discovery.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { berth, compatNeeds, skipReason, startDaemon, type Daemon } from '../helpers/daemon.js';
import { exitsWith, hex12, hex64, includes, lines, ok } from '../helpers/assert.js';

describe('compat: bin/berth CLI', { skip: skipReason({ ...compatNeeds, cli: true }) }, () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon();
  });
  after(async () => {
    await d?.stop();
  });

  it('berth run --rm busybox echo prints the output', async () => {
    assert.equal(ok(await d.berth(['run', '--rm', 'busybox', 'echo', 'hello from berth'])), 'hello from berth\n');
  });

  it("berth run exits with the container's code", async () => {
    exitsWith(await d.berth(['run', '--rm', 'busybox', 'sh', '-c', 'exit 7']), 7);
    exitsWith(await d.berth(['run', '--rm', 'busybox', 'no-such-command-xyz']), 127);
  });

  it('berth run -d, ps, rm -f', async () => {
    const id = ok(await d.berth(['run', '-d', '--name', 'bc1', 'busybox', 'sleep', '600'])).trim();
    assert.match(id, hex64);
    const table = lines(ok(await d.berth(['ps'])));
    assert.match(table[0]!, /^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$/);
    assert.ok(table.some((l) => l.startsWith(id.slice(0, 12)) && l.endsWith('bc1')), table.join('\n'));
    const q = lines(ok(await d.berth(['ps', '-q'])));
    assert.deepEqual(q, [id.slice(0, 12)]);
    for (const s of q) assert.match(s, hex12);
    assert.equal(ok(await d.berth(['rm', '-f', 'bc1'])).trim(), 'bc1');
    assert.deepEqual(lines(ok(await d.berth(['ps', '-a', '-q']))), []);
  });

  it('berth rm of a missing container says "No such container" and exits 1', async () => {
    const r = await d.berth(['rm', 'nosuch']);
    exitsWith(r, 1);
    includes(r.stderr, 'No such container: nosuch', r);
  });

  it('berth finds the daemon through BERTH_HOST and DOCKER_HOST', async () => {
    const viaBerthHost = await berth(['ps', '-a', '-q'], { env: { BERTH_HOST: d.host } });
    ok(viaBerthHost);
    const viaDockerHost = await berth(['ps', '-a', '-q'], { env: { DOCKER_HOST: d.host } });
    ok(viaDockerHost);
    // BERTH_HOST wins over DOCKER_HOST.
    ok(await berth(['ps', '-a', '-q'], { env: { BERTH_HOST: d.host, DOCKER_HOST: 'unix:///nonexistent/berth.sock' } }));
  });

  it('berth version reports API 1.50 for the server', async () => {
    assert.equal(ok(await d.berth(['version', '--format', '{{.Server.APIVersion}}'])).trim(), '1.50');
  });
});
