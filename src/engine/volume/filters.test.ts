import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { volumeListFilter, volumePruneFilter } from './filters.js';
import type { VolumeRecord } from '../../volume/types.js';

const vol = (name: string, labels: Record<string, string> = {}, anonymous = false): VolumeRecord =>
  ({ name, driver: 'local', mountpoint: `/v/${name}/_data`, createdAt: '', labels, options: {}, anonymous });
const VOLS = [vol('web', { tier: 'front' }), vol('db', { tier: 'back' }), vol('a'.repeat(64), {}, true)];
const f = (o: Record<string, string[]>): Map<string, string[]> => new Map(Object.entries(o));
const used = new Set(['db']);

describe('volume filters', () => {
  const list = (o: Record<string, string[]>): string[] => VOLS.filter(volumeListFilter(f(o), (n) => used.has(n))).map((v) => v.name);
  const prune = (o: Record<string, string[]>): string[] => VOLS.filter(volumePruneFilter(f(o))).map((v) => v.name);

  it('list: name is a substring, labels must all match, dangling means no container uses it', () => {
    assert.deepEqual(list({ name: ['e'] }), ['web']);
    assert.deepEqual(list({ label: ['tier'] }), ['web', 'db']);
    assert.deepEqual(list({ label: ['tier=back'] }), ['db']);
    assert.deepEqual(list({ label: ['com.docker.volume.anonymous'] }), ['a'.repeat(64)]);
    assert.deepEqual(list({ dangling: ['false'] }), ['db']);
    assert.deepEqual(list({ dangling: ['1'], driver: ['local'] }), ['web', 'a'.repeat(64)]);
  });

  it('prune: anonymous volumes only unless all is true; label! excludes', () => {
    assert.deepEqual(prune({}), ['a'.repeat(64)]);
    assert.deepEqual(prune({ all: ['true'], 'label!': ['tier=front'] }), ['db', 'a'.repeat(64)]);
    assert.deepEqual(prune({ all: ['true'], label: ['tier'] }), ['web', 'db']);
  });

  it('refuses unknown keys and bad booleans', () => {
    assert.throws(() => list({ id: ['x'] }), { message: "invalid filter 'id'" });
    assert.throws(() => prune({ until: ['1h'] }), { message: "invalid filter 'until'" });
    assert.throws(() => list({ dangling: ['maybe'] }), { name: 'InvalidArgumentError' });
  });
});
