import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { isInvalidArgument } from '../lib/errors/index.js';
import { applyChanges, COMMIT_CHANGE_INSTRUCTIONS, splitWords } from './changes.js';

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

describe('commit --change instructions', () => {
  it('HEALTHCHECK takes NONE, or flags and CMD in shell or exec form, durations in ns', () => {
    assert.deepEqual(applyChanges({}, ['HEALTHCHECK NONE'], COMMIT_CHANGE_INSTRUCTIONS).Healthcheck, { Test: ['NONE'] });
    assert.deepEqual(applyChanges({}, ['HEALTHCHECK --interval=1s --timeout=500ms --retries=3 CMD curl -f x'], COMMIT_CHANGE_INSTRUCTIONS).Healthcheck, {
      Test: ['CMD-SHELL', 'curl -f x'], Interval: 1e9, Timeout: 5e8, Retries: 3,
    });
    assert.deepEqual(applyChanges({}, ['healthcheck --start-period=1m30s CMD ["true"]'], COMMIT_CHANGE_INSTRUCTIONS).Healthcheck, {
      Test: ['CMD', 'true'], StartPeriod: 90e9,
    });
  });

  it('refuses bad HEALTHCHECKs with the Dockerfile\'s messages', () => {
    const bad = (line: string, msg: RegExp): void => assert.throws(() => applyChanges({}, [line], COMMIT_CHANGE_INSTRUCTIONS), (e: unknown) => isInvalidArgument(e) && msg.test((e as Error).message));
    bad('HEALTHCHECK FOO', /Unknown type "FOO" in HEALTHCHECK \(try CMD\)/);
    bad('HEALTHCHECK CMD', /Missing command after HEALTHCHECK CMD/);
    bad('HEALTHCHECK NONE x', /HEALTHCHECK NONE takes no arguments/);
    bad('HEALTHCHECK --retries=-1 CMD true', /--retries cannot be negative/);
    bad('HEALTHCHECK --interval=1us CMD true', /cannot be less than 1ms/);
  });

  it('takes Docker\'s commit list: no STOPSIGNAL, no RUN or FROM', () => {
    for (const line of ['STOPSIGNAL SIGKILL', 'RUN true', 'FROM busybox', 'ADD a b']) {
      const word = line.split(' ')[0]!;
      assert.throws(() => applyChanges({}, [line], COMMIT_CHANGE_INSTRUCTIONS), new RegExp(`^InvalidArgument|${word} is not a valid change command`));
    }
    const cfg = applyChanges({ Env: ['A=1'] }, ['cmd echo', 'ENV B=2', 'EXPOSE 80', 'LABEL a=b', 'USER u', 'VOLUME /v', 'WORKDIR /w', 'ONBUILD RUN x', 'ENTRYPOINT ["/e"]'], COMMIT_CHANGE_INSTRUCTIONS);
    assert.deepEqual(cfg.Cmd, ['/bin/sh', '-c', 'echo']);
    assert.deepEqual(cfg.Env, ['A=1', 'B=2']);
    assert.deepEqual(cfg.ExposedPorts, { '80/tcp': {} });
    assert.deepEqual([cfg.User, cfg.WorkingDir, cfg.Entrypoint, cfg.OnBuild], ['u', '/w', ['/e'], ['RUN x']]);
  });

  it('EXPOSE of a non-port says Docker\'s "Invalid containerPort"', () => {
    assert.throws(() => applyChanges({}, ['EXPOSE abc']), /Invalid containerPort: abc/);
  });
});
