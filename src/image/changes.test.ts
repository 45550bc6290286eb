import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { isInvalidArgument } from '../lib/errors/index.js';
import { applyChanges, splitWords } from './changes.js';

describe('applyChanges', () => {
  it('applies every allowed instruction', () => {
    const cfg = applyChanges({ Env: ['PATH=/bin'] }, [
      'CMD ["sh", "-c", "echo hi"]',
      'ENTRYPOINT /entry.sh --flag',
      'ENV A=1 B="two words"',
      'ENV PATH /usr/bin:/bin',
      'EXPOSE 80 53/udp 8000-8001',
      'LABEL com.example.x=y "other"="v w"',
      'USER nobody',
      'VOLUME ["/data", "/logs"]',
      'WORKDIR /app',
      'WORKDIR sub',
      'STOPSIGNAL SIGINT',
      'onbuild RUN true',
    ]);
    assert.deepEqual(cfg.Cmd, ['sh', '-c', 'echo hi']);
    assert.deepEqual(cfg.Entrypoint, ['/bin/sh', '-c', '/entry.sh --flag']);
    assert.deepEqual(cfg.Env, ['PATH=/usr/bin:/bin', 'A=1', 'B=two words']);
    assert.deepEqual(Object.keys(cfg.ExposedPorts!), ['80/tcp', '53/udp', '8000/tcp', '8001/tcp']);
    assert.deepEqual(cfg.Labels, { 'com.example.x': 'y', other: 'v w' });
    assert.equal(cfg.User, 'nobody');
    assert.deepEqual(Object.keys(cfg.Volumes!), ['/data', '/logs']);
    assert.equal(cfg.WorkingDir, '/app/sub');
    assert.equal(cfg.StopSignal, 'SIGINT');
    assert.deepEqual(cfg.OnBuild, ['RUN true']);
  });

  it('refuses instructions import does not allow', () => {
    assert.throws(() => applyChanges({}, ['RUN rm -rf /']), (e: unknown) => isInvalidArgument(e) && /RUN is not a valid change command/.test((e as Error).message));
    assert.throws(() => applyChanges({}, ['EXPOSE 99999']), isInvalidArgument);
  });

  it('does not modify its input', () => {
    const base = { Env: ['A=1'] };
    applyChanges(base, ['ENV A=2']);
    assert.deepEqual(base.Env, ['A=1']);
  });

  it('splits words with quotes and escapes', () => {
    assert.deepEqual(splitWords(`a "b c" 'd e' f\\ g ""`), ['a', 'b c', 'd e', 'f g', '']);
  });
});
