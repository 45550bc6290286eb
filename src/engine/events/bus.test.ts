import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventMessage } from '../../api/event.js';
import { EventBus, HISTORY_MAX_BYTES } from './bus.js';

describe('EventBus', () => {
  it('replays history since a time, then delivers live events', () => {
    const bus = new EventBus();
    bus.image('sha256:a', 'pull');
    const seen: string[] = [];
    const off = bus.subscribe((e) => seen.push(`${e.Type}:${e.Action}:${e.Actor.ID}`), 0);
    bus.image('sha256:b', 'tag');
    off();
    bus.image('sha256:c', 'delete');
    assert.deepEqual(seen, ['image:pull:sha256:a', 'image:tag:sha256:b']);
  });

  it('caps the history by bytes, dropping the oldest events', () => {
    const bus = new EventBus();
    const big = { note: 'x'.repeat(10_000) };
    for (let i = 0; i < 200; i++) bus.image(`sha256:${i}`, 'tag', big);
    const kept: EventMessage[] = [];
    bus.subscribe((e) => kept.push(e), 0)();
    const bytes = kept.reduce((n, e) => n + Buffer.byteLength(JSON.stringify(e)), 0);
    assert.ok(bytes <= HISTORY_MAX_BYTES, `${bytes} bytes kept`);
    assert.ok(kept.length > 10 && kept.length < 200);
    assert.equal(kept.at(-1)?.Actor.ID, 'sha256:199', 'the newest events are the ones kept');
  });
});
