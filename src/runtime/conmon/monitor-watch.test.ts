import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MonitorWatch } from './monitor-watch.js';

/** A watch over fake monitors: `alive` says which pids live; `lost` records reports. */
function harness(opts: { pids: Record<string, number | undefined>; alive: Set<number>; isLive?: (pid: number) => Promise<boolean> }) {
  const lost: string[] = [];
  const errors: unknown[] = [];
  const watch = new MonitorWatch({
    intervalMs: 60_000,
    monitorPid: async (id) => opts.pids[id],
    isLive: opts.isLive ?? (async (pid) => opts.alive.has(pid)),
    onLost: async (id) => { lost.push(id); },
    onError: (err) => errors.push(err),
  });
  return { watch, lost, errors };
}

const flush = async (): Promise<void> => { for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r)); };

describe('MonitorWatch', () => {
  it('reports a dead monitor once, and a live one never', async () => {
    const h = harness({ pids: { a: 10, b: 11 }, alive: new Set([11]) });
    h.watch.watch('a', { checkNow: true });
    h.watch.watch('b', { checkNow: true });
    await flush();
    assert.deepEqual(h.lost, ['a']);
    assert.equal(h.watch.isWatched('a'), false);
    assert.equal(h.watch.isWatched('b'), true);
    h.watch.close();
  });

  it('a monitor without a pid file counts as gone', async () => {
    const h = harness({ pids: { a: undefined }, alive: new Set() });
    h.watch.watch('a', { checkNow: true });
    await flush();
    assert.deepEqual(h.lost, ['a']);
    h.watch.close();
  });

  it('without checkNow nothing is looked at before the first tick', async () => {
    const h = harness({ pids: { a: 10 }, alive: new Set() });
    h.watch.watch('a');
    await flush();
    assert.deepEqual(h.lost, []);
    h.watch.close();
  });

  it('a check still in flight when the id is watched again (a new run) reports nothing', async () => {
    let release!: (alive: boolean) => void;
    const pending = new Promise<boolean>((r) => (release = r));
    const h = harness({ pids: { a: 10 }, alive: new Set(), isLive: () => pending });
    h.watch.watch('a', { checkNow: true });
    await flush();
    // The old run exits and a restart watches the same id again, while the old check waits.
    h.watch.unwatch('a');
    h.watch.watch('a');
    release(false);
    await flush();
    assert.deepEqual(h.lost, [], 'the new run was taken for the old one');
    assert.equal(h.watch.isWatched('a'), true);
    h.watch.close();
  });
});
