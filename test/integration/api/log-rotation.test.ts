// Logs are rotated by size into a bounded number of files (json-file's max-size and
// max-file), and reading them still works across the rotated files.
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compatNeeds, skipReason, startDaemon, type Daemon } from '../../helpers/daemon.js';
import { ok } from '../../helpers/assert.js';

describe('integration: log rotation', { skip: skipReason(compatNeeds) }, () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon();
  });
  after(async () => {
    await d?.stop();
  });

  it('keeps at most max-file files of about max-size each, and logs reads across them', async () => {
    // 8 bursts of ~64 KiB, half a second apart: several rotations at 100k.
    const script = 'n=0; while [ $n -lt 8 ]; do i=0; while [ $i -lt 1000 ]; do echo "burst-$n-line-$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"; i=$((i+1)); done; n=$((n+1)); sleep 0.5; done; echo the-end';
    const id = ok(await d.docker(['run', '-d', '--log-opt', 'max-size=100k', '--log-opt', 'max-file=2', 'busybox', 'sh', '-c', script])).trim();
    assert.equal(ok(await d.docker(['wait', id])).trim(), '0');
    const dir = join(d.dataRoot, 'containers', id);
    const logs = readdirSync(dir).filter((f) => f.startsWith('container.log'));
    assert.ok(logs.length <= 2, `more than max-file log files: ${logs.join(' ')}`);
    assert.ok(logs.length === 2, `no rotation happened: ${logs.join(' ')}`);
    const total = logs.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
    // ~8 x 100 KiB of log lines were written; at most two files' worth (plus one burst of
    // overshoot, since rotation is checked each second) may remain.
    assert.ok(total < 2 * 100 * 1024 + 200 * 1024, `kept ${total} bytes`);
    const all = ok(await d.docker(['logs', id])).trimEnd().split('\n');
    assert.equal(all.at(-1), 'the-end');
    assert.doesNotMatch(all[0]!, /^burst-0-line-0-/, 'the oldest lines should have been rotated away');
    assert.equal(ok(await d.docker(['logs', '--tail', '1', id])).trim(), 'the-end');
    ok(await d.docker(['rm', id]));
  });
});
