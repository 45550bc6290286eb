import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isInvalidArgument } from '../../lib/errors/index.js';
import { parseDockerfile, resolveTarget, stagesToBuild } from './index.js';

const df = parseDockerfile([
  'ARG BASE=base',
  'FROM alpine AS Base',
  'FROM ${BASE} AS build',
  'RUN --mount=type=bind,from=tools,target=/t make',
  'FROM busybox AS tools',
  'FROM scratch AS unused',
  'FROM scratch',
  'COPY --from=build /out /out',
  'COPY --from=alpine:3 /etc/os-release /',
  '',
].join('\n'));
const names = (stages: { name?: string; index: number }[]): string[] => stages.map((s) => s.name ?? String(s.index));

describe('resolveTarget', () => {
  it('takes the last stage without a target and names case-insensitively', () => {
    assert.equal(resolveTarget(df).index, 4);
    assert.equal(resolveTarget(df, 'BUILD').name, 'build');
  });

  it('refuses a target that no stage has', () => {
    assert.throws(() => resolveTarget(df, 'nope'), (err: unknown) => {
      assert.ok(isInvalidArgument(err));
      assert.equal((err as Error).message, 'target stage "nope" could not be found');
      return true;
    });
  });
});

describe('stagesToBuild', () => {
  it('follows FROM, COPY --from and mount from, dependencies first, skipping unused stages', () => {
    const lookup = (n: string): string | undefined => (n === 'BASE' ? 'base' : undefined);
    assert.deepEqual(names(stagesToBuild(df, resolveTarget(df), lookup)), ['base', 'tools', 'build', '4']);
    assert.deepEqual(names(stagesToBuild(df, resolveTarget(df, 'tools'))), ['tools']);
  });

  it('follows stage indexes in COPY --from', () => {
    const d = parseDockerfile('FROM a\nFROM b\nCOPY --from=0 /x /x\n');
    assert.deepEqual(names(stagesToBuild(d, resolveTarget(d))), ['0', '1']);
  });

  it('treats FROM of a later or its own name as an image', () => {
    const d = parseDockerfile('FROM later AS first\nFROM first AS later\n');
    assert.deepEqual(names(stagesToBuild(d, resolveTarget(d))), ['first', 'later']);
  });

  it('refuses stages that need each other', () => {
    const d = parseDockerfile('FROM a AS x\nCOPY --from=y /a /a\nFROM b AS y\nCOPY --from=x /b /b\n');
    assert.throws(() => stagesToBuild(d, resolveTarget(d)), /circular dependency detected on stage: y \(y -> x -> y\)/);
  });
});
